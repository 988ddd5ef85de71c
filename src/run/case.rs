//! Executing one plan against a target: request, prediction, checks, observation.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pace::{FullObservation, Observation, ABSENT};
use super::redact;
use crate::check::{CheckCtx, CheckSet, Finding, SdkParser};
use crate::model::{Env, Model, ObservedEdge, Plan, ResourceKind, Step};
use crate::spec::Spec;
use crate::target::{LaunchedTarget, WireClient};
use crate::vocab::{CheckId, Exchange, Outcome, Principal};

/// What a case needs besides its plan.
#[derive(Debug)]
pub struct CaseContext<'a> {
    /// The target.
    pub target: &'a LaunchedTarget,
    /// The client the case calls with: the target's own, or one acting for the
    /// accounts of the case when cases run side by side.
    pub client: &'a WireClient,
    /// Facts about the target.
    pub env: &'a Env,
    /// Enabled checks.
    pub checks: &'a CheckSet,
    /// The SDK parser for `sdk.parse`.
    pub sdk: &'a SdkParser,
    /// The specification.
    pub spec: &'a Spec,
    /// The run's budgets (`None`: unbounded).
    pub budget: Option<&'a super::Budget>,
    /// How much of each exchange the case's records keep.
    pub records: Records,
    /// What the run has learnt about how its target settles (shared by its cases).
    pub pace: &'a super::Pace,
    /// Which case this is (what a wait that times out is remembered by).
    pub origin: super::CaseOrigin,
}

/// How much of each exchange a case's step records keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Everything: the (redacted) request, response and headers, for reports,
    /// replays and recordings.
    Full,
    /// What the run's statistics and events use (operation, caller, status,
    /// outcome, latency), for search and shrinking cases, whose records are
    /// discarded once counted: a failure's report shows its re-run, which keeps
    /// everything. Redacting and copying every exchange of every case was 5% of a
    /// run's CPU.
    Summary,
}

/// One executed (or skipped) step, as reports show it. Secrets are redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Index in the plan.
    pub index: usize,
    /// The symbolic step.
    pub step: Step,
    /// The step referred to a resource the case did not have and was not sent.
    pub skipped: bool,
    /// Operation.
    pub operation: String,
    /// Caller.
    pub principal: Principal,
    /// Request body (redacted).
    pub request: Value,
    /// HTTP status (0: none).
    pub status: u16,
    /// Outcome label (`success`, `service-error`, …).
    pub outcome: String,
    /// Error type of a service error.
    pub error_type: Option<String>,
    /// Response body as text (redacted when JSON).
    pub response: String,
    /// Response headers, lower-case names, in arrival order (for the curl transcript of a reproduction).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<(String, String)>,
    /// Latency in microseconds.
    pub latency_us: u64,
    /// Why a skipped step was not sent when it was not for a missing resource
    /// (e.g. `max-live connection=1 reached`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// The signature of an answer that answers nothing ([`super::non_answer`]), judged
    /// from the whole answer even where the record keeps only a summary; not written.
    #[serde(skip)]
    pub non_answer: Option<String>,
}

/// The result of one case.
#[derive(Debug, Clone, Default)]
pub struct CaseOutcome {
    /// Every step.
    pub steps: Vec<StepRecord>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Resources the case created and could not delete (targets without reset).
    pub leaked: Vec<String>,
    /// Lifecycle edges observed.
    pub transitions: Vec<ObservedEdge>,
    /// What the case's waits for asynchronous states did.
    pub waits: super::WaitStats,
    /// What the case's teardown did (targets without reset).
    pub teardown: super::TeardownStats,
}

impl StepRecord {
    fn skipped(index: usize, step: &Step) -> StepRecord {
        StepRecord {
            index,
            step: step.clone(),
            skipped: true,
            operation: step.operation().to_owned(),
            principal: step.principal(),
            request: Value::Null,
            status: 0,
            outcome: "skipped".to_owned(),
            error_type: None,
            response: String::new(),
            response_headers: Vec::new(),
            latency_us: 0,
            skip_reason: None,
            non_answer: None,
        }
    }

