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
    /// How far the plan was shrunk: to the end, partly (a shrink budget, the
    /// candidate bound or an interrupt cut it off), or not at all (`--no-shrink`, or
    /// the shrink budget was spent before this bucket's turn).
    #[serde(default)]
    pub shrink: ShrinkStatus,
    /// Replay file, relative to the output folder.
    pub replay_file: Option<String>,
}

/// How far a reproduction was shrunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShrinkStatus {
    /// Shrunk until no smaller plan showed the bucket (reports written before the
    /// member existed shrank every bucket this way).
    #[default]
    Complete,
    /// Shrinking stopped before the end: the plan is smaller than the case's, not minimal.
    Partial,
    /// Not shrunk: the plan is the whole case that first showed the bucket
    /// (`--no-shrink`, a spent shrink budget, or a search a cap had stopped).
    None,
}

impl ShrinkStatus {
    /// `complete`, `partial` or `none`, as report.json spells it.
    pub fn label(self) -> &'static str {
        match self {
            ShrinkStatus::Complete => "complete",
            ShrinkStatus::Partial => "partial",
            ShrinkStatus::None => "none",
        }
    }

    /// What a report says of a reproduction shrunk this far (nothing when complete).
    pub fn note(self) -> Option<&'static str> {
        match self {
            ShrinkStatus::Complete => None,
            ShrinkStatus::Partial => {
                Some("partly shrunk: shrinking stopped early (a shrink budget, a stopped search or the candidate bound), so the sequence may hold steps the failure does not need")
            }
            ShrinkStatus::None => {
                Some("unshrunk: the whole case that first showed it (--no-shrink, a spent shrink budget or a stopped search)")
            }
        }
    }
}

/// What a run's `--baseline` file made of its root causes (keys of failing root
/// causes; `fixed` are the file's entries no root cause of the run has).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline file, as given.
    pub file: String,
    /// Failing root causes the file lists (not expired).
    pub known: Vec<String>,
    /// Failing root causes the file does not list.
    pub new: Vec<String>,
    /// Failing root causes the file lists past their `expires` date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<String>,
    /// Entries of the file that no root cause of this run has (to prune).
    pub fixed: Vec<String>,
    /// Whether `--baseline-update` rewrote the file from this run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub updated: bool,
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

impl Repro {
    /// The steps of the re-run that were sent (a skipped step sent nothing).
    pub fn sent_steps(&self) -> impl Iterator<Item = &StepRecord> {
        self.steps.iter().filter(|s| !s.skipped)
    }
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
    /// Whether every call got the same non-answer ([`non_answer`]); calls sent
    /// malformed on the wire are not judged (a target may never route them).
    #[serde(default, skip_serializing_if = "Answers::unjudged")]
    pub answers: Answers,
}

/// What the judged calls of one operation were answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answers {
    /// No call judged yet.
    #[default]
    Unjudged,
    /// Every judged call got this non-answer (its signature).
    Uniform(String),
    /// Calls got answers, or different non-answers.
    Varied,
}

impl Answers {
    /// No call judged yet.
    pub fn unjudged(&self) -> bool {
        *self == Answers::Unjudged
    }

    /// The non-answer every judged call got, if any.
    pub fn uniform(&self) -> Option<&str> {
        match self {
            Answers::Uniform(answer) => Some(answer),
            _ => None,
        }
    }

    /// Fold in the non-answer of one more judged call (`None`: it was answered).
    pub fn fold(&mut self, non_answer: Option<&str>) {
        *self = match (&*self, non_answer) {
            (Answers::Unjudged, Some(answer)) => Answers::Uniform(answer.to_owned()),
            (Answers::Uniform(same), Some(answer)) if same == answer => return,
            _ => Answers::Varied,
        };
    }

    /// Combine with the answers of another share of a partitioned run.
    pub fn absorb(&mut self, other: &Answers) {
        match other {
            Answers::Unjudged => {}
            Answers::Uniform(answer) => self.fold(Some(answer)),
            Answers::Varied => *self = Answers::Varied,
        }
    }
}

