//! The search: generate plans with proptest, run them, shrink each new failure
//! to a minimal plan, re-run it to tell reproducible from flaky, and continue
//! the search for failures not seen yet until the case budget is spent.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::json;

use super::case::{execute, CaseContext, CaseOutcome, Records};
use super::events::{CaseEvents, EventSink, NoEvents, Phase, RunEvent};
use super::interrupt::{Interrupt, Interruption, RunEnd};
use super::lanes::{Isolation, Lane};
use super::outcome::{
    Bucket, CoverageCell, EdgeStatus, FirstFailure, Harness, NotModelled, OperationStats,
    ReportConfig, Repro, RunReport, TransitionCoverage, CHECK_GROUPS, SCHEMA_VERSION,
};
use super::{RunConfig, RunError};
use crate::check::{CheckSet, Finding, SdkParser, Severity};
use crate::model::{Env, ObservedEdge, Plan, Step, LIFECYCLES, NOT_MODELLED};
use crate::spec::Spec;
use crate::target::{LaunchedTarget, TargetError};
use crate::vocab::Principal;

type Key = (String, String, String, u16);

/// Locations used when a target cannot list its own (real Direct Connect location codes in us-east-1).
const FALLBACK_LOCATIONS: &[&str] = &["EqDC2", "CSVA1", "EqAsh2"];

/// Learn what plans are resolved against: the target's locations.
pub async fn discover_env(target: &LaunchedTarget) -> Env {
    let exchange = target
        .client
        .call(Principal::Owner, "DescribeLocations", &json!({}))
        .await;
    let mut locations =
        super::lanes::strings_in(exchange.outcome.body(), "locations", "locationCode");
    if locations.is_empty() {
        locations = FALLBACK_LOCATIONS.iter().map(|s| (*s).to_owned()).collect();
    }
    let virtual_gateways = super::lanes::virtual_gateways(&target.client).await;
    Env {
        region: target.identity.region.clone(),
        accounts: target.client.accounts().clone(),
        locations,
        virtual_gateways,
    }
}

/// The proptest RNG of one case: a pure function of (seed, case), so any case can be
/// generated on its own, in any order, by any job or partition.
fn case_rng(seed: u64, case: u32) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..12].copy_from_slice(&case.to_le_bytes());
    bytes[12..16].copy_from_slice(b"dxcf");
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// proptest's runner for case `case` of `seed`, failure persistence off (seeds and
/// replay files are how dxconform reproduces).
fn case_runner(seed: u64, case: u32) -> TestRunner {
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, case_rng(seed, case))
}