    fn from_exchange(
        index: usize,
        step: &Step,
        exchange: &Exchange,
        records: Records,
    ) -> StepRecord {
        let (request, response, response_headers) = match records {
            Records::Full => (
                redact(&exchange.request),
                super::redact::redact_body(&exchange.body),
                exchange.headers.clone(),
            ),
            Records::Summary => (Value::Null, String::new(), Vec::new()),
        };
        StepRecord {
            index,
            step: step.clone(),
            skipped: false,
            operation: exchange.operation.clone(),
            principal: exchange.principal,
            request,
            status: exchange.status,
            outcome: exchange.outcome.label().to_owned(),
            error_type: exchange.outcome.error_type().map(str::to_owned),
            response,
            response_headers,
            latency_us: u64::try_from(exchange.latency.as_micros()).unwrap_or(u64::MAX),
            skip_reason: None,
            non_answer: std::str::from_utf8(&exchange.body)
                .ok()
                .and_then(|body| super::non_answer(&exchange.operation, exchange.status, body)),
        }
    }
}

/// Execute `plan`: every step is predicted, sent, checked and observed in order.
/// A transport fault ends the case (the target's state is unknown after it).
pub async fn execute(ctx: &CaseContext<'_>, plan: &Plan) -> CaseOutcome {
    let mut model = Model::new(ctx.env.clone());
    let mut outcome = CaseOutcome::default();
    let want_sdk = ctx.checks.enabled(CheckId::SdkParse);
    let run_id = ctx.target.journal.as_ref().map(|j| j.run_id().to_owned());
    let journal_case = ctx.target.journal.as_ref().map_or(0, |j| j.case());
    // Unbounded runs on targets that can be reset skip the bookkeeping (a lock shared
    // by every case, per step); journaled runs keep it: an interrupt halts creates there.
    let budget = ctx
        .budget
        .filter(|b| b.limited() || ctx.target.journal.is_some())
        .map(super::Budget::case);
    let mut waiter = super::Waiter::default();
    if let Some(journal) = &ctx.target.journal {
        // Named before the first request: a sweep then looks in these accounts even
        // if the run is killed before a resource of theirs is journaled.
        journal.accounts(ctx.client.accounts());
    }
    for (index, step) in plan.steps.iter().enumerate() {
        // Targets that cannot be reset: creates carry the run tag (model::run_tag).
        let tagged = run_id
            .as_deref()
            .map(|r| crate::model::with_run_tag(step, r));
        let step = tagged.as_ref().unwrap_or(step);
        let Some((call, prediction)) = model.call(step) else {
            outcome.steps.push(StepRecord::skipped(index, step));
            continue;
        };
        if let Err(reason) = budget
            .as_ref()
            .map_or(Ok(()), |b| b.admit(call.operation, &call.body))
        {
            let skip_reason = Some(reason);
            outcome.steps.push(StepRecord {
                skip_reason,
                ..StepRecord::skipped(index, step)
            });
            continue;
        }
        let attempt = Attempt {
            step,
            call: &call,
            prediction: &prediction,
            index,
            want_sdk,
        };
        let (exchange, findings) = attempt.send(ctx).await;
        let (exchange, findings) = attempt
            .settle_visibility(ctx, &mut waiter, exchange, findings)
            .await;
        outcome.findings.extend(findings);
        model.observe(step, &prediction, &exchange.outcome);
        budget.iter().for_each(|b| b.observe(&model));
        // Journaled before any wait (on AWS a wait lasts minutes; a kill during it
        // must not lose what the step created), and again after (a wait may see a
        // deleted resource go).
        sync_journal(ctx, &model, journal_case);
        let waited = waiter.settle(ctx, &mut model, index).await;
        outcome.findings.extend(waited);
        sync_journal(ctx, &model, journal_case);
        outcome.steps.push(StepRecord::from_exchange(
            index,
            step,
            &exchange,
            ctx.records,
        ));
        if matches!(exchange.outcome, Outcome::TransportFault { .. }) || waiter.faulted {
            break;
        }
    }
    outcome.transitions = model.take_transitions();
    outcome.waits = waiter.stats;
    if !ctx.target.can_reset() {
        let faults;
        (outcome.leaked, outcome.teardown, faults) =
            super::teardown::teardown(ctx, &model, plan.steps.len()).await;
        outcome.findings.extend(faults);
    }
    budget.into_iter().for_each(|b| b.finish(&outcome.leaked));
    if let Some(journal) = &ctx.target.journal {
        // What could not be deleted stays journaled as created, for `dxconform sweep`.
        journal.forget(journal_case);
    }
    outcome
}

/// Bring the journal (on a target that keeps one) up to date with what `model`
/// has live, as the case's accounts.
fn sync_journal(ctx: &CaseContext<'_>, model: &Model, journal_case: u64) {
    if let Some(journal) = &ctx.target.journal {
        let live = model.teardown();
        let live: Vec<_> = live
            .iter()
            .map(|c| (c.principal, c.operation, &c.body))
            .collect();
        journal.sync(journal_case, ctx.client.accounts(), &live);
    }
}

