//! Recording: execute a run's plans once each and write every exchange, normalised,
//! as a cassette (`dxconform run --record DIR`).

use std::path::Path;
use std::time::Instant;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

use super::{Cassette, CassetteError, RecordedCase, RecordedExchange, Refs, CASSETTE_FORMAT};
use crate::model::{Env, Model, Plan};
use crate::run::{redact, RunConfig};
use crate::target::{Journal, LaunchedTarget};
use crate::vocab::{Exchange, Outcome};

/// The plans a recording of `seed` executes: `cases` plans drawn from one RNG stream.
pub(super) fn plans(config: &RunConfig) -> Vec<Plan> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&config.seed.to_le_bytes());
    bytes[8..16].copy_from_slice(b"dxcfcass");
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = crate::gen::plan(&config.gen);
    (0..config.cases)
        .filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current()))
        .collect()
}

/// A response as the cassette stores it.
pub(super) fn recorded(
    refs: &mut Refs,
    step: usize,
    exchange: &Exchange,
    at_ms: u64,
) -> RecordedExchange {
    let mut left_out = 0;
    let (body, body_text) = match serde_json::from_slice::<Value>(&exchange.body) {
        Ok(mut v) => {
            // Other cases' items go first: on a long-shared account they are most of a
            // listing, and nothing of theirs is kept to redact.
            left_out = refs.leave_out_foreign(&exchange.operation, &exchange.request, &mut v);
            (Some(refs.value(&redact(&v))), None)
        }
        Err(_) if exchange.body.is_empty() => (None, None),
        Err(_) => (None, Some(refs.text(&exchange.body_text()))),
    };
    RecordedExchange {
        step,
        skipped: false,
        operation: exchange.operation.clone(),
        principal: exchange.principal,
        request: refs.value(&redact(&exchange.request)),
        status: exchange.status,
        headers: refs.headers(&exchange.headers),
        body,
        body_text,
        left_out,
        latency_us: u64::try_from(exchange.latency.as_micros()).unwrap_or(u64::MAX),
        at_ms,
    }
}

/// Delete what a case left live on a target that cannot be reset (a reset clears it
/// otherwise), marking each delete in `journal`, if any. What cannot be deleted stays,
/// the same when recorded and replayed (and journaled for `dxconform sweep`).
pub(super) async fn clear(target: &LaunchedTarget, model: &Model, journal: Option<&Journal>) {
    if target.can_reset() {
        return;
    }
    let deletion = crate::run::delete_live(&target.client, model, journal).await;
    if !deletion.refused.is_empty() {
        tracing::warn!(
            leftovers = deletion.refused.len(),
            "a recorded or replayed case left resources it could not delete"
        );
    }
}

pub(super) fn skipped(step: usize, s: &crate::model::Step) -> RecordedExchange {
    RecordedExchange {
        step,
        skipped: true,
        operation: s.operation().to_owned(),
        principal: s.principal(),
        request: Value::Null,
        status: 0,
        headers: Vec::new(),
        body: None,
        body_text: None,
        left_out: 0,
        latency_us: 0,
        at_ms: 0,
    }
}

/// The journal a recording keeps: a run's, on a target that cannot be reset.
fn recording_journal(target: &LaunchedTarget) -> Option<&Journal> {
    target.journal.as_deref().filter(|_| !target.can_reset())
}

/// Record one case. On a target that cannot be reset (an endpoint, AWS) the recording
/// owns what it creates as a run's case does: with a journal, creates carry the run tag
/// and the journal follows every step; at the end the case's resources are deleted, as a
/// run's teardown deletes them (not recorded: the replay does the same), so no case meets
/// what an earlier one left holding an account's shared things (a virtual private gateway
/// stays associated until its association is deleted). What cannot be deleted stays
/// journaled for `dxconform sweep`.
async fn record_case(target: &LaunchedTarget, env: &Env, case: u32, plan: &Plan) -> RecordedCase {
    let mut model = Model::new(env.clone());
    let mut refs = Refs::new(&env.accounts);
    let began = Instant::now();
    let mut exchanges = Vec::new();
    let journal = recording_journal(target);
    let journal_case = journal.map_or(0, |j| j.case());
    let accounts = target.client.accounts();
    if let Some(journal) = journal {
        journal.accounts(accounts);
    }
    let sync = |model: &Model| {
        if let Some(journal) = journal {
            let live = model.teardown();
            let live: Vec<_> = live
                .iter()
                .map(|c| (c.principal, c.operation, &c.body))
                .collect();
            journal.sync(journal_case, accounts, &live);
        }
    };
    for (index, step) in plan.steps.iter().enumerate() {
        let tagged = journal.map(|j| crate::model::with_run_tag(step, j.run_id()));
        let step = tagged.as_ref().unwrap_or(step);
        let Some((call, prediction)) = model.call(step) else {
            exchanges.push(skipped(index, step));
            continue;
        };
        let at_ms = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
        let exchange = target
            .client
            .call(call.principal, call.operation, &call.body)
            .await;
        model.observe(step, &prediction, &exchange.outcome);
        sync(&model);
        exchanges.push(recorded(&mut refs, index, &exchange, at_ms));
        if matches!(exchange.outcome, Outcome::TransportFault { .. }) {
            break;
        }
    }
    clear(target, &model, journal).await;
    if let Some(journal) = journal {
        journal.forget(journal_case);
    }
    RecordedCase {
        case,
        plan: plan.clone(),
        exchanges,
    }
}

/// Execute the plans of `config` (its seed, cases and generator) against its target,
/// one reset per case, and write the cassette to `dir`.
pub fn record(config: &RunConfig, dir: &Path) -> Result<Cassette, CassetteError> {
    let runtime = crate::run::launch_runtime().map_err(CassetteError::Runtime)?;
    let cassette = runtime.block_on(async {
        let target = crate::run::launch(&config.target, &config.emulator).await?;
        let result = async {
            target.probe().await?;
            let env = crate::run::discover_env(&target).await;
            let mut cases = Vec::new();
            for (i, plan) in plans(config).iter().enumerate() {
                target.reset().await?;
                cases.push(record_case(&target, &env, i as u32 + 1, plan).await);
            }
            Ok::<_, CassetteError>(Cassette {
                format: CASSETTE_FORMAT,
                about: "A dxconform cassette (docs/cassettes.md): replay it with `dxconform parity --cassette DIR`, check it offline with `dxconform check DIR`.".to_owned(),
                harness: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
                seed: config.seed,
                target: target.identity.clone(),
                locations: env.locations.clone(),
                async_delay_ms: u64::try_from(config.emulator.async_delay.as_millis())
                    .unwrap_or(u64::MAX),
                shared: !target.can_reset(),
                run_tag: recording_journal(&target).map(|j| j.run_id().to_owned()),
                varies: super::replay::default_varies(),
                cases,
            })
        }
        .await;
        let _ = target.reset().await;
        target.stop().await;
        result
    })?;
    cassette.save(dir)?;
    Ok(cassette)
}
