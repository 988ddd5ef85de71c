//! Parity: replay a cassette's plans against another target, map the new ids onto
//! the recorded references, wait for asynchronous states as the recording did, and
//! report every difference as a `parity.*` finding keyed by operation and JSON path.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::normalize::sorted;
use super::parity::finding;
use super::record::recorded;
use super::{diff, Cassette, CassetteError, KnownVariance, RecordedExchange, Refs};
use crate::check::{bucket_path, Finding};
use crate::model::{with_run_tag, Model, Prediction, ResourceKind, StateSet};
use crate::target::{LaunchedTarget, TargetConfig, TargetIdentity};

/// Paths every cassette declares as varying (none so far: everything a target
/// generates is normalised to references). Kept as the place to add one, with its reason.
pub(super) fn default_varies() -> Vec<KnownVariance> {
    Vec::new()
}

/// One difference, with the case it occurred in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParityDifference {
    /// Case number in the cassette.
    pub case: u32,
    /// The finding (`parity.*`).
    pub finding: Finding,
}

/// What a parity replay showed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParityOutcome {
    /// The recorded target.
    pub recorded: TargetIdentity,
    /// The replayed target.
    pub replayed: TargetIdentity,
    /// Seed of the recording.
    pub seed: u64,
    /// Cases replayed.
    pub cases: usize,
    /// The recorded target's timing (`async_delay_ms` of the cassette).
    pub async_delay_ms: u64,
    /// Exchanges compared.
    pub compared: usize,
    /// Extra Describe calls sent while waiting for a recorded state.
    pub polls: usize,
    /// Observations of a state the recording had not reached yet (the replay ran later
    /// along the same asynchronous edges): timing, not a difference.
    pub ahead: usize,
    /// Differences on paths the cassette declares as varying.
    pub declared: usize,
    /// State differences along asynchronous edges that the model allows (documented
    /// alternatives such as a delete answered `deleting` or `deleted`, chains at
    /// another pace) where a side shared its target with other cases: not differences
    /// (see `shared_timing`).
    #[serde(default)]
    pub alternatives: usize,
    /// Every difference.
    pub differences: Vec<ParityDifference>,
}

