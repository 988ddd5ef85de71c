//! Checks: small named units with stable ids (see `docs/checks.md`). Each reads
//! the model's prediction, the request and the raw answer, and reports findings.
//! Checks never call a target and never change the model.

#[cfg(test)]
mod aws_quirks;
mod context;
mod deviation;
mod error;
mod finding;
mod liveness;
mod model;
mod registry;
mod sdk;
mod sdkkey;
mod sdkparse;
mod shape;
#[cfg(test)]
mod testing;
mod wire;

pub use context::{CheckCtx, Sink};
pub use deviation::{Deviation, DEVIATIONS};
pub use finding::{bucket_path, Finding, Severity};
pub use liveness::{Seen, WaitFn, WaitObservation};
pub use registry::{
    def, lookup, CheckDef, CheckFn, CheckSet, Judge, Scope, UnknownCheck, CHECKS, CHECK_GROUPS,
};
pub use sdkparse::{SdkParser, SdkVerdict, OPERATIONS as SDK_OPERATIONS};
