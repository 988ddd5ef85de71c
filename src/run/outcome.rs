//! The run's output model: one serde document (`report.json`) that every report renders.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::StepRecord;
use crate::check::{Finding, Severity};
use crate::model::{Basis, Plan};
use crate::target::TargetIdentity;
use crate::vocab::Accounts;

/// Version of the report.json schema (bumped on incompatible changes; documented in the README).
pub const SCHEMA_VERSION: u32 = 1;

/// How a run reproduces a bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repro {
    /// Run seed.
    pub seed: u64,
    /// Search round within the run (one per distinct failure).
    pub round: u32,
    /// The shrunk plan.
    pub plan: Plan,
    /// Its steps as executed when re-run after shrinking.
    pub steps: Vec<StepRecord>,
    /// The findings of that re-run.
    pub findings: Vec<Finding>,
    /// Whether the re-run showed the bucket again (false: flaky).
    pub reproduced: bool,
    /// The search case (0-based) the bucket was first seen in, which the plan was
    /// shrunk from: merged partial runs keep the repro of the earliest case.
    #[serde(default)]
    pub case: u32,
    /// Requests the shrinking and the re-run sent.
    #[serde(default)]
    pub shrink_requests: u64,
    /// Replay file, relative to the output folder.
    pub replay_file: Option<String>,
}

/// One root cause: findings grouped by (check, operation, JSON path, status).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Check id.
    pub check: String,
    /// Severity.
    pub severity: Severity,
    /// Basis of the expectation.
    pub basis: Basis,
    /// Operation.
    pub operation: String,
    /// JSON path with `[*]` for list indices.
    pub path: String,
    /// HTTP status.
    pub status: u16,
    /// Occurrences during the search (not counting shrinking).
    pub count: u64,
    /// Expected (first occurrence).
    pub expected: String,
    /// Actual (first occurrence).
    pub actual: String,
    /// Minimal reproduction, when this bucket was shrunk.
    pub repro: Option<Repro>,
    /// The search case (0-based) the bucket was first seen in; its example comes
    /// from that case (or from the repro's re-run).
    #[serde(default)]
    pub first_case: u32,
}

impl Bucket {
    /// The bucket key.
    pub fn key(&self) -> (String, String, String, u16) {
        (
            self.check.clone(),
            self.operation.clone(),
            self.path.clone(),
            self.status,
        )
    }
}

/// Calls of one operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationStats {
    /// Requests sent.
    pub calls: u64,
    /// Requests by outcome label.
    pub outcomes: BTreeMap<String, u64>,
    /// Total latency in microseconds.
    pub latency_us: u64,
    /// Distinct rules the negative suite broke in calls of this operation (invalid
    /// inputs by rule name, malformed requests by kind); absent when none.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub rules: std::collections::BTreeSet<String>,
}

/// One cell of the operations × check groups table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageCell {
    /// Exercised, no failure.
    Pass,
    /// At least one failure bucket.
    Fail,
    /// The target does not implement the operation.
    NotImplemented,
    /// Never called.
    NotExercised,
}

/// How far the run got along one edge of a resource's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeStatus {
    /// Observed on this target.
    Exercised,
    /// Modelled, never observed.
    NotReached,
    /// A finding of `model.state`, `model.transition` or `model.gone` involved this resource type.
    Violated,
}

/// One lifecycle edge and whether the run exercised it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionCoverage {
    /// Resource type (`connection`, `lag`, …).
    pub kind: String,
    /// From state (`[*]` for creation).
    pub from: String,
    /// To state.
    pub to: String,
    /// What moves it: an operation name, or `async`.
    pub via: String,
    /// Exercised, not reached, or violated.
    pub status: EdgeStatus,
}

/// When a run first met a failure it had not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstFailure {
    /// Number of the case (1-based, search cases only).
    pub case: u64,
    /// Milliseconds from the start of the search.
    pub millis: u64,
}

/// An operation of the specification the model does not cover, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotModelled {
    /// Operation.
    pub operation: String,
    /// One-line reason.
    pub reason: String,
}

