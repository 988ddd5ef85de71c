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
use crate::target::{Journal, WireClient};
use crate::vocab::Outcome;

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
    let deletion = delete_live(ctx.client, model, ctx.target.journal.as_deref()).await;
    let faults = deletion
        .unanswered
        .as_ref()
        .map(|exchange| super::case::transport_findings(ctx, exchange, step))
        .unwrap_or_default();
    let leaked = deletion
        .refused
        .iter()
        .map(|c| c.body.to_string())
        .collect();
    (leaked, deletion.stats, faults)
}

/// What [`delete_live`] did.
#[derive(Debug)]
pub struct Deletion {
    /// The deletes that did not succeed (leftovers).
    pub refused: Vec<Call>,
    /// Counts and times.
    pub stats: TeardownStats,
    /// The delete the target did not answer, which ended the teardown.
    pub unanswered: Option<crate::vocab::Exchange>,
}

/// Delete what `model` still has live through `client`, children first, in passes
/// (see the module's comment); each delete that succeeded or found nothing left is
/// marked deleted in `journal`, if any, as `client`'s accounts. Shared by a run's
/// teardown and a recording's or replay's (`dxconform run --record`, `dxconform
/// parity` on a target that cannot be reset).
pub async fn delete_live(
    client: &WireClient,
    model: &Model,
    journal: Option<&Journal>,
) -> Deletion {
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
                if let Some(journal) = journal {
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
    Deletion {
        refused,
        stats,
        unanswered,
    }
}
