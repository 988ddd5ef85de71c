//! The search: generate plans with proptest, run them, shrink each new failure
//! to a minimal plan, re-run it to tell reproducible from flaky, and continue
//! the search for failures not seen yet until the case budget is spent.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
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
    shrinking_for: Option<BTreeSet<Key>>,
    /// New keys of the failing case being shrunk.
    pending: BTreeSet<Key>,
    /// Exploring cases run in the current round.
    case_in_round: u64,
    /// The first this many cases of the round replay an earlier round's stream: not counted again.
    replay_cases: u64,
    /// Index (1-based) of the failing case in its round.
    failing_case: u64,
    explored: u64,
    steps_run: u64,
    steps_skipped: u64,
    requests: u64,
    tally: BTreeMap<Key, (u64, Finding)>,
    operations: BTreeMap<String, OperationStats>,
    leaked: Vec<String>,
    transitions: BTreeSet<ObservedEdge>,
    infra: Option<TargetError>,
    /// When the search began, and when (case number, elapsed) it first failed.
    began: Option<Instant>,
    first_failure: Option<FirstFailure>,
}

impl Search {
    fn count_requests(&mut self, outcome: &CaseOutcome) {
        self.requests += outcome.steps.iter().filter(|s| !s.skipped).count() as u64;
        self.leaked.extend(outcome.leaked.iter().cloned());
        self.transitions.extend(outcome.transitions.iter().copied());
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

/// [`run`], telling `events` about every step, case and shrink as the run goes.
pub fn run_observed(config: &RunConfig, events: &dyn EventSink) -> Result<RunReport, RunError> {
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
            search(config, &runtime, &target, &env, &checks, events)
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
) -> Result<(Search, Repros), RunError> {
    let events = CaseEvents::new(events);
    let sdk = SdkParser::new();
    let ctx = CaseContext {
        target,
        env,
        checks,
        sdk: &sdk,
        spec: Spec::builtin(),
    };
    let run_case = |plan: &Plan| -> Result<CaseOutcome, TargetError> {
        runtime.block_on(async {
            target.reset().await?;
            Ok(execute(&ctx, plan).await)
        })
    };
    let strategy = crate::gen::plan(&config.gen);
    let state = RefCell::new(Search {
        began: Some(Instant::now()),
        ..Search::default()
    });
    let mut repros: Repros = BTreeMap::new();
    let total = u64::from(config.cases);
    // `round` numbers shrinks; `rng_round` numbers RNG streams. A failing case with
    // several new keys is shrunk once per key: the next round replays the same RNG
    // stream (so the same cases, against a reset target) up to that case without
    // counting them again, and shrinks for the next key.
    let mut round: u32 = 0;
    let mut rng_round: u32 = 0;
    let mut replay_cases: u64 = 0;
    let mut attempts_on_stream: u32 = 0;
    loop {
        let remaining = total.saturating_sub(state.borrow().explored);
        if remaining == 0 {
            break;
        }
        {
            let mut s = state.borrow_mut();
            s.shrinking_for = None;
            s.case_in_round = 0;
            s.replay_cases = replay_cases;
            s.failing_case = 0;
        }
        let proptest_config = Config {
            cases: u32::try_from(remaining + replay_cases).unwrap_or(u32::MAX),
            max_shrink_iters: config.max_shrink_iters,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(proptest_config, rng(config.seed, rng_round));
        let result = runner.run(&strategy, |plan| {
            let outcome = match run_case(&plan) {
                Ok(o) => o,
                Err(e) => {
                    state.borrow_mut().infra = Some(e);
                    return Err(TestCaseError::fail("infrastructure error"));
                }
            };
            let mut s = state.borrow_mut();
            if s.infra.is_some() {
                return Err(TestCaseError::fail("infrastructure error"));
            }
            s.count_requests(&outcome);
            match &s.shrinking_for {
                Some(keys) => {
                    events.case(Phase::Shrink, &outcome, []);
                    if outcome.findings.iter().any(|f| keys.contains(&f.key())) {
                        Err(TestCaseError::fail("same failure"))
                    } else {
                        Ok(())
                    }
                }
                None => {
                    s.case_in_round += 1;
                    if s.case_in_round > s.replay_cases {
                        s.tally(&outcome);
                    }
                    let fresh = new_failures(&outcome.findings, &s.known);
                    let phase = if s.case_in_round > s.replay_cases {
                        Phase::Search
                    } else {
                        Phase::Replay
                    };
                    events.case(phase, &outcome, &fresh);
                    match fresh.iter().next() {
                        None => Ok(()),
                        Some(first) => {
                            if s.first_failure.is_none() {
                                let millis = s.began.map_or(0, |b| {
                                    u64::try_from(b.elapsed().as_millis()).unwrap_or(u64::MAX)
                                });
                                s.first_failure = Some(FirstFailure {
                                    case: s.explored,
                                    millis,
                                });
                            }
                            s.shrinking_for = Some(BTreeSet::from([first.clone()]));
                            s.pending = fresh;
                            s.failing_case = s.case_in_round;
                            Err(TestCaseError::fail("new failure"))
                        }
                    }
                }
            }
        });
        if let Some(e) = state.borrow_mut().infra.take() {
            return Err(e.into());
        }
        match result {
            Ok(()) => break,
            Err(TestError::Fail(_, minimal)) => {
                let (target, pending, failing_case) = {
                    let mut s = state.borrow_mut();
                    (
                        s.shrinking_for.take().unwrap_or_default(),
                        std::mem::take(&mut s.pending),
                        s.failing_case,
                    )
                };
                let rerun = run_case(&minimal)?;
                events.case(Phase::Rerun, &rerun, []);
                state.borrow_mut().count_requests(&rerun);
                // The minimal plan stands for every pending key it shows again.
                let shown: BTreeSet<Key> = rerun
                    .findings
                    .iter()
                    .map(Finding::key)
                    .filter(|k| pending.contains(k))
                    .collect();
                let reproduced = target.iter().all(|k| shown.contains(k));
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
                for key in target.iter().chain(&shown) {
                    repros.entry(key.clone()).or_insert_with(|| repro.clone());
                }
                let mut s = state.borrow_mut();
                s.known.extend(target);
                s.known.extend(shown);
                let left = pending.iter().filter(|k| !s.known.contains(*k)).count();
                attempts_on_stream += 1;
                if left > 0 && attempts_on_stream < 16 {
                    replay_cases = failing_case;
                } else {
                    rng_round += 1;
                    replay_cases = 0;
                    attempts_on_stream = 0;
                }
                round += 1;
            }
            Err(TestError::Abort(reason)) => {
                tracing::warn!(%reason, "search aborted");
                break;
            }
        }
    }
    Ok((state.into_inner(), repros))
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