/// The `transport.fault` finding of a request sent outside a step's prediction (a
/// wait's poll, a teardown's delete), at `step`: the target gave no answer.
pub(super) fn transport_findings(
    ctx: &CaseContext<'_>,
    exchange: &Exchange,
    step: usize,
) -> Vec<Finding> {
    let anything = crate::model::Prediction::succeed(crate::model::Basis::Assumed);
    let check_ctx = CheckCtx::new(ctx.spec, &anything, None, step);
    ctx.checks
        .only(&[CheckId::TransportFault])
        .run(&check_ctx, exchange)
}

/// One step sent (and, for eventual consistency, sent again): what it needs.
struct Attempt<'s> {
    step: &'s Step,
    call: &'s crate::model::Call,
    prediction: &'s crate::model::Prediction,
    /// The step's index in the plan.
    index: usize,
    /// Whether the answer is also parsed the way the SDK would.
    want_sdk: bool,
}

impl Attempt<'_> {
    /// Send the step and run the checks on its answer.
    async fn send(&self, ctx: &CaseContext<'_>) -> (Exchange, Vec<Finding>) {
        let call = self.call;
        let exchange = match self.step {
            // Broken framing is sent raw (model::MalformedStep).
            Step::Malformed(crate::model::MalformedStep {
                malformed: crate::model::Malformed::Wire(how),
                ..
            }) => {
                ctx.client
                    .malformed(call.principal, call.operation, &call.body, *how)
                    .await
            }
            _ => {
                ctx.client
                    .call(call.principal, call.operation, &call.body)
                    .await
            }
        };
        let verdict = if self.want_sdk
            && matches!(
                exchange.outcome,
                Outcome::Success(_) | Outcome::ServiceError { .. }
            ) {
            Some(
                ctx.sdk
                    .parse_with(
                        &exchange.operation,
                        exchange.status,
                        &exchange.headers,
                        &exchange.body,
                        exchange.outcome.body(),
                    )
                    .await,
            )
        } else {
            None
        };
        let check_ctx = CheckCtx::new(ctx.spec, self.prediction, verdict.as_ref(), self.index);
        let findings = ctx.checks.run(&check_ctx, &exchange);
        (exchange, findings)
    }

    /// Eventual consistency: a Describe with a finding of a check the registry polls
    /// again on a miss (`model.visible`: what the model says must be listed is not
    /// yet) is sent again, with backoff, within the target's consistency budget
    /// (`--consistency-budget-ms`); past the budget the finding stands. A miss of
    /// a kind that already outlasted a full budget or wait in the run (the target
    /// leaves such resources out of their list), or in a case whose wait already
    /// timed out, is not polled again: the answer at hand decides it.
    async fn settle_visibility(
        &self,
        ctx: &CaseContext<'_>,
        waiter: &mut super::Waiter,
        mut exchange: Exchange,
        mut findings: Vec<Finding>,
    ) -> (Exchange, Vec<Finding>) {
        let budget = ctx.target.consistency_budget;
        let misses = |f: &[Finding]| f.iter().any(|f| f.def().is_some_and(|d| d.repoll_on_miss));
        let operation = self.call.operation;
        if budget.is_zero() || !operation.starts_with("Describe") || !misses(&findings) {
            return (exchange, findings);
        }
        let missing = ResourceKind::ALL
            .into_iter()
            .find(|k| k.describe_list().is_some_and(|(o, _)| o == operation))
            .map(|kind| Observation {
                kind,
                state: ABSENT.to_owned(),
            });
        if let Some(missing) = &missing {
            if let Some((reason, first)) = waiter.shortcut(ctx, missing) {
                waiter.count_shortened(ctx, missing, reason, &first);
                return (exchange, findings);
            }
        }
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(50);
        let mut polls = 0;
        while misses(&findings) && started.elapsed() + pause <= budget {
            polls += 1;
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
            (exchange, findings) = self.send(ctx).await;
        }
        if misses(&findings) {
            tracing::warn!(
                operation,
                budget_ms = budget.as_millis() as u64,
                "still not visible after the consistency budget"
            );
            if let Some(missing) = missing {
                let full = FullObservation {
                    case: u64::from(ctx.origin.rng_case) + 1,
                    phase: ctx.origin.phase,
                    step: self.index,
                    from: ABSENT.to_owned(),
                    waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    polls,
                    timeout_ms: u64::try_from(budget.as_millis()).unwrap_or(u64::MAX),
                };
                waiter.learn_timeout(ctx, missing, full);
            }
        }
        (exchange, findings)
    }
}
