//! Errors of the target layer: a target that cannot be started or reached.

use std::path::PathBuf;

/// A target that cannot be launched, reached or reset.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The endpoint URL does not parse.
    #[error("invalid endpoint {endpoint}: {reason}")]
    InvalidEndpoint {
        /// The URL as given.
        endpoint: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The moto server executable was not found.
    #[error("moto_server not found (looked in {searched}); install it with `python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.6'` or set DXCONFORM_MOTO_SERVER")]
    MotoNotFound {
        /// Where we looked.
        searched: String,
    },
    /// A process could not be started.
    #[error("cannot start {program}")]
    Spawn {
        /// The executable.
        program: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The target did not answer in time after starting.
    #[error("target at {endpoint} did not become ready within {seconds} s")]
    NotReady {
        /// Endpoint polled.
        endpoint: String,
        /// How long we waited.
        seconds: u64,
    },
    /// The target cannot be reached at all.
    #[error("target {endpoint} is unreachable: {reason}")]
    Unreachable {
        /// Endpoint.
        endpoint: String,
        /// Transport message.
        reason: String,
    },
    /// The reset call failed.
    #[error("reset of {endpoint} failed: {reason}")]
    Reset {
        /// Endpoint.
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// The embedded reference target could not start.
    #[error("embedded reference target failed to start")]
    Embedded(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// An `Embedded` target without an endpoint was launched without the in-process
    /// server it runs against (`run::launch` supplies the reference target).
    #[error("an embedded target needs an in-process server or an --endpoint")]
    NoInProcessServer,
    /// The configuration is refused before anything is sent (the real-AWS gate, bad
    /// account ids or endpoint).
    #[error(transparent)]
    Refused(#[from] super::ConfigError),
    /// Credentials could not be resolved.
    #[error("cannot resolve credentials for {principal}: {reason}")]
    Credentials {
        /// The principal.
        principal: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}
