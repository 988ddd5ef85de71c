//! Budgets: caps on live resources per type, total requests, requests per second
//! and wall time, for runs left unattended against accounts that cost money.
//!
//! A [`Budget`] is shared by every case of a run (thread-safe: cases will run
//! concurrently). The runner asks [`Budget::exhausted`] before each case (a
//! request or wall-time cap ends the search early); a case asks
//! [`CaseBudget::admit`] before each create (a create beyond a live cap, or after
//! the run is exhausted, is skipped with the reason) and reports what is live
//! after each step with [`CaseBudget::observe`]. Cleanup is never capped. The
//! requests-per-second cap is the wire client's token bucket
//! (`RetryPolicy::max_rps`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Model, ResourceKind};

/// The stop `--max-failures` records (`budget.stopped.budget` in report.json).
pub const MAX_FAILURES: &str = "max-failures";

/// Set once cleanup of an interrupted run has begun: no run of the process creates.
static HALTED: AtomicBool = AtomicBool::new(false);

/// Stop every run of this process from creating (Ctrl-C: the cleanup sweep has
/// begun, and a create after it would be left behind).
pub fn halt_creates() {
    HALTED.store(true, Ordering::SeqCst);
}

/// A budget setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct BudgetError {
    /// The flag or configuration key.
    pub setting: String,
    /// What is wrong.
    pub reason: String,
}

fn invalid(setting: &str, reason: impl Into<String>) -> BudgetError {
    BudgetError {
        setting: setting.to_owned(),
        reason: reason.into(),
    }
}

/// The caps of a run (all optional; none: unbounded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Budgets {
    /// Most live resources of every type not named in `max_live` (`--max-live N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_live_each: Option<u32>,
    /// Most live resources per type (`--max-live connection=2,lag=1`), by lifecycle name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub max_live: BTreeMap<String, u32>,
    /// Most requests in total, retries included (`--max-operations N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_operations: Option<u64>,
    /// Most requests per second, client-side (`--max-rps R`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rps: Option<f64>,
    /// Most wall time in seconds (`--max-duration SECS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_secs: Option<f64>,
    /// Stop the search once this many new failing root causes are found (root
    /// causes a `--baseline` lists do not count; `--max-failures N`, `--fail-fast`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failures: Option<u32>,
    /// What shrinking may spend over the whole run (`--shrink-budget`, `--no-shrink`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrink: Option<ShrinkBudget>,
}

/// What shrinking may spend over a run: requests sent by shrinking candidates, or
/// seconds spent shrinking. Spent, the remaining buckets keep the smallest plan
/// found so far (partly shrunk) or their whole case (unshrunk).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShrinkBudget {
    /// `--shrink-budget 500`: requests (`--no-shrink`: 0).
    Requests(u64),
    /// `--shrink-budget 90s`: seconds.
    Seconds(f64),
}