/// Search state shared with the proptest closure.
#[derive(Default)]
struct Search {
    known: BTreeSet<Key>,
    explored: u64,
    steps_run: u64,
    steps_skipped: u64,
    requests: u64,
    /// Per bucket: findings counted, the first finding, and the case it came from.
    tally: BTreeMap<Key, (u64, Finding, u32)>,
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
        self.requests += requests_of(outcome);
        self.leaked.extend(outcome.leaked.iter().cloned());
        self.waits.add(&outcome.waits);
    }

    /// Count a search case (not shrinking's: what a run covers is what its cases
    /// did, so the shares of a partitioned run add up to the whole run).
    fn tally(&mut self, case: u32, outcome: &CaseOutcome) {
        self.explored += 1;
        self.transitions.extend(outcome.transitions.iter().copied());
        for s in &outcome.steps {
            if s.skipped {
                self.steps_skipped += 1;
                continue;
            }
            self.steps_run += 1;
            // Looked up before inserting: the names are nearly always known already.
            if !self.operations.contains_key(&s.operation) {
                self.operations
                    .insert(s.operation.clone(), OperationStats::default());
            }
            let Some(stats) = self.operations.get_mut(&s.operation) else {
                continue;
            };
            stats.calls += 1;
            match stats.outcomes.get_mut(&s.outcome) {
                Some(count) => *count += 1,
                None => {
                    stats.outcomes.insert(s.outcome.clone(), 1);
                }
            }
            stats.latency_us += s.latency_us;
            if let Some(rule) = s.step.broken_rule() {
                stats.rules.insert(rule);
            }
        }
        for f in &outcome.findings {
            let entry = self
                .tally
                .entry(f.key())
                .or_insert_with(|| (0, f.clone(), case));
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
    // Nobody else holds this interrupt, so the run always finishes.
    match run_observed(config, &NoEvents, &Interrupt::new())? {
        RunEnd::Finished(report) => Ok(*report),
        RunEnd::Interrupted(_) => Err(RunError::Interrupted),
    }
}

/// Stack of the thread a run executes on: generating and shrinking plans recurses
/// through the nested family strategies, deeper than a test thread's 2 MiB allows.
const RUN_STACK: usize = 64 << 20;

/// [`run`], telling `events` about every step, case and shrink as the run goes,
/// and ending early (after its cleanup) when `interrupt` is set off.
pub fn run_observed(
    config: &RunConfig,
    events: &dyn EventSink,
    interrupt: &Interrupt,
) -> Result<RunEnd, RunError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("dxconform-run".to_owned())
            .stack_size(RUN_STACK)
            .spawn_scoped(scope, || run_here(config, events, interrupt))
            .map_err(RunError::Runtime)?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn run_here(
    config: &RunConfig,
    events: &dyn EventSink,
    interrupt: &Interrupt,
) -> Result<RunEnd, RunError> {
    // A target in another process (moto, a URL, AWS): the harness's tasks share one
    // thread, which spends less CPU per operation than waking workers across threads
    // (measured by `dxconform bench`: 65-68 against 72-97 µs at --jobs 8). The
    // in-process reference target needs worker threads of its own.
    let runtime = if !super::in_process(&config.target) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_stack_size(RUN_STACK / 4)
            .enable_all()
            .build()
    }
    .map_err(RunError::Runtime)?;
    interrupt.listen(&runtime);
    let checks = CheckSet::select(&config.checks, &config.exclude_checks)?;
    let check_ids: Vec<String> = checks.ids().iter().map(|s| (*s).to_owned()).collect();
    let started = Instant::now();
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let target = Arc::new(runtime.block_on(super::launch(&config.target, &config.emulator))?);
    let identity = target.identity.clone();
    let wire_stats = target.client.clone();
    let jobs = config.jobs.max(1);
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
            let shared = Arc::new(Shared {
                target: Arc::clone(&target),
                checks,
                sdk: SdkParser::new(),
                budget,
            });
            let found = runtime.block_on(search(config, &shared, &env, events, interrupt));
            let budget = (!config.budgets.is_empty()).then(|| shared.budget.report());
            found.map(|found| (found, budget))
        });
    // Every case task has ended (search awaits them all), so the target is ours again.
    let target = Arc::try_unwrap(target).map_err(|_| {
        RunError::Generation("a case outlived the run and still holds the target".to_owned())
    })?;
    let journal = target
        .journal
        .as_ref()
        .map(|j| (j.path().to_owned(), j.run_id().to_owned()));
    runtime.block_on(async {
        // Leave an emulator as clean as it was found; a failed reset changes no result.
        let _ = target.reset().await;
        target.stop().await;
    });
    let ((search, repros), budget) = result?;
    if interrupt.is_triggered() {
        let swept = journal.map(|(journal, run_id)| {
            super::interrupt::sweep_after(&config.target, journal, run_id)
        });
        return Ok(RunEnd::Interrupted(Interruption { swept }));
    }
    let mut buckets: Vec<Bucket> = search
        .tally
        .iter()
        .map(|(key, (count, first, first_case))| {
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
                first_case: *first_case,
            }
        })
        .collect();
    number_repros(&mut buckets);
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
    Ok(RunEnd::Finished(Box::new(RunReport {
        schema_version: SCHEMA_VERSION,
        harness: harness(),
        target: identity,
        seed: config.seed,
        started_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        config: ReportConfig {
            cases: config.cases,
            max_steps: config.gen.max_steps,
            checks: check_ids,
            two_accounts: config.gen.two_accounts,
            accounts: config.target.accounts.clone(),
            jobs,
            partition: config.partition,
        },
        cases_run: search.explored,
        steps_run: search.steps_run,
        steps_skipped: search.steps_skipped,
        requests: search.requests,
        operations: search.operations,
        coverage,
        buckets,
        leaked: {
            let mut leaked = search.leaked;
            leaked.sort();
            leaked
        },
        transitions,
        first_failure: search.first_failure,
        wire: wire_stats.wire_stats(),
        budget,
        waits: search.waits,
        not_modelled: NOT_MODELLED
            .iter()
            .map(|(operation, reason)| NotModelled {
                operation: (*operation).to_owned(),
                reason: (*reason).to_owned(),
            })
            .collect(),
    })))
}

