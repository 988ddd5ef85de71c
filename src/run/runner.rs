//! The search: generate plans with proptest, run them, shrink each new failure
//! to a minimal plan, re-run it to tell reproducible from flaky, and continue
//! the search for failures not seen yet until the case budget is spent.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

use super::case::{execute, CaseContext, CaseOutcome};
use super::events::{CaseEvents, EventSink, NoEvents, Phase, RunEvent};
use super::outcome::{
    Bucket, CoverageCell, EdgeStatus, FirstFailure, Harness, NotModelled, OperationStats,
    ReportConfig, Repro, RunReport, TransitionCoverage, CHECK_GROUPS, SCHEMA_VERSION,
};
use super::{RunConfig, RunError};
use crate::check::{CheckSet, Finding, SdkParser, Severity};
use crate::model::{Env, ObservedEdge, Plan, Step, LIFECYCLES, NOT_MODELLED};
use crate::spec::Spec;
use crate::target::{LaunchedTarget, Principal, TargetError};

type Key = (String, String, String, u16);

/// Locations used when a target cannot list its own (real Direct Connect location codes in us-east-1).
const FALLBACK_LOCATIONS: &[&str] = &["EqDC2", "CSVA1", "EqAsh2"];

/// Learn what plans are resolved against: the target's locations.
pub async fn discover_env(target: &LaunchedTarget) -> Env {
    let exchange = target
        .client
        .call(Principal::Owner, "DescribeLocations", &json!({}))
        .await;
    let mut locations: Vec<String> = exchange
        .outcome
        .body()
        .and_then(|b| b.get("locations"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|l| {
                    l.get("locationCode")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    if locations.is_empty() {
        locations = FALLBACK_LOCATIONS.iter().map(|s| (*s).to_owned()).collect();
    }
    let mut virtual_gateways = BTreeMap::new();
    for principal in Principal::ALL {
        let exchange = target
            .client
            .call(principal, "DescribeVirtualGateways", &json!({}))
            .await;
        let ids: Vec<String> = exchange
            .outcome
            .body()
            .and_then(|b| b.get("virtualGateways"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|g| g.get("virtualGatewayId").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        virtual_gateways.insert(principal, ids);
    }
    Env {
        region: target.identity.region.clone(),
        accounts: target.client.accounts().clone(),
        locations,
        virtual_gateways,
    }
}

/// The proptest RNG of one search round: a pure function of (seed, round).
fn rng(seed: u64, round: u32) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..12].copy_from_slice(&round.to_le_bytes());
    bytes[12..16].copy_from_slice(b"dxcf");
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// Search state shared with the proptest closure.
#[derive(Default)]
struct Search {
    known: BTreeSet<Key>,
    explored: u64,
    steps_run: u64,
    steps_skipped: u64,
    requests: u64,
    tally: BTreeMap<Key, (u64, Finding)>,
    operations: BTreeMap<String, OperationStats>,
    leaked: Vec<String>,
    transitions: BTreeSet<ObservedEdge>,
    waits: super::WaitStats,
    /// When the search began, and when (case number, elapsed) it first failed.
    began: Option<Instant>,
    first_failure: Option<FirstFailure>,
}

impl Search {
    fn count_requests(&mut self, outcome: &CaseOutcome) {
        self.requests += outcome.steps.iter().filter(|s| !s.skipped).count() as u64;
        self.leaked.extend(outcome.leaked.iter().cloned());
        self.transitions.extend(outcome.transitions.iter().copied());
        self.waits.add(&outcome.waits);
    }

    fn tally(&mut self, outcome: &CaseOutcome) {
        self.explored += 1;
        for s in &outcome.steps {
            if s.skipped {
                self.steps_skipped += 1;
                continue;
            }
            self.steps_run += 1;
            let stats = self.operations.entry(s.operation.clone()).or_default();
            stats.calls += 1;
            *stats.outcomes.entry(s.outcome.clone()).or_default() += 1;
            stats.latency_us += s.latency_us;
            if let Some(rule) = s.step.broken_rule() {
                stats.rules.insert(rule);
            }
        }
        for f in &outcome.findings {
            let entry = self.tally.entry(f.key()).or_insert_with(|| (0, f.clone()));
            entry.0 += 1;
        }
    }
}

fn new_failures(findings: &[Finding], known: &BTreeSet<Key>) -> BTreeSet<Key> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Failure)
        .map(Finding::key)
        .filter(|k| !known.contains(k))
        .collect()
}

/// Run the search described by `config` and return its report.
pub fn run(config: &RunConfig) -> Result<RunReport, RunError> {
    run_observed(config, &NoEvents)
}

/// Stack of the thread a run executes on: generating and shrinking plans recurses
/// through the nested family strategies, deeper than a test thread's 2 MiB allows.
const RUN_STACK: usize = 64 << 20;

/// [`run`], telling `events` about every step, case and shrink as the run goes.
pub fn run_observed(config: &RunConfig, events: &dyn EventSink) -> Result<RunReport, RunError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("dxconform-run".to_owned())
            .stack_size(RUN_STACK)
            .spawn_scoped(scope, || run_here(config, events))
            .map_err(RunError::Runtime)?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn run_here(config: &RunConfig, events: &dyn EventSink) -> Result<RunReport, RunError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let checks = CheckSet::select(&config.checks, &config.exclude_checks)?;
    let started = Instant::now();
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let target = runtime.block_on(LaunchedTarget::launch(&config.target))?;
    let identity = target.identity.clone();
    let wire_stats = target.client.clone();
    let requests = target.client.clone();
    let budget = super::Budget::new(config.budgets.clone(), move || {
        requests.wire_stats().requests
    });
    let result = runtime
        .block_on(target.probe())
        .map_err(RunError::from)
        .and_then(|()| {
            let env = runtime.block_on(discover_env(&target));
            events.event(&RunEvent::Started {
                seed: config.seed,
                cases: config.cases,
                target: target.identity.clone(),
            });
            search(config, &runtime, &target, &env, &checks, events, &budget)
        });
    runtime.block_on(async {
        // Leave an emulator as clean as it was found; a failed reset changes no result.
        let _ = target.reset().await;
        target.stop().await;
    });
    let (search, repros) = result?;
    let mut buckets: Vec<Bucket> = search
        .tally
        .iter()
        .map(|(key, (count, first))| {
            let repro = repros.get(key).cloned();
            // Show the example the minimal sequence produces, so the reader sees
            // expected/actual and the sequence that yields them together.
            let example = repro
                .as_ref()
                .and_then(|r| r.findings.iter().find(|f| f.key() == *key))
                .unwrap_or(first);
            Bucket {
                check: key.0.clone(),
                severity: first.severity,
                basis: first.basis,
                operation: key.1.clone(),
                path: key.2.clone(),
                status: key.3,
                count: *count,
                expected: example.expected.clone(),
                actual: example.actual.clone(),
                repro,
            }
        })
        .collect();
    buckets.sort_by(|a, b| {
        (a.severity, &a.check, &a.operation, &a.path).cmp(&(
            b.severity,
            &b.check,
            &b.operation,
            &b.path,
        ))
    });
    let coverage = coverage(&search.operations, &buckets);
    events.event(&RunEvent::Finished {
        cases_run: search.explored,
        steps_run: search.steps_run,
        requests: search.requests,
        failures: buckets
            .iter()
            .filter(|b| b.severity == Severity::Failure)
            .count(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    let transitions = transition_coverage(&search.transitions, &buckets);
    Ok(RunReport {
        schema_version: SCHEMA_VERSION,
        harness: harness(),
        target: identity,
        seed: config.seed,
        started_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        config: ReportConfig {
            cases: config.cases,
            max_steps: config.gen.max_steps,
            checks: checks.ids().iter().map(|s| (*s).to_owned()).collect(),
            two_accounts: config.gen.two_accounts,
            accounts: config.target.accounts.clone(),
        },
        cases_run: search.explored,
        steps_run: search.steps_run,
        steps_skipped: search.steps_skipped,
        requests: search.requests,
        operations: search.operations,
        coverage,
        buckets,
        leaked: search.leaked,
        transitions,
        first_failure: search.first_failure,
        wire: wire_stats.wire_stats(),
        budget: (!config.budgets.is_empty()).then(|| budget.report()),
        waits: search.waits,
        not_modelled: NOT_MODELLED
            .iter()
            .map(|(operation, reason)| NotModelled {
                operation: (*operation).to_owned(),
                reason: (*reason).to_owned(),
            })
            .collect(),
    })
}

/// The harness identity for reports.
pub(super) fn harness() -> Harness {
    let spec = Spec::builtin();
    Harness {
        name: env!("CARGO_PKG_NAME").to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        spec: format!("{} {}", spec.source.package, spec.source.version),
    }
}

type Repros = BTreeMap<Key, Repro>;

fn search(
    config: &RunConfig,
    runtime: &tokio::runtime::Runtime,
    target: &LaunchedTarget,
    env: &Env,
    checks: &CheckSet,
    events: &dyn EventSink,
    budget: &super::Budget,
) -> Result<(Search, Repros), RunError> {
    let events = CaseEvents::new(events);
    let sdk = SdkParser::new();
    let ctx = CaseContext {
        target,
        env,
        checks,
        sdk: &sdk,
        spec: Spec::builtin(),
        budget: Some(budget),
    };
    let run_case = |plan: &Plan| -> Result<CaseOutcome, TargetError> {
        runtime.block_on(async {
            target.reset().await?;
            Ok(execute(&ctx, plan).await)
        })
    };
    let strategy = crate::gen::plan(&config.gen);
    let mut s = Search {
        began: Some(Instant::now()),
        ..Search::default()
    };
    let mut repros: Repros = BTreeMap::new();
    let proptest_config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(proptest_config.clone(), rng(config.seed, 0));
    let generation = |e: proptest::test_runner::Reason| RunError::Generation(e.to_string());
    let mut round: u32 = 0;
    for _ in 0..config.cases {
        if budget.exhausted() {
            break; // a request or wall-time cap: end the search (each case cleaned up)
        }
        // The RNG state before a case regenerates that case's value tree, so each new
        // bucket it shows is shrunk from the same case without replaying earlier ones.
        let snapshot = runner.rng().clone();
        let plan = strategy
            .new_tree(&mut runner)
            .map_err(generation)?
            .current();
        let outcome = run_case(&plan)?;
        s.count_requests(&outcome);
        s.tally(&outcome);
        let fresh = new_failures(&outcome.findings, &s.known);
        events.case(Phase::Search, &outcome, &fresh);
        if fresh.is_empty() {
            continue;
        }
        if s.first_failure.is_none() {
            let millis = s.began.map_or(0, |b| {
                u64::try_from(b.elapsed().as_millis()).unwrap_or(u64::MAX)
            });
            s.first_failure = Some(FirstFailure {
                case: s.explored,
                millis,
            });
        }
        for key in fresh {
            if s.known.contains(&key) {
                continue;
            }
            let mut replay = TestRunner::new_with_rng(proptest_config.clone(), snapshot.clone());
            let mut tree = strategy.new_tree(&mut replay).map_err(generation)?;
            let minimal = shrink(&mut tree, config.max_shrink_iters, |candidate| {
                if budget.exhausted() {
                    return Ok(false); // out of budget: keep the smallest plan so far
                }
                let o = run_case(candidate)?;
                s.count_requests(&o);
                events.case(Phase::Shrink, &o, []);
                Ok(o.findings.iter().any(|f| f.key() == key))
            })?;
            let rerun = run_case(&minimal)?;
            events.case(Phase::Rerun, &rerun, []);
            s.count_requests(&rerun);
            // The minimal plan also stands for every other unknown failure it shows.
            let shown = new_failures(&rerun.findings, &s.known);
            let reproduced = shown.contains(&key);
            tracing::info!(
                round,
                steps = minimal.steps.len(),
                reproduced,
                "shrunk a failure"
            );
            events.sink().event(&RunEvent::Shrunk {
                round,
                steps: minimal.steps.len(),
                reproduced,
            });
            let repro = Repro {
                seed: config.seed,
                round,
                plan: minimal,
                steps: rerun.steps,
                findings: rerun.findings,
                reproduced,
                replay_file: None,
            };
            for k in shown.iter().chain(std::iter::once(&key)) {
                repros.entry(k.clone()).or_insert_with(|| repro.clone());
            }
            s.known.extend(shown);
            s.known.insert(key);
            round += 1;
        }
    }
    Ok((s, repros))
}

/// proptest's shrinking, driven here so that each bucket is shrunk on its own from
/// the case that first showed it: simplify while the candidate still fails with the
/// bucket, complicate when it does not, within `max_iters` candidates.
fn shrink<T: ValueTree<Value = Plan>>(
    tree: &mut T,
    max_iters: u32,
    mut fails: impl FnMut(&Plan) -> Result<bool, TargetError>,
) -> Result<Plan, TargetError> {
    let mut best = tree.current();
    if !tree.simplify() {
        return Ok(best);
    }
    for _ in 0..max_iters {
        let candidate = tree.current();
        if fails(&candidate)? {
            best = candidate;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    Ok(best)
}

/// Every modelled edge of every lifecycle that the modelled operations can reach,
/// marked exercised (observed), violated (a state check failed on its operation), or
/// not reached.
fn transition_coverage(
    observed: &BTreeSet<ObservedEdge>,
    buckets: &[Bucket],
) -> Vec<TransitionCoverage> {
    let modelled = Step::operations();
    let state_failure = |operation: &str| {
        buckets.iter().any(|b| {
            b.severity == Severity::Failure
                && matches!(
                    b.check.as_str(),
                    "model.state" | "model.transition" | "model.gone"
                )
                && b.operation == operation
        })
    };
    // A call edge also counts when a later Describe saw its change and no asynchronous
    // edge could have made it (e.g. a proposal seen `accepted` after the Accept call,
    // whose answer is the new association).
    let seen = |lifecycle: &crate::model::Lifecycle, from: &str, to: &str, via: &str| {
        let only_by_call = !lifecycle.edges.iter().any(|(f, t)| *f == from && *t == to);
        observed.iter().any(|e| {
            e.kind.name() == lifecycle.name
                && e.to == to
                && (e.via == via || (via != "async" && e.via == "async" && only_by_call))
                && (from == e.from || (from == "*" && e.from != "[*]"))
        })
    };
    let mut out = Vec::new();
    for lifecycle in LIFECYCLES {
        let calls = lifecycle
            .calls
            .iter()
            .filter(|(_, _, op)| modelled.contains(op));
        let mut edges: Vec<(&str, &str, &str)> = calls.copied().collect();
        let kind_modelled = !edges.is_empty();
        if kind_modelled {
            edges.extend(lifecycle.edges.iter().map(|(f, t)| (*f, *t, "async")));
        }
        for (from, to, via) in edges {
            let status = if seen(lifecycle, from, to, via) {
                EdgeStatus::Exercised
            } else if via != "async" && state_failure(via) {
                EdgeStatus::Violated
            } else {
                EdgeStatus::NotReached
            };
            out.push(TransitionCoverage {
                kind: lifecycle.name.to_owned(),
                from: from.to_owned(),
                to: to.to_owned(),
                via: via.to_owned(),
                status,
            });
        }
    }
    out
}

/// Operations × check groups, from what was called and what failed.
fn coverage(
    operations: &BTreeMap<String, OperationStats>,
    buckets: &[Bucket],
) -> BTreeMap<String, BTreeMap<String, CoverageCell>> {
    Step::operations()
        .iter()
        .map(|op| {
            let stats = operations.get(*op);
            let calls = stats.map_or(0, |s| s.calls);
            let not_implemented = stats.map_or(0, |s| {
                s.outcomes.get("not-implemented").copied().unwrap_or(0)
            });
            let row = CHECK_GROUPS
                .iter()
                .map(|group| {
                    let failed = buckets.iter().any(|b| {
                        b.severity == Severity::Failure
                            && b.operation == *op
                            && b.check.split('.').next() == Some(*group)
                            && b.check != "op.implemented"
                    });
                    let cell = if calls == 0 {
                        CoverageCell::NotExercised
                    } else if not_implemented == calls {
                        CoverageCell::NotImplemented
                    } else if failed {
                        CoverageCell::Fail
                    } else {
                        CoverageCell::Pass
                    };
                    ((*group).to_owned(), cell)
                })
                .collect();
            ((*op).to_owned(), row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_have_distinct_deterministic_rngs() {
        use proptest::strategy::{Strategy, ValueTree};
        let strategy = crate::gen::plan(&crate::gen::GenConfig::default());
        let first = |seed, round| {
            let mut runner = TestRunner::new_with_rng(Config::default(), rng(seed, round));
            strategy.new_tree(&mut runner).unwrap().current()
        };
        assert_eq!(first(7, 0), first(7, 0));
        assert_ne!(first(7, 0), first(7, 1));
        assert_ne!(first(7, 0), first(8, 0));
    }
}
