//! Teardown of a case on a target that cannot be reset: delete what the case
//! created and still has, children first, as the accounts it acted as.
//!
//! The model already leaves out what cannot be deleted (`Model::teardown`: consumed
//! or accepted proposals, resources already gone, children deleted with their
//! parent), so nothing here waits for a delete that cannot succeed: a pass sends
//! every delete once, a delete the target answers "already gone" counts as done,
//! and a refused delete is sent again only in a next pass after the one before made
//! progress (a parent may wait for its children), at most [`PASSES`] passes, with
//! no sleep between them. What is still live after that is a leftover, counted once
//! in the report (`teardown.leftovers`, `leaked`) and journaled for `dxconform sweep`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::CaseContext;
use crate::check::Finding;
use crate::model::{Call, Model};
use crate::target::{LaunchedTarget, WireClient};
use crate::vocab::{Exchange, Outcome};

/// Passes over the deletes a case's teardown sends.
pub(super) const PASSES: usize = 3;

/// What the teardowns of a run (or a case) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeardownStats {
    /// Delete calls sent.
    pub deletes: u64,
    /// Of those, deletes sent again after a refusal in an earlier pass.
    pub retries: u64,
    /// Deletes the target answered with "nothing left to delete".
    pub gone: u64,
    /// Wall time of the teardowns, microseconds.
    pub total_us: u64,
    /// Of that, time with no request in flight, milliseconds.
    pub idle_ms: u64,
    /// Resources still live after the teardown (in `leaked` and the journal).
    pub leftovers: u64,
}

impl TeardownStats {
    /// Add another's counts.
    pub fn add(&mut self, other: &TeardownStats) {
        merge_counts!(self, other; sum: deletes, retries, gone, total_us, idle_ms, leftovers);
    }

    /// Whether no teardown ran (a target that is reset between cases).
    pub fn is_empty(&self) -> bool {
        *self == TeardownStats::default()
    }
}

/// Delete what `model` still has live, acting as the case's accounts. Returns the
/// delete bodies of what could not be deleted, what the teardown did, and the
/// `transport.fault` finding of a delete the target did not answer (reported at
/// `step`, past the plan's last: the teardown ends at the first, as a case does).
pub(super) async fn teardown(
    ctx: &CaseContext<'_>,
    model: &Model,
    step: usize,
) -> (Vec<String>, TeardownStats, Vec<Finding>) {
    let done = delete_live(ctx.target, ctx.client, model).await;
    let faults = done
        .unanswered
        .map(|exchange| super::case::transport_findings(ctx, &exchange, step))
        .unwrap_or_default();
    (done.leaked, done.stats, faults)
}

/// What [`delete_live`] did.
#[derive(Debug)]
pub struct Teardown {
    /// The delete bodies of what could not be deleted.
    pub leaked: Vec<String>,
    /// Deletes sent, retried, found gone; time; leftovers.
    pub stats: TeardownStats,
    /// The delete the target did not answer (the teardown ended there).
    pub unanswered: Option<Exchange>,
}

/// Delete what `model` still has live, children first, as `client`'s accounts,
/// journaling each delete on a journaled `target` (a case's teardown, and the
/// recording pass of `run --record` on a target without reset).
pub async fn delete_live(target: &LaunchedTarget, client: &WireClient, model: &Model) -> Teardown {
    let mut unanswered = None;
    let started = Instant::now();
    let mut stats = TeardownStats::default();
    let mut busy = Duration::ZERO;
    let mut pending: Vec<Call> = model.teardown();
    let mut refused: Vec<Call> = Vec::new();
    for pass in 0..PASSES {
        let mut progress = false;
        let mut calls = std::mem::take(&mut pending).into_iter();
        while let Some(call) = calls.next() {
            stats.deletes += 1;
            stats.retries += u64::from(pass > 0);
            let sent = Instant::now();
            let exchange = client
                .call(call.principal, call.operation, &call.body)
                .await;
            busy += sent.elapsed();
            if matches!(exchange.outcome, Outcome::TransportFault { .. }) {
                // The target did not answer: what is left stays for `dxconform sweep`.
                unanswered = Some(exchange);
                refused.push(call);
                refused.extend(calls);
                break;
            }
            let gone = super::sweep::already_gone(&exchange.outcome);
            if matches!(exchange.outcome, Outcome::Success(_)) || gone {
                stats.gone += u64::from(gone);
                progress = true;
                if let Some(journal) = &target.journal {
                    journal.deleted(
                        call.principal,
                        client.accounts(),
                        call.operation,
                        &call.body,
                    );
                }
            } else {
                tracing::debug!(operation = call.operation, body = %call.body, status = exchange.status, pass, "teardown delete refused");
                refused.push(call);
            }
        }
        if refused.is_empty() || !progress || unanswered.is_some() || pass + 1 == PASSES {
            break;
        }
        pending = std::mem::take(&mut refused);
    }
    refused.extend(pending);
    let total = started.elapsed();
    stats.total_us = u64::try_from(total.as_micros()).unwrap_or(u64::MAX);
    stats.idle_ms = u64::try_from(total.saturating_sub(busy).as_millis()).unwrap_or(u64::MAX);
    stats.leftovers = refused.len() as u64;
    let leaked = refused.iter().map(|c| c.body.to_string()).collect();
    Teardown {
        leaked,
        stats,
        unanswered,
    }
}