/// Order buckets for reports and number their repros: buckets whose minimal plans
/// are equal share a number (and so one replay file), numbered in the order of the
/// case each was first seen in. A function of the buckets alone, so a merge of
/// partial runs numbers them as the whole run does.
pub(super) fn number_repros(buckets: &mut [Bucket]) {
    buckets.sort_by(|a, b| {
        (a.severity, &a.check, &a.operation, &a.path, a.status).cmp(&(
            b.severity,
            &b.check,
            &b.operation,
            &b.path,
            b.status,
        ))
    });
    let mut order: Vec<usize> = (0..buckets.len())
        .filter(|i| buckets[*i].repro.is_some())
        .collect();
    order.sort_by_key(|i| buckets[*i].repro.as_ref().map(|r| r.case));
    let mut plans: Vec<Plan> = Vec::new();
    for i in order {
        let Some(repro) = buckets[i].repro.as_mut() else {
            continue;
        };
        let number = match plans.iter().position(|p| *p == repro.plan) {
            Some(n) => n,
            None => {
                plans.push(repro.plan.clone());
                plans.len() - 1
            }
        };
        repro.round = u32::try_from(number).unwrap_or(u32::MAX);
    }
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

/// What every case of a run shares (cases run as tasks, so it is reference counted).
struct Shared {
    target: Arc<LaunchedTarget>,
    checks: CheckSet,
    sdk: SdkParser,
    budget: super::Budget,
}

impl Shared {
    /// Run `plan` in `lane` after making the target fresh for it.
    async fn run_case(
        &self,
        lane: &Lane,
        plan: &Plan,
        records: Records,
    ) -> Result<CaseOutcome, TargetError> {
        lane.prepare_case(&self.target).await?;
        let ctx = CaseContext {
            target: &self.target,
            client: &lane.client,
            env: &lane.env,
            checks: &self.checks,
            sdk: &self.sdk,
            spec: Spec::builtin(),
            budget: Some(&self.budget),
            records,
        };
        Ok(execute(&ctx, plan).await)
    }
}

/// The lanes of a run and how a case gets one.
struct Lanes<'a> {
    isolation: Isolation,
    /// Shared by the cases that take them (a lane holds a client and the facts of
    /// its accounts; copying them per case was measurable).
    built: Vec<Arc<Lane>>,
    /// The cases running at once (`--jobs`).
    jobs: usize,
    env: &'a Env,
    taps: Option<&'a crate::target::TapSet>,
}

impl Lanes<'_> {
    /// The lane run number `n` uses in `slot`; fresh-account runs make one per run.
    async fn lane(&self, shared: &Shared, slot: usize, n: u64) -> Arc<Lane> {
        if self.isolation == Isolation::FreshAccounts {
            Arc::new(Lane::fresh(&shared.target, self.env, n, self.taps).await)
        } else {
            Arc::clone(&self.built[slot])
        }
    }

    /// The slot of the search's case number `started` (counting from 0): cases take
    /// the search lanes in turn. With lane accounts, the first case of each group
    /// of `jobs` lanes resets the group first. In-flight cases are the last `jobs`
    /// started ones, so every earlier user of the group has finished.
    async fn turn(&self, shared: &Shared, started: u64) -> Result<usize, TargetError> {
        let lanes = Lane::search_lanes(self.isolation, self.jobs);
        let slot = (started % lanes as u64) as usize;
        if self.isolation == Isolation::LaneAccounts && slot % self.jobs == 0 {
            Lane::reset_group(&shared.target, &self.built[slot..slot + self.jobs]).await?;
        }
        Ok(slot)
    }
}