/// The harness itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Harness {
    /// `dxconform`.
    pub name: String,
    /// Crate version.
    pub version: String,
    /// Specification provenance (`botocore 1.44.8`).
    pub spec: String,
}

/// Settings of the run that produced the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportConfig {
    /// Cases requested.
    pub cases: u32,
    /// Most steps per case.
    pub max_steps: usize,
    /// Enabled checks.
    pub checks: Vec<String>,
    /// Whether the partner principal was used.
    pub two_accounts: bool,
    /// The account of each principal (reproductions act as these accounts).
    #[serde(default)]
    pub accounts: Accounts,
    /// Cases run side by side (`--jobs`); findings do not depend on it.
    #[serde(default = "one_job")]
    pub jobs: usize,
    /// The share of the cases this report covers (`--partition K/N`); none for a
    /// whole run or a merge of every share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<super::Partition>,
}

fn one_job() -> usize {
    1
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The harness.
    pub harness: Harness,
    /// The target.
    pub target: TargetIdentity,
    /// Run seed (`--seed` reproduces the run).
    pub seed: u64,
    /// Start time, epoch seconds.
    pub started_at: u64,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Settings.
    pub config: ReportConfig,
    /// Cases generated and run during the search (shrinking excluded).
    pub cases_run: u64,
    /// Steps sent during the search.
    pub steps_run: u64,
    /// Steps skipped (their resource did not exist).
    pub steps_skipped: u64,
    /// Requests sent in total, shrinking and re-runs included.
    pub requests: u64,
    /// Per operation.
    pub operations: BTreeMap<String, OperationStats>,
    /// Operations × check groups.
    pub coverage: BTreeMap<String, BTreeMap<String, CoverageCell>>,
    /// Finding buckets, failures first.
    pub buckets: Vec<Bucket>,
    /// The defects that explain the buckets (`run::root_causes`), failures first;
    /// every bucket belongs to exactly one. Reports written before root causes
    /// existed have none here; loading them fills it in.
    #[serde(default)]
    pub root_causes: Vec<super::RootCause>,
    /// Resource ids a run could not delete.
    pub leaked: Vec<String>,
    /// Lifecycle edges per resource type, with what the run saw of each.
    #[serde(default)]
    pub transitions: Vec<TransitionCoverage>,
    /// Operations of the specification that are not modelled, with reasons.
    #[serde(default)]
    pub not_modelled: Vec<NotModelled>,
    /// When the search first failed (none for a conformant run).
    #[serde(default)]
    pub first_failure: Option<FirstFailure>,
    /// What the wire client retried, throttled and waited (`retries`, `throttles`,
    /// `retry_delay_ms`, `rate_delay_ms`, …).
    #[serde(default)]
    pub wire: crate::target::WireStats,
    /// The run's budgets: caps, which one stopped the run and when, skipped creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<super::BudgetReport>,
    /// What the waits for asynchronous states did (all zero when waits are off).
    #[serde(default)]
    pub waits: super::WaitStats,
    /// Present only when the run was interrupted (Ctrl-C, SIGTERM, SIGHUP): the
    /// report then holds what the run did until then and is incomplete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<super::Interruption>,
}

/// Check groups of the coverage table, in display order (derived from the registry).
pub use crate::check::CHECK_GROUPS;

impl RunReport {
    /// Failure buckets.
    pub fn failures(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets
            .iter()
            .filter(|b| b.severity == Severity::Failure)
    }

    /// Root causes of failures (the defects a maintainer must fix).
    pub fn failing_root_causes(&self) -> usize {
        self.root_causes
            .iter()
            .filter(|c| c.severity == Severity::Failure)
            .count()
    }

    /// Whether the run did all it was configured to do (it was not interrupted;
    /// a cap may still have ended it early).
    pub fn complete(&self) -> bool {
        self.interrupted.is_none()
    }

    /// Whether the target conformed (no failure bucket).
    pub fn conformant(&self) -> bool {
        self.failures().next().is_none()
    }
}
