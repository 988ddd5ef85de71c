//! Errors of the reference target's own machinery (binding, configuration).
//!
//! Answers to API callers are not errors of this kind: they are responses
//! (see `ApiError`), because a rejected request is the target working as intended.

use std::net::SocketAddr;

/// The reference target could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration cannot be honoured.
    #[error("invalid emulator configuration: {reason}")]
    InvalidConfig {
        /// What is wrong.
        reason: String,
    },
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The bound socket's address could not be read.
    #[error("cannot read the local address of the listener bound to {addr}")]
    LocalAddr {
        /// The requested address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
