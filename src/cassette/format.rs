//! The cassette file format (version [`CASSETTE_FORMAT`]), documented in `docs/cassettes.md`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CassetteError;
use crate::model::Plan;
use crate::target::TargetIdentity;
use crate::vocab::Principal;

/// Format version of cassettes; bumped on incompatible changes.
pub const CASSETTE_FORMAT: u32 = 1;

/// The file a cassette folder holds.
pub const CASSETTE_FILE: &str = "cassette.json";

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cassette {
    /// [`CASSETTE_FORMAT`].
    pub format: u32,
    /// A note for whoever opens the file.
    pub about: String,
    /// Harness that recorded it (`dxconform 0.1.0`).
    pub harness: String,
    /// Seed the plans were generated from.
    pub seed: u64,
    /// The target recorded.
    pub target: TargetIdentity,
    /// Location codes the plans were resolved against (replays use them too).
    pub locations: Vec<String>,
    /// Milliseconds per asynchronous state change of the recorded target, when known (0: unknown or step-driven).
    #[serde(default)]
    pub async_delay_ms: u64,
    /// The recorded target was not reset between cases (as a real account cannot be):
    /// cases shared its accounts with each other and with the account's history, so
    /// lists were filtered to each case's own resources and which documented
    /// alternative a resource got followed that history (docs/cassettes.md).
    #[serde(default)]
    pub shared: bool,
    /// The run id whose tag (`dxconform:run-id`) the recording's creates carried (a
    /// journaled recording on a target without reset, so that a sweep finds what it
    /// created); a replay tags its creates the same, so that requests and answers are
    /// the recorded ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_tag: Option<String>,
    /// Paths known to vary between targets or runs; differences there are not reported.
    #[serde(default)]
    pub varies: Vec<KnownVariance>,
    /// Every case, in order.
    pub cases: Vec<RecordedCase>,
}

/// A path known to vary, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownVariance {
    /// Operation, or `*` for every operation.
    pub operation: String,
    /// JSON path with `[*]` for list items (`$.connections[*].awsDevice`); a prefix covers what is below it.
    pub path: String,
    /// Why it varies.
    pub reason: String,
}

impl KnownVariance {
    /// Whether this declaration covers `path` (a bucket path) of `operation`.
    pub fn covers(&self, operation: &str, path: &str) -> bool {
        (self.operation == "*" || self.operation == operation)
            && (path == self.path
                || path
                    .strip_prefix(self.path.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('[')))
    }
}

/// One case: its plan and every exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedCase {
    /// 1-based number of the case.
    pub case: u32,
    /// The symbolic plan (replayed by `dxconform parity`).
    pub plan: Plan,
    /// One entry per step of the plan.
    pub exchanges: Vec<RecordedExchange>,
}

/// One step as it crossed the wire, normalised (references instead of ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedExchange {
    /// Index of the step in the plan.
    pub step: usize,
    /// The step referred to a resource the case did not have and was not sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// Operation.
    pub operation: String,
    /// Caller.
    pub principal: Principal,
    /// Request body (redacted, normalised).
    #[serde(default)]
    pub request: Value,
    /// HTTP status (0: none).
    #[serde(default)]
    pub status: u16,
    /// Response headers (lower-case names; request ids and dates normalised).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// Response body when it is JSON (redacted, normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Response body when it is not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// List items of resources the case does not know that were left out of `body`
    /// (other cases' and earlier runs' resources on a target without reset).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out: usize,
    /// Latency in microseconds.
    #[serde(default)]
    pub latency_us: u64,
    /// When the request was sent, in milliseconds since the case began.
    #[serde(default)]
    pub at_ms: u64,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Cassette {
    /// Read `DIR/cassette.json` (or a cassette file given directly).
    pub fn load(path: &Path) -> Result<Cassette, CassetteError> {
        let file = if path.is_dir() {
            path.join(CASSETTE_FILE)
        } else {
            path.to_owned()
        };
        let text = std::fs::read_to_string(&file).map_err(|e| CassetteError::io(&file, e))?;
        let mut cassette: Cassette = serde_json::from_str(&text)
            .map_err(|e| CassetteError::invalid(&file, e.to_string()))?;
        if cassette.format != CASSETTE_FORMAT {
            return Err(CassetteError::invalid(
                &file,
                format!("format {} is not {CASSETTE_FORMAT}", cassette.format),
            ));
        }
        cassette.upgrade();
        Ok(cassette)
    }

    /// Number what earlier recordings of this format kept as the target wrote it and a
    /// recording now turns into references (peering addresses, resiliency group and
    /// failover test ids), in the order a recording numbers them (each answer before
    /// its request), so a replay compares them as references. A no-op on a cassette
    /// recorded since.
    fn upgrade(&mut self) {
        for case in &mut self.cases {
            let mut refs = super::Refs::new(&crate::vocab::Accounts::default());
            for e in &mut case.exchanges {
                if let Some(body) = &e.body {
                    e.body = Some(refs.upgraded(body));
                }
                e.request = refs.upgraded(&e.request);
            }
        }
    }

    /// Write `DIR/cassette.json`, creating `DIR`.
    pub fn save(&self, dir: &Path) -> Result<std::path::PathBuf, CassetteError> {
        std::fs::create_dir_all(dir).map_err(|e| CassetteError::io(dir, e))?;
        let file = dir.join(CASSETTE_FILE);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| CassetteError::invalid(&file, e.to_string()))?;
        std::fs::write(&file, text + "\n").map_err(|e| CassetteError::io(&file, e))?;
        Ok(file)
    }

    /// Exchanges sent, over all cases.
    pub fn exchanges(&self) -> usize {
        self.cases
            .iter()
            .map(|c| c.exchanges.iter().filter(|e| !e.skipped).count())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variance(operation: &str, path: &str) -> KnownVariance {
        KnownVariance {
            operation: operation.into(),
            path: path.into(),
            reason: "r".into(),
        }
    }

    #[test]
    fn variances_cover_their_path_and_below() {
        let v = variance("*", "$.connections[*].awsDevice");
        assert!(v.covers("DescribeConnections", "$.connections[*].awsDevice"));
        assert!(!v.covers("DescribeConnections", "$.connections[*].awsDeviceV2"));
        let w = variance("DescribeLocations", "$.locations");
        assert!(w.covers("DescribeLocations", "$.locations[*].locationCode"));
        assert!(!w.covers("DescribeConnections", "$.locations"));
    }
}
