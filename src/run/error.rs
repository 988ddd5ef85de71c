//! Errors of the run layer: a run that cannot start or finish.

use std::path::PathBuf;

/// A run that could not be carried out (as opposed to a run that found deviations).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The target could not be launched or reached.
    #[error(transparent)]
    Target(#[from] crate::target::TargetError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// A check selector is unknown.
    #[error(transparent)]
    Checks(#[from] crate::check::UnknownCheck),
    /// The plan strategy could not generate a case.
    #[error("cannot generate a plan: {0}")]
    Generation(String),
    /// A replay file cannot be read.
    #[error("cannot read replay file {path}: {reason}")]
    Replay {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A mutant could not be served in a child process (`dxconform mutants --via-endpoint`).
    #[error(transparent)]
    Serve(#[from] crate::target::ServeProcessError),
    /// Partial reports cannot be merged (`dxconform merge`).
    #[error("cannot merge: {0}")]
    Merge(String),
    /// The run was interrupted ([`super::run`], whose caller cannot interrupt it,
    /// never returns this; [`super::run_observed`] returns the interrupted outcome).
    #[error("the run was interrupted")]
    Interrupted,
    /// An output file cannot be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
