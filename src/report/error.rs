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
    /// A report file cannot be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A report file is not a report.json.
    #[error("{path} is not a dxconform report.json: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A report.json of another schema version.
    #[error("{path} has report schema version {found}, expected {expected}", expected = crate::run::SCHEMA_VERSION)]
    Schema {
        /// The file.
        path: PathBuf,
        /// The version found (`none` when absent).
        found: String,
    },
}