impl ParityOutcome {
    /// No difference.
    pub fn identical(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The lifecycle position of a state difference: (recorded index, replayed index, kind).
fn state_change(path: &str, expected: &str, actual: &str) -> Option<(ResourceKind, usize, usize)> {
    let member = path.rsplit('.').next()?;
    let kind = *ResourceKind::ALL
        .iter()
        .find(|k| k.state_member() == member)?;
    let lifecycle = kind.lifecycle();
    let a: String = serde_json::from_str(expected).ok()?;
    let b: String = serde_json::from_str(actual).ok()?;
    Some((kind, lifecycle.index(&a)?, lifecycle.index(&b)?))
}

/// `to` is reachable from `from` along asynchronous edges.
fn reaches(kind: ResourceKind, from: usize, to: usize) -> bool {
    kind.lifecycle().closure(StateSet(1 << from)).has(to)
}

fn error_type(e: &RecordedExchange) -> Option<String> {
    e.body
        .as_ref()
        .and_then(|b| b.get("__type"))
        .and_then(Value::as_str)
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
}

fn status_text(e: &RecordedExchange) -> String {
    match error_type(e) {
        Some(t) if e.status >= 300 => format!("HTTP {} {t}", e.status),
        _ => format!("HTTP {}", e.status),
    }
}

type Diffs = Vec<(&'static str, String, String, String)>;

/// Differences of one replayed exchange from the recorded one.
fn compare(rec: &RecordedExchange, got: &RecordedExchange) -> Diffs {
    let (a, b) = (status_text(rec), status_text(got));
    if a != b {
        return vec![("parity.status", "$".to_owned(), a, b)];
    }
    let mut out = Vec::new();
    let content_type = |e: &RecordedExchange| {
        e.headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.clone())
    };
    if let (Some(x), Some(y)) = (content_type(rec), content_type(got)) {
        if x != y {
            out.push(("parity.value", "$header.content-type".to_owned(), x, y));
        }
    }
    if rec.status >= 300 {
        // Same status and error type: messages are prose and not compared.
        return out;
    }
    match (&rec.body, &got.body) {
        (Some(x), Some(y)) => out.extend(diff(&sorted(x), &sorted(y))),
        (Some(x), None) => out.push((
            "parity.missing",
            "$".to_owned(),
            x.to_string(),
            got.body_text.clone().unwrap_or_else(|| "empty".to_owned()),
        )),
        (None, Some(y)) => out.push((
            "parity.extra",
            "$".to_owned(),
            "empty".to_owned(),
            y.to_string(),
        )),
        (None, None) if rec.body_text != got.body_text => out.push((
            "parity.value",
            "$".to_owned(),
            rec.body_text.clone().unwrap_or_default(),
            got.body_text.clone().unwrap_or_default(),
        )),
        (None, None) => {}
    }
    out
}

/// Some state of the replay has not yet reached the recorded one.
fn behind(diffs: &Diffs) -> bool {
    diffs.iter().any(|(check, path, expected, actual)| {
        *check == "parity.value"
            && state_change(path, expected, actual)
                .is_some_and(|(kind, rec, got)| reaches(kind, got, rec))
    })
}

/// A state the recording reaches later anyway: the replay is ahead in time. Creates
/// answer synchronously, so their states are never excused.
fn ahead(operation: &str, path: &str, expected: &str, actual: &str) -> bool {
    !operation.starts_with("Create")
        && !operation.starts_with("Allocate")
        && state_change(path, expected, actual)
            .is_some_and(|(kind, rec, got)| reaches(kind, rec, got))
}

/// Whether a state difference is one a shared target may show without a defect: the
/// two states are joined by asynchronous edges (either may come first) and the model
/// does not allow the recorded state while refusing the replayed one. Where a side
/// shared its target with other cases (no reset between cases), its resources took
/// their place in the account's id sequence from the account's history, not the
/// plan, and the reference target spreads documented alternatives (a gateway created
/// `pending` or `available`, a delete answered `deleting` or `deleted`: [api]
/// DirectConnectGateway.directConnectGatewayState, Connection.connectionState) and
/// the pace of asynchronous chains over its resources by that place, as AWS's timing
/// varies. A state the model refuses where the recording's was allowed (a create
/// answered `available` instead of `requested`, a state going back) is still a
/// difference, and so is one no asynchronous edge leads to.
fn shared_timing(prediction: &Prediction, path: &str, expected: &str, actual: &str) -> bool {
    state_change(path, expected, actual).is_some_and(|(kind, rec, got)| {
        (reaches(kind, rec, got) || reaches(kind, got, rec))
            && !prediction
                .resources
                .iter()
                .any(|e| e.kind == kind && e.states.has(rec) && !e.states.has(got))
    })
}

/// Replay every case of `cassette` against the target of `config` (an embedded one
/// without an endpoint: the reference target with `emulator`'s settings).
pub fn parity(
    cassette: &Cassette,
    config: &TargetConfig,
    emulator: &crate::emulator::EmulatorConfig,
) -> Result<ParityOutcome, CassetteError> {
    let runtime = crate::run::launch_runtime().map_err(CassetteError::Runtime)?;
    runtime.block_on(async {
        let target = crate::run::launch(config, emulator).await?;
        let result = replay_all(cassette, &target).await;
        let _ = target.reset().await;
        target.stop().await;
        result
    })
}

async fn replay_all(
    cassette: &Cassette,
    target: &LaunchedTarget,
) -> Result<ParityOutcome, CassetteError> {
    target.probe().await?;
    let mut env = crate::run::discover_env(target).await;
    if !cassette.locations.is_empty() {
        env.locations = cassette.locations.clone();
    }
    let delay = cassette.async_delay_ms;
    let bound = Duration::from_millis((delay * 40).clamp(1000, 10_000));
    let interval = Duration::from_millis((delay / 4).max(5));
    let mut out = ParityOutcome {
        recorded: cassette.target.clone(),
        replayed: target.identity.clone(),
        seed: cassette.seed,
        cases: cassette.cases.len(),
        async_delay_ms: cassette.async_delay_ms,
        compared: 0,
        polls: 0,
        ahead: 0,
        declared: 0,
        alternatives: 0,
        differences: Vec::new(),
    };
    // Either side's resources took their place in a history longer than the case.
    let shared = cassette.shared || !target.can_reset();
    for case in &cassette.cases {
        target.reset().await?;
        let mut model = Model::new(env.clone());
        let mut refs = Refs::new(&env.accounts);
        let began = Instant::now();
        for rec in &case.exchanges {
            let Some(step) = case.plan.steps.get(rec.step) else {
                continue;
            };
            let tagged = cassette.run_tag.as_deref().map(|id| with_run_tag(step, id));
            let step = tagged.as_ref().unwrap_or(step);
            let mut report = |check: &'static str,
                              status: u16,
                              path: String,
                              expected: String,
                              actual: String| {
                let key = bucket_path(&path);
                if cassette
                    .varies
                    .iter()
                    .any(|v| v.covers(&rec.operation, &key))
                {
                    out.declared += 1;
                    return;
                }
                out.differences.push(ParityDifference {
                    case: case.case,
                    finding: finding(
                        check,
                        &rec.operation,
                        rec.step,
                        status,
                        path,
                        expected,
                        actual,
                    ),
                });
            };
            let Some((call, prediction)) = model.call(step) else {
                if !rec.skipped {
                    report(
                        "parity.status",
                        0,
                        "$".into(),
                        status_text(rec),
                        "not sent: the step's resource does not exist in the replay".into(),
                    );
                }
                continue;
            };
            if rec.skipped {
                report(
                    "parity.status",
                    0,
                    "$".into(),
                    "not sent: the step's resource did not exist in the recording".into(),
                    "sent".into(),
                );
            }
            // Never earlier than the recording sent it: asynchronous states follow the clock.
            let at = Duration::from_millis(rec.at_ms);
            if let Some(wait) = at.checked_sub(began.elapsed()) {
                tokio::time::sleep(wait).await;
            }
            let deadline = Instant::now() + bound;
            let (exchange, got, diffs) = loop {
                let exchange = target
                    .client
                    .call(call.principal, call.operation, &call.body)
                    .await;
                let mut trial = refs.clone();
                let got = recorded(&mut trial, rec.step, &exchange, 0);
                let diffs = if rec.skipped {
                    Vec::new()
                } else {
                    compare(rec, &got)
                };
                if call.operation.starts_with("Describe")
                    && behind(&diffs)
                    && Instant::now() < deadline
                {
                    out.polls += 1;
                    tokio::time::sleep(interval).await;
                    continue;
                }
                refs = trial;
                break (exchange, got, diffs);
            };
            model.observe(step, &prediction, &exchange.outcome);
            if !rec.skipped {
                out.compared += 1;
            }
            for (check, path, expected, actual) in diffs {
                if check == "parity.value" && ahead(&rec.operation, &path, &expected, &actual) {
                    out.ahead += 1;
                    continue;
                }
                if shared
                    && check == "parity.value"
                    && shared_timing(&prediction, &path, &expected, &actual)
                {
                    out.alternatives += 1;
                    continue;
                }
                report(check, got.status, path, expected, actual);
            }
        }
        super::record::clear(target, &model, None).await;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Basis, Expectation, Handle, StateCheck, Visibility, CONNECTION};

    /// A prediction of one connection in `states`, checked as `check`.
    fn predicting(states: &[&str], check: StateCheck) -> Prediction {
        let mut p = Prediction::succeed(Basis::Documented);
        p.resources.push(Expectation {
            handle: Handle(0),
            kind: ResourceKind::Connection,
            id: None,
            states: CONNECTION.set(states),
            state_check: check,
            visibility: Visibility::Must,
            echo: Vec::new(),
            tags: None,
            nested: None,
        });
        p
    }

    #[test]
    fn a_shared_target_excuses_timing_the_model_allows_and_nothing_it_refuses() {
        let p = "$.connectionState";
        let q = |s: &str| format!("\"{s}\"");
        // A create answered `requested` (recorded) and `available` (replayed): the model
        // allows only `requested`, so this is a deviation even along asynchronous edges.
        let create = predicting(&["requested"], StateCheck::Result);
        assert!(!shared_timing(&create, p, &q("requested"), &q("available")));
        // Documented alternatives of a write's answer: both allowed.
        let either = predicting(&["pending", "available"], StateCheck::Result);
        assert!(shared_timing(&either, p, &q("available"), &q("pending")));
        // A resource the prediction does not place: timing along asynchronous edges.
        let none = Prediction::succeed(Basis::Documented);
        assert!(shared_timing(&none, p, &q("pending"), &q("available")));
        assert!(shared_timing(&none, p, &q("available"), &q("pending")));
        // No asynchronous edge joins `available` and `deleted`.
        assert!(!shared_timing(&none, p, &q("available"), &q("deleted")));
        // A state going back where the model allows only what comes later.
        let later = predicting(&["available", "down"], StateCheck::Transition);
        assert!(!shared_timing(&later, p, &q("available"), &q("requested")));
        // Not a state member: never excused.
        assert!(!shared_timing(&none, "$.connectionName", &q("a"), &q("b")));
    }

    #[test]
    fn state_differences_know_their_direction() {
        let p = "$.connections[0].connectionState";
        assert!(ahead(
            "DescribeConnections",
            p,
            "\"pending\"",
            "\"available\""
        ));
        assert!(!ahead(
            "DescribeConnections",
            p,
            "\"available\"",
            "\"pending\""
        ));
        assert!(!ahead(
            "CreateConnection",
            "$.connectionState",
            "\"requested\"",
            "\"pending\""
        ));
        let d: Diffs = vec![(
            "parity.value",
            p.into(),
            "\"available\"".into(),
            "\"pending\"".into(),
        )];
        assert!(behind(&d));
    }
}
