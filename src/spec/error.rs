//! Errors of the specification layer.

use std::path::PathBuf;

/// A specification that cannot be read or does not hold together.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read specification {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a specification in the expected format.
    #[error("specification {origin} is not valid: {reason}")]
    Invalid {
        /// Where the text came from (a path or "built-in").
        origin: String,
        /// What is wrong.
        reason: String,
    },
}
