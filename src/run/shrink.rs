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
use super::outcome::Repro;
use super::search::{case_runner, requests_of, Lanes, Shared};
use super::{CaseOrigin, RunConfig, RunError};
use crate::model::Plan;

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
            let o = shared
                .run_case(&lane, &candidate, Records::Summary, origin)
                .await?;
            shrink_requests += requests_of(&o);
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
        let lane = lanes.lane(shared, self.lane, *candidates).await;
        *candidates += 1;
        let origin = CaseOrigin {
            phase: Phase::Rerun,
            rng_case: case,
        };
        let rerun = shared.run_case(&lane, &best, Records::Full, origin).await?;
        self.events.case(Phase::Rerun, case, &rerun, []);
        shrink_requests += requests_of(&rerun);
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
            }),
        });
        Ok(())
    }
}
