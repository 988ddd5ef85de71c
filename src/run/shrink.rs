//! Shrinking: a failure bucket not seen in an earlier case is shrunk from the case
//! that first showed it (proptest's `ValueTree` from that case's RNG, one candidate
//! at a time, in a lane of its own), and the minimal plan is re-run once, keeping
//! its full records, to tell "reproduced" from "flaky". The result is a `shrunk`
//! event carrying the reproduction.

use std::sync::Arc;

use proptest::strategy::{Strategy, ValueTree};

use super::case::Records;
use super::events::{BucketKey, CaseEvents, Phase, RunEvent};
use super::interrupt::Interrupt;
use super::outcome::{Repro, ShrinkStatus};
use super::search::{case_runner, requests_of, Lanes, Shared};
use super::ShrinkBudget;
use super::{CaseOrigin, RunConfig, RunError};
use crate::model::Plan;

/// What shrinking has spent over the run, against its `--shrink-budget`.
pub(super) struct ShrinkAllowance {
    budget: Option<ShrinkBudget>,
    requests: std::sync::atomic::AtomicU64,
    spent: std::sync::Mutex<std::time::Duration>,
}

impl ShrinkAllowance {
    /// Nothing spent yet of `budget` (none: unlimited).
    pub(super) fn new(budget: Option<ShrinkBudget>) -> Self {
        ShrinkAllowance {
            budget,
            requests: std::sync::atomic::AtomicU64::new(0),
            spent: std::sync::Mutex::new(std::time::Duration::ZERO),
        }
    }

    fn spent(&self) -> std::time::Duration {
        *self
            .spent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether another candidate may be tried.
    fn allows(&self) -> bool {
        match self.budget {
            None => true,
            Some(ShrinkBudget::Requests(most)) => {
                self.requests.load(std::sync::atomic::Ordering::Relaxed) < most
            }
            Some(ShrinkBudget::Seconds(most)) => self.spent().as_secs_f64() < most,
        }
    }

    /// One candidate sent `requests` in `took`.
    fn spend(&self, requests: u64, took: std::time::Duration) {
        self.requests
            .fetch_add(requests, std::sync::atomic::Ordering::Relaxed);
        *self
            .spent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += took;
    }
}

/// What shrinking a bucket needs of the search.
pub(super) struct Shrinker<'a, S> {
    pub(super) config: &'a RunConfig,
    pub(super) shared: &'a Arc<Shared>,
    pub(super) lanes: &'a Lanes<'a>,
    /// The lane slot shrinking runs in (past the search's).
    pub(super) lane: usize,
    /// The plan strategy of the run.
    pub(super) strategy: &'a S,
    pub(super) events: &'a CaseEvents<'a>,
    pub(super) interrupt: &'a Interrupt,
    /// What the run's shrinking may still spend.
    pub(super) allowance: &'a ShrinkAllowance,
    /// The re-run of this case's own plan, once one bucket needed it: every other
    /// bucket left unshrunk (`--no-shrink`, a spent budget) shares it rather than
    /// running the whole case again.
    pub(super) unshrunk_rerun: std::sync::Mutex<Option<super::CaseOutcome>>,
}

impl<S: Strategy<Value = Plan>> Shrinker<'_, S> {
    /// Shrink bucket `key` from search case `case`; `candidates` numbers the
    /// shrinking cases of fresh-account runs (accounts past every search case's).
    /// Out of budget (or interrupted): keep the smallest failing plan so far.
    pub(super) async fn shrink(
        &self,
        case: u32,
        key: BucketKey,
        candidates: &mut u64,
    ) -> Result<(), RunError> {
        let (config, shared, lanes) = (self.config, self.shared, self.lanes);
        let mut tree = self
            .strategy
            .new_tree(&mut case_runner(config.seed, case))
            .map_err(|e| RunError::Generation(e.to_string()))?;
        let mut shrink_requests = 0;
        let mut best = tree.current();
        let mut simplified = tree.simplify();
        let mut iterations = 0;
        while simplified
            && iterations < config.max_shrink_iters
            && self.allowance.allows()
            && !shared.budget.exhausted()
            && !self.interrupt.is_triggered()
        {
            iterations += 1;
            let candidate = tree.current();
            let lane = lanes.lane(shared, self.lane, *candidates).await;
            *candidates += 1;
            let origin = CaseOrigin {
                phase: Phase::Shrink,
                rng_case: case,
            };
            let began = std::time::Instant::now();
            let o = shared
                .run_case(&lane, &candidate, Records::Summary, origin)
                .await?;
            shrink_requests += requests_of(&o);
            self.allowance.spend(requests_of(&o), began.elapsed());
            self.events.case(Phase::Shrink, case, &o, []);
            if o.findings.iter().any(|f| f.key() == key) {
                best = candidate;
                simplified = tree.simplify();
            } else {
                simplified = tree.complicate();
            }
        }
        if self.interrupt.is_triggered() {
            return Ok(());
        }
        // Complete when proptest had nothing simpler left to try.
        let shrink = match (simplified, iterations) {
            (false, _) => ShrinkStatus::Complete,
            (true, 0) => ShrinkStatus::None,
            (true, _) => ShrinkStatus::Partial,
        };
        let cached = (iterations == 0)
            .then(|| {
                self.unshrunk_rerun
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone()
            })
            .flatten();
        let rerun = match cached {
            Some(rerun) => rerun,
            None => {
                let lane = lanes.lane(shared, self.lane, *candidates).await;
                *candidates += 1;
                let origin = CaseOrigin {
                    phase: Phase::Rerun,
                    rng_case: case,
                };
                let rerun = shared.run_case(&lane, &best, Records::Full, origin).await?;
                self.events.case(Phase::Rerun, case, &rerun, []);
                shrink_requests += requests_of(&rerun);
                if iterations == 0 {
                    *self
                        .unshrunk_rerun
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(rerun.clone());
                }
                rerun
            }
        };
        let reproduced = rerun.findings.iter().any(|f| f.key() == key);
        tracing::info!(
            case,
            steps = best.steps.len(),
            reproduced,
            "shrunk a failure"
        );
        self.events.sink().event(&RunEvent::Shrunk {
            round: case,
            steps: best.steps.len(),
            reproduced,
            bucket: key,
            repro: Box::new(Repro {
                seed: config.seed,
                round: 0,
                plan: best,
                steps: rerun.steps,
                findings: rerun.findings,
                reproduced,
                replay_file: None,
                case,
                shrink_requests,
                shrink,
            }),
        });
        Ok(())
    }
}
