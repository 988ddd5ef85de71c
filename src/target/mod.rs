//! How to reach a target: the awsJson 1.1 wire client (reqwest, SigV4 via
//! aws-sigv4), principals and their accounts, outcome classification, and
//! launching targets (a moto process, or an in-process server the caller starts),
//! and the real-AWS gate every launch passes.
//!
//! This layer never decides conformance: it records what was sent and what came
//! back, and classifies the answer so checks can read it.

mod client;
mod config;
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
pub use config::{ConfigError, RealAwsOptIn, TargetConfig, TargetKind, WaitPolicy};
pub use error::TargetError;
pub use journal::{delete_rank, Journal, JournalEntry, Place, JOURNAL_VERSION};
pub use launch::{InProcessServer, LaunchedTarget, TargetIdentity};
pub use loopback::set_quick_ack;
pub(crate) use loopback::Loopback;
pub use optin::AllowList;
pub use retry::{retryable, RetryPolicy, Retryable, WireStats};
pub use served::{ServeProcessError, ServedReference};
pub use signer::Signer;
pub use tap::{RawRequest, Tap, TapSet};
pub use transport::is_loopback;