impl OperationStats {
    /// Add the stats of the same operation from another share of a partitioned run.
    pub fn absorb(&mut self, other: &OperationStats) {
        self.answers.absorb(&other.answers);
        self.calls += other.calls;
        self.latency_us += other.latency_us;
        for (outcome, n) in &other.outcomes {
            *self.outcomes.entry(outcome.clone()).or_default() += n;
        }
        self.rules.extend(other.rules.iter().cloned());
    }
}

/// Longest body [`non_answer`] looks into: a non-answer is short, and a long 2xx
/// body is an answer (parsing every long list would cost the run its speed).
const NON_ANSWER_MAX_BYTES: usize = 256;

/// Whether a 2xx answer of `operation` answers nothing: its body is empty, or a JSON
/// object naming none of the members the operation's output declares, while the
/// output declares some (an empty answer is right for an output without members).
/// Returns the answer's signature (`HTTP 200 with an empty body`, `HTTP 200 with {}`),
/// which is the same for every operation a target answers this way.
pub fn non_answer(operation: &str, status: u16, body: &str) -> Option<String> {
    if !(200..300).contains(&status) || body.len() > NON_ANSWER_MAX_BYTES {
        return None;
    }
    let spec = crate::spec::Spec::builtin();
    let output = spec.shape(spec.operation(operation)?.output.as_deref()?)?;
    if output.members.is_empty() {
        return None;
    }
    let body = body.trim();
    if body.is_empty() {
        return Some(format!("HTTP {status} with an empty body"));
    }
    let serde_json::Value::Object(members) = serde_json::from_str(body).ok()? else {
        return None;
    };
    if members
        .keys()
        .any(|m| output.members.contains_key(m.as_str()))
    {
        return None;
    }
    Some(format!("HTTP {status} with {body}"))
}

/// How many operations must get the same non-answer on every call before it counts
/// as the target's way of answering operations it does not route: one operation
/// answering one way (a delete answering an empty body while its siblings work) is a
/// finding of an implemented operation; the same non-answer from unrelated
/// operations is no implementation at all.
pub const UNIFORM_NON_ANSWER_OPERATIONS: usize = 3;

