//! Running: the case loop, step execution, shrinking with proptest, seeds,
//! replay, and per-case cleanup. Produces a [`RunReport`], the one model every
//! report renders.

mod case;
mod config;
mod error;
mod outcome;
mod redact;
mod replay;
mod runner;

pub use case::{execute, CaseContext, CaseOutcome, StepRecord};
pub use config::RunConfig;
pub use error::RunError;
pub use outcome::{
    Bucket, CoverageCell, Harness, OperationStats, ReportConfig, Repro, RunReport, CHECK_GROUPS,
    SCHEMA_VERSION,
};
pub use redact::redact;
pub use replay::{replay, BucketRef, ReplayFile, ReplayOutcome, REPLAY_FORMAT};
pub use runner::run;
