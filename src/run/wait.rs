//! Waits: after each step, a resource the model last saw in a state that AWS leaves
//! on its own within minutes (a virtual interface `verifying`/`pending`, a gateway
//! `pending`, anything `deleting`) is waited for: Describe is polled with backoff
//! (`target::WaitPolicy`) until the state settles, so the asynchronous edge is
//! observed (and recorded in the transition coverage) instead of assumed. A state
//! that does not settle within the timeout is a `model.liveness` finding.
//!
//! Waits are done by the case executor, not generated as steps: they need no
//! shrinking (a shrunk plan waits the same way), they cannot be generated in a
//! state where they would wait for nothing, and a plan stays valid on targets
//! without waits (the deterministic reference target, whose Describe moves a
//! resource one edge per call). States that need people (a connection `requested`
//! or `pending` on physical provisioning) are never waited for.
//!
//! What the target has shown earlier in the run shortens waits (`run/pace.rs`): an
//! observation that already outlasted a full timeout is decided after one poll, a
//! case whose wait timed out gives its later waits one poll each, and on loopback
//! targets the timeout follows the slowest settle seen.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::pace::{FullObservation, Observation, ShortenReason, ABSENT};
use super::CaseContext;
use crate::check::{Finding, Seen, WaitObservation};
use crate::model::{Handle, Model, ResourceKind};
use crate::vocab::Outcome;

/// Whether AWS leaves `state` of `kind` on its own: the states waited for (each
/// kind's descriptor lists them with their sources).
fn must_settle(kind: ResourceKind, state: &str) -> bool {
    kind.descriptor().settles(state)
}

/// What the waits of a run (or a case) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitStats {
    /// Waits started.
    pub waits: u64,
    /// Waits that saw the state settle (or the deleted resource disappear).
    pub settled: u64,
    /// Waits that hit the timeout (each a `model.liveness` finding).
    pub timed_out: u64,
    /// Waits ended after one poll, unsettled, by what the run had already observed
    /// (`run::Pace`; report.json's `shortened_waits[]` says which and why).
    #[serde(default)]
    pub shortened: u64,
    /// Describe polls sent.
    pub polls: u64,
    /// Milliseconds spent waiting, in total.
    pub total_wait_ms: u64,
    /// The longest single wait, milliseconds.
    pub longest_wait_ms: u64,
}

impl WaitStats {
    /// Add another's counts.
    pub fn add(&mut self, other: &WaitStats) {
        merge_counts!(self, other;
            sum: waits, settled, timed_out, shortened, polls, total_wait_ms;
            max: longest_wait_ms);
    }
}

/// The waits of one case.
#[derive(Debug, Default)]
pub struct Waiter {
    /// What the waits did.
    pub stats: WaitStats,
    /// Resources whose wait ended without settling (not waited for again).
    given_up: BTreeSet<Handle>,
    /// A poll got no answer (a transport fault): the case ends, as after a step's.
    pub faulted: bool,
    /// The case's first wait (or visibility re-poll) that ran to its timeout: the
    /// case's later waits get one poll each.
    timed_out: Option<FullObservation>,
}

/// How a wait ended.
enum Ended {
    /// The state settled (or the deleted resource disappeared).
    Settled,
    /// The timeout passed.
    TimedOut,
    /// Decided early by what was already observed.
    Shortened(ShortenReason, FullObservation),
}

/// What a poll saw, as a pace observation names it.
fn seen_state(seen: &Seen) -> &str {
    match seen {
        Seen::NotPolled => "not polled",
        Seen::State(state) => state,
        Seen::Absent => ABSENT,
        Seen::NoAnswer => "no answer",
    }
}

enum Polled {
    /// The resource shows this state.
    State(String),
    /// Not listed (not visible yet, or gone).
    Absent,
    /// No usable answer.
    Unknown,
    /// No answer at all: the target is gone or not answering (the exchange, for
    /// its `transport.fault` finding).
    Fault(Box<crate::vocab::Exchange>),
}

