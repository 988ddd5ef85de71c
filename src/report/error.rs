//! Errors of the report layer.

use std::path::PathBuf;

/// A report that cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing failed.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Serialization failed.
    #[error("cannot serialize the report: {0}")]
    Serialize(String),
}