impl std::str::FromStr for ShrinkBudget {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{text}` is not a shrink budget: expected a number of requests (500) or of seconds (90s)"
            )
        };
        let text = text.trim();
        match text.strip_suffix('s') {
            Some(seconds) => match seconds.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => Ok(ShrinkBudget::Seconds(s)),
                _ => Err(bad()),
            },
            None => text.parse().map(ShrinkBudget::Requests).map_err(|_| bad()),
        }
    }
}

impl std::fmt::Display for ShrinkBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShrinkBudget::Requests(n) => write!(f, "{n} requests"),
            ShrinkBudget::Seconds(s) => write!(f, "{s} s"),
        }
    }
}

/// Short names accepted for resource types besides the lifecycle names.
const ALIASES: &[(&str, ResourceKind)] = &[
    ("vif", ResourceKind::VirtualInterface),
    ("gateway", ResourceKind::DirectConnectGateway),
    ("dxgw", ResourceKind::DirectConnectGateway),
    ("association", ResourceKind::GatewayAssociation),
    ("proposal", ResourceKind::AssociationProposal),
    ("peer", ResourceKind::BgpPeer),
];

fn kind_name(text: &str) -> Option<&'static str> {
    let text = text.trim();
    ResourceKind::ALL
        .into_iter()
        .find(|k| k.name() == text)
        .or_else(|| ALIASES.iter().find(|(a, _)| *a == text).map(|(_, k)| *k))
        .map(ResourceKind::name)
}

impl Budgets {
    /// Whether no cap is set.
    pub fn is_empty(&self) -> bool {
        *self == Budgets::default()
    }

    /// Parse a live cap: `N` (every type), `type=N,…`, or both (`2,lag=1`).
    pub fn set_max_live(&mut self, text: &str) -> Result<(), BudgetError> {
        const FLAG: &str = "--max-live";
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let number = |n: &str| {
                n.trim()
                    .parse::<u32>()
                    .map_err(|_| invalid(FLAG, format!("{n:?} is not a whole number of resources")))
            };
            match part.split_once('=') {
                None => self.max_live_each = Some(number(part)?),
                Some((kind, n)) => {
                    let name = kind_name(kind).ok_or_else(|| {
                        let known: Vec<&str> = ResourceKind::ALL.map(ResourceKind::name).to_vec();
                        invalid(
                            FLAG,
                            format!(
                                "unknown resource type {kind:?} (known: {})",
                                known.join(", ")
                            ),
                        )
                    })?;
                    self.max_live.insert(name.to_owned(), number(n)?);
                }
            }
        }
        Ok(())
    }

    /// Check the numbers: a rate and a duration must be positive and finite.
    pub fn validate(&self) -> Result<(), BudgetError> {
        if self.max_rps.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
            return Err(invalid(
                "--max-rps",
                "must be a positive number of requests per second",
            ));
        }
        if self
            .max_duration_secs
            .is_some_and(|d| !(d.is_finite() && d > 0.0))
        {
            return Err(invalid(
                "--max-duration",
                "must be a positive number of seconds",
            ));
        }
        Ok(())
    }

    /// The budget keys of a `dxconform.toml` (other keys are ignored): `max_live`
    /// (a number or a string such as `"connection=2,lag=1"`), `max_operations`,
    /// `max_rps`, `max_duration` (seconds).
    pub fn from_toml(text: &str) -> Result<Budgets, BudgetError> {
        let mut budgets = Budgets::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            let number = |setting: &str| {
                value
                    .parse::<f64>()
                    .map_err(|_| invalid(setting, format!("{value:?} is not a number")))
            };
            match key {
                "max_live" => budgets
                    .set_max_live(value)
                    .map_err(|e| invalid("max_live", e.reason))?,
                "max_operations" => {
                    budgets.max_operations = Some(value.parse().map_err(|_| {
                        invalid("max_operations", format!("{value:?} is not a whole number"))
                    })?);
                }
                "max_rps" => budgets.max_rps = Some(number("max_rps")?),
                "max_duration" => budgets.max_duration_secs = Some(number("max_duration")?),
                _ => {}
            }
        }
        budgets
            .validate()
            .map_err(|e| invalid(&e.setting.replace("--", "").replace('-', "_"), e.reason))?;
        Ok(budgets)
    }

    /// `self` (from flags) over `file` (from the configuration file).
    pub fn over(mut self, file: Budgets) -> Budgets {
        self.max_live_each = self.max_live_each.or(file.max_live_each);
        for (k, v) in file.max_live {
            self.max_live.entry(k).or_insert(v);
        }
        self.max_operations = self.max_operations.or(file.max_operations);
        self.max_rps = self.max_rps.or(file.max_rps);
        self.max_duration_secs = self.max_duration_secs.or(file.max_duration_secs);
        self.max_failures = self.max_failures.or(file.max_failures);
        self.shrink = self.shrink.or(file.shrink);
        self
    }

    /// The live cap of a resource type.
    fn cap(&self, kind: &str) -> Option<u32> {
        self.max_live.get(kind).copied().or(self.max_live_each)
    }
}

/// Why and when a budget stopped the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetStop {
    /// `max-operations`, `max-duration` or `max-failures`.
    pub budget: String,
    /// What was reached.
    pub reason: String,
    /// Milliseconds after the start of the search.
    pub after_ms: u64,
    /// Requests sent by then.
    pub requests: u64,
}

/// What the budgets did, for the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BudgetReport {
    /// The caps.
    pub limits: Budgets,
    /// The cap that ended the search early, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<BudgetStop>,
    /// Creates skipped because of a cap, per reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_creates: BTreeMap<String, u64>,
    /// The most resources live at once per type (counted by the harness).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub peak_live: BTreeMap<String, u32>,
}

type Counts = BTreeMap<&'static str, u32>;

#[derive(Default)]
struct Live {
    /// Live resources of each running case.
    cases: BTreeMap<u64, Counts>,
    /// Resources a finished case could not delete: live for the rest of the run.
    leaked: Counts,
    peak: BTreeMap<String, u32>,
}

impl Live {
    fn total(&self, kind: &str) -> u32 {
        self.cases
            .values()
            .chain(std::iter::once(&self.leaked))
            .filter_map(|c| c.get(kind))
            .sum()
    }

    fn note_peak(&mut self) {
        let kinds: Vec<&'static str> = self
            .cases
            .values()
            .chain(std::iter::once(&self.leaked))
            .flat_map(|c| c.keys().copied())
            .collect();
        for kind in kinds {
            let total = self.total(kind);
            let peak = self.peak.entry(kind.to_owned()).or_default();
            *peak = (*peak).max(total);
        }
    }
}

/// The budget state of one run, shared by its cases.
pub struct Budget {
    limits: Budgets,
    started: Instant,
    requests: Box<dyn Fn() -> u64 + Send + Sync>,
    next_case: AtomicU64,
    live: Mutex<Live>,
    stopped: Mutex<Option<BudgetStop>>,
    skipped: Mutex<BTreeMap<String, u64>>,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The resource types (and how many of each) a create call would make live: the kind
/// the operation creates, then what comes along with it (a LAG's new member
/// connections, a virtual interface's first BGP peer).
pub fn creates(operation: &str, body: &Value) -> Vec<(&'static str, u32)> {
    let Some(kind) = ResourceKind::created_by(operation) else {
        return Vec::new();
    };
    let mut made = vec![(kind.name(), 1)];
    match kind {
        ResourceKind::Lag => {
            let count = body
                .get("numberOfConnections")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let existing = u64::from(body.get("connectionId").is_some());
            let new = u32::try_from(count.saturating_sub(existing)).unwrap_or(u32::MAX);
            made.push((ResourceKind::Connection.name(), new));
        }
        ResourceKind::VirtualInterface => made.push((ResourceKind::BgpPeer.name(), 1)),
        _ => {}
    }
    made
}

/// The resource type a leaked resource's delete body names, by its id member (a
/// kind whose id member may stand beside a parent's id first).
fn leaked_kind(body: &str) -> Option<&'static str> {
    [
        ResourceKind::VirtualInterface,
        ResourceKind::DirectConnectGateway,
        ResourceKind::GatewayAssociation,
        ResourceKind::AssociationProposal,
        ResourceKind::Lag,
        ResourceKind::Interconnect,
        ResourceKind::Connection,
    ]
    .into_iter()
    .find(|kind| body.contains(&format!("\"{}\"", kind.id_member())))
    .map(ResourceKind::name)
}

/// Live resources of a case's model, per type.
fn live_counts(model: &Model) -> Counts {
    let mut counts = Counts::new();
    for r in model.resources().iter().filter(|r| r.created && !r.deleted) {
        *counts.entry(r.kind.name()).or_default() += 1;
    }
    counts
}

impl Budget {
    /// Whether any cap is set (without one, cases need not report to the budget).
    pub fn limited(&self) -> bool {
        !self.limits.is_empty()
    }

    /// A budget under `limits`; `requests` says how many requests the run has sent.
    pub fn new(limits: Budgets, requests: impl Fn() -> u64 + Send + Sync + 'static) -> Budget {
        Budget {
            limits,
            started: Instant::now(),
            requests: Box::new(requests),
            next_case: AtomicU64::new(0),
            live: Mutex::new(Live::default()),
            stopped: Mutex::new(None),
            skipped: Mutex::new(BTreeMap::new()),
        }
    }

    /// Whether a request or wall-time cap is reached (the first time, it is recorded
    /// as the reason the run stopped). The search starts no case once it is.
    pub fn exhausted(&self) -> bool {
        let mut stopped = lock(&self.stopped);
        if stopped.is_some() {
            return true;
        }
        let requests = (self.requests)();
        let elapsed = self.started.elapsed();
        let operations = self
            .limits
            .max_operations
            .filter(|m| requests >= *m)
            .map(|max| {
                (
                    "max-operations",
                    format!("{requests} requests sent (cap {max})"),
                )
            });
        let duration = || {
            self.limits
                .max_duration_secs
                .filter(|m| elapsed >= Duration::from_secs_f64(*m))
                .map(|max| {
                    (
                        "max-duration",
                        format!("{:.1} s elapsed (cap {max} s)", elapsed.as_secs_f64()),
                    )
                })
        };
        let stop = operations.or_else(duration);
        let Some((budget, reason)) = stop else {
            return false;
        };
        tracing::warn!(budget, reason, "budget reached: no more cases or creates");
        *stopped = Some(BudgetStop {
            budget: budget.to_owned(),
            reason,
            after_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            requests,
        });
        true
    }

    /// End the search for `budget` (`max-failures`), unless a cap already has:
    /// no case starts after it, and shrinking stops.
    pub fn stop(&self, budget: &str, reason: String) {
        let mut stopped = lock(&self.stopped);
        if stopped.is_some() {
            return;
        }
        tracing::warn!(budget, reason, "budget reached: no more cases");
        let elapsed = self.started.elapsed();
        *stopped = Some(BudgetStop {
            budget: budget.to_owned(),
            reason,
            after_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            requests: (self.requests)(),
        });
    }

    /// The budget of one case (dropping it releases what the case counted as live).
    pub fn case(&self) -> CaseBudget<'_> {
        CaseBudget {
            budget: self,
            id: self.next_case.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// What the budgets did.
    pub fn report(&self) -> BudgetReport {
        BudgetReport {
            limits: self.limits.clone(),
            stopped: lock(&self.stopped).clone(),
            skipped_creates: lock(&self.skipped).clone(),
            peak_live: lock(&self.live).peak.clone(),
        }
    }
}

/// One case's view of the run's budget.
#[derive(Debug)]
pub struct CaseBudget<'a> {
    budget: &'a Budget,
    id: u64,
}

impl CaseBudget<'_> {
    /// Admit a call before it is sent: `Err(reason)` for a create beyond a live
    /// cap or after the run's budget is exhausted (the step is then skipped).
    /// An admitted create counts as live at once, so concurrent cases cannot both
    /// take the last slot.
    pub fn admit(&self, operation: &str, body: &Value) -> Result<(), String> {
        let made = creates(operation, body);
        if made.is_empty() {
            return Ok(());
        }
        let refuse = |reason: String| {
            *lock(&self.budget.skipped)
                .entry(reason.clone())
                .or_default() += 1;
            Err(reason)
        };
        if HALTED.load(Ordering::SeqCst) {
            return refuse("interrupted: cleanup has begun".to_owned());
        }
        // A cost cap refuses creates; `max-failures` only ends the search (the
        // cases under way and their reproductions still need their resources).
        if self.budget.exhausted() {
            let which = lock(&self.budget.stopped)
                .as_ref()
                .map_or_else(String::new, |s| s.budget.clone());
            if which != MAX_FAILURES {
                return refuse(format!("budget {which} reached"));
            }
        }
        let mut live = lock(&self.budget.live);
        for (kind, n) in &made {
            if let Some(cap) = self.budget.limits.cap(kind) {
                if *n > 0 && live.total(kind) + n > cap {
                    drop(live);
                    return refuse(format!("max-live {kind}={cap} reached"));
                }
            }
        }
        let mine = live.cases.entry(self.id).or_default();
        for (kind, n) in made {
            *mine.entry(kind).or_default() += n;
        }
        live.note_peak();
        Ok(())
    }

    /// What the case's model holds live after a step.
    pub fn observe(&self, model: &Model) {
        let mut live = lock(&self.budget.live);
        live.cases.insert(self.id, live_counts(model));
        live.note_peak();
    }

    /// The case is over: what it could not delete (delete bodies) stays live.
    pub fn finish(self, leaked: &[String]) {
        let mut live = lock(&self.budget.live);
        for kind in leaked.iter().filter_map(|b| leaked_kind(b)) {
            *live.leaked.entry(kind).or_default() += 1;
        }
    }
}

impl Drop for CaseBudget<'_> {
    fn drop(&mut self) {
        lock(&self.budget.live).cases.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_live_caps_and_refuses_unknown_types() {
        let mut b = Budgets::default();
        b.set_max_live("2, connection=1,vif=3").unwrap();
        assert_eq!(b.max_live_each, Some(2));
        assert_eq!(b.cap("connection"), Some(1));
        assert_eq!(b.cap("virtual-interface"), Some(3));
        assert_eq!(b.cap("lag"), Some(2));
        let err = b.set_max_live("router=1").unwrap_err();
        assert!(err.to_string().contains("unknown resource type"), "{err}");
        assert!(b.set_max_live("lag=x").is_err());
    }

    #[test]
    fn reads_budgets_from_toml_and_flags_win() {
        let file = Budgets::from_toml(
            "allowed_accounts = [\"111111111111\"]\nmax_live = \"connection=2\" # cost\nmax_operations = 500\nmax_rps = 2.5\nmax_duration = 3600\n",
        )
        .unwrap();
        assert_eq!(file.cap("connection"), Some(2));
        assert_eq!(file.max_operations, Some(500));
        assert_eq!(file.max_rps, Some(2.5));
        let flags = Budgets {
            max_operations: Some(50),
            ..Budgets::default()
        };
        let both = flags.over(file);
        assert_eq!(both.max_operations, Some(50));
        assert_eq!(both.max_duration_secs, Some(3600.0));
        assert!(Budgets::from_toml("max_rps = fast").is_err());
        assert!(Budgets::from_toml("max_duration = -1").is_err());
    }

    #[test]
    fn a_live_cap_is_shared_by_concurrent_cases() {
        let mut limits = Budgets::default();
        limits.set_max_live("connection=1").unwrap();
        let budget = Budget::new(limits, || 0);
        let create = json!({"location": "x"});
        let a = budget.case();
        let b = budget.case();
        assert!(a.admit("CreateConnection", &create).is_ok());
        assert!(a.admit("DescribeConnections", &json!({})).is_ok());
        let refused = b.admit("CreateConnection", &create).unwrap_err();
        assert_eq!(refused, "max-live connection=1 reached");
        // A LAG of two new members needs two connection slots.
        drop(a);
        assert!(b
            .admit("CreateLag", &json!({"numberOfConnections": 2}))
            .is_err());
        assert!(b.admit("CreateConnection", &create).is_ok());
        b.finish(&["{\"connectionId\":\"dxcon-1\"}".to_owned()]);
        // The leaked connection stays live for the rest of the run.
        assert!(budget.case().admit("CreateConnection", &create).is_err());
        let report = budget.report();
        assert_eq!(report.peak_live.get("connection"), Some(&1));
        assert_eq!(report.skipped_creates.values().sum::<u64>(), 3);
    }

    #[test]
    fn request_and_time_caps_stop_the_run_once() {
        let sent = std::sync::Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let budget = Budget::new(
            Budgets {
                max_operations: Some(10),
                ..Budgets::default()
            },
            move || counter.load(Ordering::Relaxed),
        );
        assert!(!budget.exhausted());
        sent.store(10, Ordering::Relaxed);
        assert!(budget.exhausted());
        let stop = budget.report().stopped.unwrap();
        assert_eq!(stop.budget, "max-operations");
        assert_eq!(stop.requests, 10);
        assert!(budget
            .case()
            .admit("CreateConnection", &json!({}))
            .unwrap_err()
            .contains("max-operations"));
        let timed = Budget::new(
            Budgets {
                max_duration_secs: Some(0.01),
                ..Budgets::default()
            },
            || 0,
        );
        std::thread::sleep(Duration::from_millis(20));
        assert!(timed.exhausted());
        assert_eq!(timed.report().stopped.unwrap().budget, "max-duration");
    }
}
