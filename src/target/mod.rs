//! How to reach a target: the awsJson 1.1 wire client (reqwest, SigV4 via
//! aws-sigv4), principals and their accounts, outcome classification, and
//! launching the embedded reference target or a moto process.
//!
//! This layer never decides conformance: it records what was sent and what came
//! back, and classifies the answer so checks can read it.

mod client;
mod error;
mod journal;
mod launch;
mod loopback;
mod optin;
mod raw;
mod retry;
mod served;
mod signer;
mod tap;
mod transport;

pub use client::{WireClient, WireOptions};
pub use error::TargetError;
pub use journal::{delete_rank, Journal, JournalEntry};
pub use launch::{LaunchedTarget, TargetConfig, TargetIdentity, TargetKind, WaitPolicy};
pub use loopback::set_quick_ack;
pub(crate) use loopback::Loopback;
pub use optin::AllowList;
pub use retry::{retryable, RetryPolicy, Retryable, WireStats};
pub use served::{ServeProcessError, ServedReference};
pub use signer::Signer;
pub use tap::{RawRequest, Tap, TapSet};
pub use transport::is_loopback;