/// The search: cases are generated each from its own RNG, run `jobs` at a time as
/// tasks, and taken in case order, so the run's findings, counts and repros are
/// those of a sequential run whatever `jobs` is. Each failure not seen in an earlier
/// case is shrunk, one candidate at a time, from the case it was first seen in.
async fn search(
    config: &RunConfig,
    shared: &Arc<Shared>,
    env: &Env,
    events: &dyn EventSink,
    interrupt: &Interrupt,
) -> Result<(Search, Repros), RunError> {
    let events = CaseEvents::new(events);
    let jobs = config.jobs.max(1);
    let isolation = Isolation::choose(jobs, &shared.target);
    tracing::info!(jobs, isolation = isolation.name(), "running cases");
    let taps = config.taps.as_ref();
    let built = Lane::prepare(&shared.target, env, isolation, jobs, taps).await;
    let lanes = Lanes {
        isolation,
        built: built.into_iter().map(Arc::new).collect(),
        jobs,
        env,
        taps,
    };
    let shrink_lane = Lane::search_lanes(isolation, jobs);
    let strategy = crate::gen::plan(&config.gen);
    let generation = |e: proptest::test_runner::Reason| RunError::Generation(e.to_string());
    let mut s = Search {
        began: Some(Instant::now()),
        ..Search::default()
    };
    let mut repros: Repros = BTreeMap::new();
    let mut cases = (0..config.cases).filter(|c| config.partition.is_none_or(|p| p.includes(*c)));
    let mut in_flight: VecDeque<(
        u32,
        tokio::task::JoinHandle<Result<CaseOutcome, TargetError>>,
    )> = VecDeque::with_capacity(jobs);
    let mut started: u64 = 0;
    // Shrinking candidates of fresh-account runs get accounts past every case's.
    let mut candidates = u64::from(config.cases);
    loop {
        // A request or wall-time cap ends the search: no case starts after it
        // (the running ones finish and clean up).
        while in_flight.len() < jobs && !shared.budget.exhausted() && !interrupt.is_triggered() {
            let Some(case) = cases.next() else { break };
            let plan = strategy
                .new_tree(&mut case_runner(config.seed, case))
                .map_err(generation)?
                .current();
            let slot = lanes.turn(shared, started).await?;
            started += 1;
            let lane = lanes.lane(shared, slot, u64::from(case)).await;
            let task_shared = Arc::clone(shared);
            in_flight.push_back((
                case,
                tokio::spawn(
                    async move { task_shared.run_case(&lane, &plan, Records::Summary).await },
                ),
            ));
        }
        let Some((case, task)) = in_flight.pop_front() else {
            break;
        };
        let outcome = task
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?;
        s.count_requests(&outcome);
        s.tally(case, &outcome);
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
                case: u64::from(case) + 1,
                millis,
            });
        }
        // Known from the search's cases only (never from shrinking), so a key's
        // first case, and thus its repro, is the same in any partition that has it.
        s.known.extend(fresh.iter().cloned());
        for key in fresh {
            if interrupt.is_triggered() {
                break;
            }
            let mut tree = strategy
                .new_tree(&mut case_runner(config.seed, case))
                .map_err(generation)?;
            let mut shrink_requests = 0;
            let mut best = tree.current();
            let mut simplified = tree.simplify();
            let mut iterations = 0;
            // Out of budget: keep the smallest failing plan so far.
            while simplified
                && iterations < config.max_shrink_iters
                && !shared.budget.exhausted()
                && !interrupt.is_triggered()
            {
                iterations += 1;
                let candidate = tree.current();
                let lane = lanes.lane(shared, shrink_lane, candidates).await;
                candidates += 1;
                let o = shared.run_case(&lane, &candidate, Records::Summary).await?;
                shrink_requests += requests_of(&o);
                s.count_requests(&o);
                events.case(Phase::Shrink, &o, []);
                if o.findings.iter().any(|f| f.key() == key) {
                    best = candidate;
                    simplified = tree.simplify();
                } else {
                    simplified = tree.complicate();
                }
            }
            if interrupt.is_triggered() {
                break;
            }
            let lane = lanes.lane(shared, shrink_lane, candidates).await;
            candidates += 1;
            let rerun = shared.run_case(&lane, &best, Records::Full).await?;
            events.case(Phase::Rerun, &rerun, []);
            shrink_requests += requests_of(&rerun);
            s.count_requests(&rerun);
            let reproduced = rerun.findings.iter().any(|f| f.key() == key);
            tracing::info!(
                case,
                steps = best.steps.len(),
                reproduced,
                "shrunk a failure"
            );
            events.sink().event(&RunEvent::Shrunk {
                round: case,
                steps: best.steps.len(),
                reproduced,
            });
            repros.insert(
                key,
                Repro {
                    seed: config.seed,
                    round: 0,
                    plan: best,
                    steps: rerun.steps,
                    findings: rerun.findings,
                    reproduced,
                    replay_file: None,
                    case,
                    shrink_requests,
                },
            );
        }
    }
    Ok((s, repros))
}

/// Requests a case sent (skipped steps send none).
fn requests_of(outcome: &CaseOutcome) -> u64 {
    outcome.steps.iter().filter(|s| !s.skipped).count() as u64
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
pub(super) fn coverage(
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
            let mut runner = TestRunner::new_with_rng(Config::default(), case_rng(seed, round));
            strategy.new_tree(&mut runner).unwrap().current()
        };
        assert_eq!(first(7, 0), first(7, 0));
        assert_ne!(first(7, 0), first(7, 1));
        assert_ne!(first(7, 0), first(8, 0));
    }
}