/// The operations a target does not implement by a uniform non-answer, with that
/// answer's signature: every call of each got the same non-answer, and at least
/// [`UNIFORM_NON_ANSWER_OPERATIONS`] operations got the same one.
pub fn uniformly_unanswered(
    operations: &BTreeMap<String, OperationStats>,
) -> BTreeMap<String, String> {
    let mut by_answer: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (operation, stats) in operations {
        if let Some(answer) = stats.answers.uniform() {
            by_answer.entry(answer).or_default().push(operation);
        }
    }
    by_answer
        .into_iter()
        .filter(|(_, ops)| ops.len() >= UNIFORM_NON_ANSWER_OPERATIONS)
        .flat_map(|(answer, ops)| {
            ops.into_iter()
                .map(move |op| (op.to_owned(), answer.to_owned()))
        })
        .collect()
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
    /// What the teardowns of cases did on a target without reset (deletes, retries,
    /// answers of "already gone", time, idle time, leftovers); all zero on a target
    /// reset between cases.
    #[serde(default, skip_serializing_if = "super::TeardownStats::is_empty")]
    pub teardown: super::TeardownStats,
    /// Waits the run decided after one poll by what it had already observed
    /// (`run::Pace`): per kind of observation and reason, the full wait they refer
    /// to and how many. Empty on a target whose every wait settles.
    #[serde(default)]
    pub shortened_waits: Vec<super::ShortenedWait>,
    /// Present only when the run was interrupted (Ctrl-C, SIGTERM, SIGHUP): the
    /// report then holds what the run did until then and is incomplete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<super::Interruption>,
    /// Present only when the run was given a baseline of known root causes
    /// (`--baseline FILE`): which failing root causes it knew, which are new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
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

    /// Whether the target conformed (no failure bucket, and no operation left
    /// unimplemented behind a uniform non-answer).
    pub fn conformant(&self) -> bool {
        self.failures().next().is_none() && self.failing_root_causes() == 0
    }

    /// The failing root causes that fail the run: all of them without a baseline;
    /// with one, those it does not list or lists as expired.
    pub fn blocking_root_causes(&self) -> impl Iterator<Item = &super::RootCause> {
        let judged = self.baseline.is_some();
        self.root_causes.iter().filter(move |c| {
            c.severity == Severity::Failure
                && (!judged || c.baseline.is_none_or(super::BaselineStatus::fails))
        })
    }

    /// Whether the run passes: the target conformed or, with a baseline, every
    /// failing root cause is a known, unexpired one.
    pub fn passes(&self) -> bool {
        match self.baseline {
            None => self.conformant(),
            Some(_) => self.blocking_root_causes().next().is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_naming_no_output_member_is_a_non_answer() {
        assert_eq!(
            non_answer("CreateConnection", 200, "").as_deref(),
            Some("HTTP 200 with an empty body")
        );
        assert_eq!(
            non_answer("DescribeLags", 200, " {} ").as_deref(),
            Some("HTTP 200 with {}")
        );
        assert_eq!(
            non_answer("DescribeLags", 200, r#"{"ok": true}"#).as_deref(),
            Some(r#"HTTP 200 with {"ok": true}"#)
        );
        // Any output member makes it an answer, right or wrong.
        assert_eq!(non_answer("DescribeLags", 200, r#"{"lags": []}"#), None);
        // An output without members is answered by an empty body.
        assert_eq!(non_answer("TagResource", 200, "{}"), None);
        assert_eq!(non_answer("CreateConnection", 400, ""), None);
        assert_eq!(non_answer("NoSuchOperation", 200, ""), None);
    }

    fn stats(answers: &[Option<&str>]) -> OperationStats {
        let mut stats = OperationStats::default();
        for answer in answers {
            stats.answers.fold(*answer);
            stats.calls += 1;
        }
        stats
    }

    #[test]
    fn a_non_answer_shared_by_three_operations_on_every_call_means_not_implemented() {
        let empty = Some("HTTP 200 with an empty body");
        let mut operations: BTreeMap<String, OperationStats> = [
            ("CreateLag", stats(&[empty, empty])),
            ("DescribeLags", stats(&[empty])),
            ("DeleteLag", stats(&[empty, empty, empty])),
            // Answered once: implemented, whatever else it answers.
            ("DeleteConnection", stats(&[empty, None])),
            ("CreateConnection", stats(&[None, None])),
        ]
        .into_iter()
        .map(|(op, s)| (op.to_owned(), s))
        .collect();
        let unanswered = uniformly_unanswered(&operations);
        assert_eq!(
            unanswered.keys().map(String::as_str).collect::<Vec<_>>(),
            ["CreateLag", "DeleteLag", "DescribeLags"]
        );
        assert!(unanswered.values().all(|a| Some(a.as_str()) == empty));
        // Two operations answering the same way are two findings, not an unrouted API.
        operations.remove("DeleteLag");
        assert!(uniformly_unanswered(&operations).is_empty());
    }

    #[test]
    fn shares_of_a_partitioned_run_agree_on_a_non_answer_only_when_each_saw_it_alone() {
        let empty = Some("HTTP 200 with an empty body");
        let mut merged = stats(&[empty]);
        merged.absorb(&OperationStats::default());
        merged.absorb(&stats(&[empty, empty]));
        assert_eq!((merged.calls, merged.answers.uniform()), (3, empty));
        merged.absorb(&stats(&[None]));
        assert_eq!((merged.calls, &merged.answers), (4, &Answers::Varied));
        let mut unseen = OperationStats::default();
        unseen.absorb(&stats(&[empty]));
        assert_eq!(unseen.answers.uniform(), empty);
        // A share whose calls were all malformed judged none: it changes nothing.
        unseen.absorb(&OperationStats {
            calls: 2,
            ..OperationStats::default()
        });
        assert_eq!(unseen.answers.uniform(), empty);
    }
}
