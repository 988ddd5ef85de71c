//! The search: generate plans with proptest, each case from its own RNG, run
//! them `--jobs` at a time in lanes, and hand each failure not seen before to
//! shrinking, until the case budget (or a cap, or an interrupt) ends it.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::case::{execute, CaseContext, CaseOutcome, Records};
use super::events::{BucketKey, CaseEvents, EventSink, Phase};
use super::interrupt::Interrupt;
use super::lanes::{Isolation, Lane};
use super::shrink::Shrinker;
use super::{CaseOrigin, RunConfig, RunError};
use crate::check::{CheckSet, Finding, SdkParser, Severity};
use crate::model::{Env, Plan};
use crate::spec::Spec;
use crate::target::{LaunchedTarget, TargetError};

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
pub(super) fn case_runner(seed: u64, case: u32) -> TestRunner {
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, case_rng(seed, case))
}

fn new_failures(findings: &[Finding], known: &BTreeSet<BucketKey>) -> BTreeSet<BucketKey> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Failure)
        .map(Finding::key)
        .filter(|k| !known.contains(k))
        .collect()
}

/// What every case of a run shares (cases run as tasks, so it is reference counted).
pub(super) struct Shared {
    pub(super) target: Arc<LaunchedTarget>,
    pub(super) checks: CheckSet,
    pub(super) sdk: SdkParser,
    pub(super) budget: super::Budget,
    /// What the run learns about how its target settles (`run/pace.rs`).
    pub(super) pace: super::Pace,
}

impl Shared {
    /// Run `plan` in `lane` after making the target fresh for it; `origin` says
    /// which case it is.
    pub(super) async fn run_case(
        &self,
        lane: &Lane,
        plan: &Plan,
        records: Records,
        origin: CaseOrigin,
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
            pace: &self.pace,
            origin,
        };
        Ok(execute(&ctx, plan).await)
    }
}

/// The lanes of a run and how a case gets one.
pub(super) struct Lanes<'a> {
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
    pub(super) async fn lane(&self, shared: &Shared, slot: usize, n: u64) -> Arc<Lane> {
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
/// case is shrunk (`run/shrink.rs`), one candidate at a time, from the case it was
/// first seen in. The search emits events; the report is built from them.
pub(super) async fn search(
    config: &RunConfig,
    shared: &Arc<Shared>,
    env: &Env,
    events: &dyn EventSink,
    interrupt: &Interrupt,
    new_root_causes: &dyn Fn() -> usize,
) -> Result<(), RunError> {
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
    let mut known: BTreeSet<BucketKey> = BTreeSet::new();
    let mut cases = (0..config.cases).filter(|c| config.partition.is_none_or(|p| p.includes(*c)));
    let mut in_flight: VecDeque<(
        u32,
        tokio::task::JoinHandle<Result<CaseOutcome, TargetError>>,
    )> = VecDeque::with_capacity(jobs);
    let mut started: u64 = 0;
    let allowance = super::shrink::ShrinkAllowance::new(config.budgets.shrink);
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
                tokio::spawn(async move {
                    let origin = CaseOrigin {
                        phase: Phase::Search,
                        rng_case: case,
                    };
                    task_shared
                        .run_case(&lane, &plan, Records::Summary, origin)
                        .await
                }),
            ));
        }
        let Some((case, task)) = in_flight.pop_front() else {
            break;
        };
        let outcome = task
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?;
        let fresh = new_failures(&outcome.findings, &known);
        events.case(Phase::Search, case, &outcome, &fresh);
        if fresh.is_empty() {
            continue;
        }
        // Known from the search's cases only (never from shrinking), so a key's
        // first case, and thus its repro, is the same in any partition that has it.
        known.extend(fresh.iter().cloned());
        let shrinker = Shrinker {
            config,
            shared,
            lanes: &lanes,
            lane: shrink_lane,
            strategy: &strategy,
            events: &events,
            interrupt,
            allowance: &allowance,
            unshrunk_rerun: std::sync::Mutex::new(None),
        };
        for key in fresh {
            if interrupt.is_triggered() {
                break;
            }
            shrinker.shrink(case, key, &mut candidates).await?;
        }
        // --max-failures: counted on the root causes (reproductions included, as
        // the grouping reads them) once this case's buckets are shrunk.
        if let Some(most) = config.budgets.max_failures {
            let new = new_root_causes();
            if new >= most as usize {
                shared.budget.stop(
                    super::budget::MAX_FAILURES,
                    format!(
                        "{new} new failing root cause{} found (cap {most})",
                        if new == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Requests a case sent (skipped steps send none).
pub(super) fn requests_of(outcome: &CaseOutcome) -> u64 {
    outcome.steps.iter().filter(|s| !s.skipped).count() as u64
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