impl Waiter {
    /// Wait for every resource of `model` in a state AWS leaves on its own.
    pub async fn settle(
        &mut self,
        ctx: &CaseContext<'_>,
        model: &mut Model,
        step: usize,
    ) -> Vec<Finding> {
        let policy = ctx.target.wait;
        if !policy.enabled() {
            return Vec::new();
        }
        let waiting: Vec<Handle> = model
            .resources()
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.created && r.id.is_some() && r.last_state.is_some_and(|s| must_settle(r.kind, s))
            })
            .map(|(i, _)| Handle(i as u32))
            .filter(|h| !self.given_up.contains(h))
            .collect();
        let mut findings = Vec::new();
        for handle in waiting {
            findings.extend(self.wait_one(ctx, model, handle, step).await);
            if self.faulted {
                break;
            }
        }
        findings
    }

    async fn poll(ctx: &CaseContext<'_>, model: &Model, handle: Handle) -> (Polled, u16) {
        let r = model.resource(handle);
        let (Some((operation, list)), Some(id)) = (r.kind.describe_list(), r.id.as_deref()) else {
            return (Polled::Unknown, 0);
        };
        let id_member = r.kind.id_member();
        let exchange = ctx
            .client
            .call(r.owner, operation, &json!({ id_member: id }))
            .await;
        let polled = match &exchange.outcome {
            Outcome::Success(body) => {
                let item = body.get(list).and_then(Value::as_array).and_then(|items| {
                    items
                        .iter()
                        .find(|i| i.get(id_member).and_then(Value::as_str) == Some(id))
                });
                match item.and_then(|i| i.get(r.kind.state_member()).and_then(Value::as_str)) {
                    Some(state) => Polled::State(state.to_owned()),
                    None if item.is_none() => Polled::Absent,
                    None => Polled::Unknown,
                }
            }
            // A resource that no longer exists is refused by id on some targets.
            Outcome::ServiceError { .. } => Polled::Absent,
            Outcome::TransportFault { .. } => Polled::Fault(Box::new(exchange.clone())),
            _ => Polled::Unknown,
        };
        (polled, exchange.status)
    }

    /// Whether a wait (or re-poll) that sees `observation` ends now, and why: the
    /// run already waited it out in full (`Repeat`), or this case already waited
    /// one wait out (`CaseTimedOut`).
    pub(super) fn shortcut(
        &self,
        ctx: &CaseContext<'_>,
        observation: &Observation,
    ) -> Option<(ShortenReason, FullObservation)> {
        if let Some(first) = ctx.pace.full(observation) {
            return Some((ShortenReason::Repeat, first));
        }
        self.timed_out
            .clone()
            .map(|first| (ShortenReason::CaseTimedOut, first))
    }

    /// A wait (or re-poll) outlasted its full timeout on `observation`: the run and
    /// the rest of the case learn it.
    pub(super) fn learn_timeout(
        &mut self,
        ctx: &CaseContext<'_>,
        observation: Observation,
        wait: FullObservation,
    ) {
        self.timed_out.get_or_insert_with(|| wait.clone());
        ctx.pace.timed_out(observation, wait);
    }

    /// A wait (or re-poll) on `observation` was shortened for `reason`.
    pub(super) fn count_shortened(
        &mut self,
        ctx: &CaseContext<'_>,
        observation: &Observation,
        reason: ShortenReason,
        first: &FullObservation,
    ) {
        self.stats.shortened += 1;
        ctx.pace.shortened(observation, reason, first);
        tracing::info!(
            kind = observation.kind.name(),
            state = observation.state,
            ?reason,
            first = first.place(),
            "a wait was decided after one poll"
        );
    }

    async fn wait_one(
        &mut self,
        ctx: &CaseContext<'_>,
        model: &mut Model,
        handle: Handle,
        step: usize,
    ) -> Vec<Finding> {
        let policy = ctx.target.wait;
        let timeout = ctx.pace.timeout(policy);
        let started = Instant::now();
        let r = model.resource(handle);
        let kind = r.kind;
        let from = r.last_state.unwrap_or_default();
        let id = r.id.clone().unwrap_or_default();
        self.stats.waits += 1;
        // The first poll goes at once where waiting first buys nothing: on a loopback
        // target (an adaptive policy), whose states settle in milliseconds or move
        // one edge per Describe, and for a wait its first poll may decide (the kind
        // already outlasted a full wait in the run, or this case already timed out).
        let mut pause = if policy.adaptive || self.timed_out.is_some() || ctx.pace.knows(kind) {
            Duration::ZERO
        } else {
            policy.interval
        };
        let mut polls = 0u64;
        let mut last = (Seen::NotPolled, 0u16);
        let mut fault = None;
        let ended = loop {
            if started.elapsed() + pause > timeout {
                break Ended::TimedOut;
            }
            tokio::time::sleep(pause).await;
            pause = (pause.mul_f64(1.5)).clamp(policy.interval, policy.interval * 4);
            polls += 1;
            let (polled, status) = Waiter::poll(ctx, model, handle).await;
            match polled {
                Polled::State(state) => {
                    last = (Seen::State(state.clone()), status);
                    if !model.observe_polled(handle, &state) {
                        // Not reachable: the next Describe step's checks say so.
                        self.given_up.insert(handle);
                        break Ended::Settled;
                    }
                    if !must_settle(kind, &state) {
                        break Ended::Settled;
                    }
                }
                // A deleted resource may disappear; a new one may not be visible yet.
                Polled::Absent if model.resource(handle).deleted => break Ended::Settled,
                Polled::Absent => last = (Seen::Absent, status),
                Polled::Unknown => last = (Seen::NoAnswer, status),
                // Polling on would hide the fault behind a timed-out wait (and the
                // case would go on against a target whose state is unknown).
                Polled::Fault(exchange) => {
                    fault = Some(exchange);
                    break Ended::TimedOut;
                }
            }
            let observation = Observation {
                kind,
                state: seen_state(&last.0).to_owned(),
            };
            if let Some((reason, first)) = self.shortcut(ctx, &observation) {
                break Ended::Shortened(reason, first);
            }
        };
        let waited = started.elapsed();
        let ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
        self.stats.polls += polls;
        self.stats.total_wait_ms += ms;
        self.stats.longest_wait_ms = self.stats.longest_wait_ms.max(ms);
        if let Some(exchange) = fault {
            self.faulted = true;
            self.given_up.insert(handle);
            return super::case::transport_findings(ctx, &exchange, step);
        }
        let observation = Observation {
            kind,
            state: seen_state(&last.0).to_owned(),
        };
        let repeat_of = match ended {
            Ended::Settled => {
                self.stats.settled += 1;
                ctx.pace.settled(waited);
                return Vec::new();
            }
            Ended::Shortened(reason, first) => {
                self.given_up.insert(handle);
                self.count_shortened(ctx, &observation, reason, &first);
                if reason == ShortenReason::CaseTimedOut {
                    // The case has shown what the target does; this observation, if
                    // it is one, is waited for in full in a later case.
                    return Vec::new();
                }
                Some(format!(
                    "the same {} stayed {} through a full {:.1} s wait ({} polls) in {}",
                    kind.name(),
                    observation.state,
                    first.waited_ms as f64 / 1000.0,
                    first.polls,
                    first.place()
                ))
            }
            Ended::TimedOut => {
                self.stats.timed_out += 1;
                self.given_up.insert(handle);
                tracing::warn!(
                    kind = kind.name(),
                    id,
                    from,
                    waited_ms = ms,
                    "a wait timed out"
                );
                let full = FullObservation {
                    case: u64::from(ctx.origin.rng_case) + 1,
                    phase: ctx.origin.phase,
                    step,
                    from: from.to_owned(),
                    waited_ms: ms,
                    polls,
                    timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                };
                self.learn_timeout(ctx, observation, full);
                None
            }
        };
        let Some((operation, list)) = kind.describe_list() else {
            return Vec::new();
        };
        // What the wait saw; whether and how it is a finding is the check's.
        ctx.checks.judge_wait(&WaitObservation {
            step,
            kind,
            id: &id,
            from,
            operation,
            list,
            last: &last.0,
            status: last.1,
            polls,
            waited,
            timeout,
            repeat_of: repeat_of.as_deref(),
        })
    }
}
