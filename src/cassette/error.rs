//! The cassette layer's one error enum.

use std::path::PathBuf;

use crate::check::UnknownCheck;
use crate::target::TargetError;

/// What can go wrong recording, replaying or checking captured exchanges.
#[derive(Debug, thiserror::Error)]
pub enum CassetteError {
    /// A file could not be read or written.
    #[error("cannot access {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is not what it should be.
    #[error("invalid {path}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The target could not be reached or launched.
    #[error("target error")]
    Target(#[from] TargetError),
    /// A check selector named no check.
    #[error(transparent)]
    Checks(#[from] UnknownCheck),
    /// The async runtime could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
}

impl CassetteError {
    pub(super) fn io(path: &std::path::Path, source: std::io::Error) -> CassetteError {
        CassetteError::Io {
            path: path.to_owned(),
            source,
        }
    }

    pub(super) fn invalid(path: &std::path::Path, reason: impl Into<String>) -> CassetteError {
        CassetteError::Invalid {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}
