//! A run from start to end: launch the target, probe it and learn its locations,
//! run the search (`run/search.rs`, which hands new failures to `run/shrink.rs`),
//! tear the target down, and return the report the collector (`run/collect.rs`)
//! built from the run's events (marked incomplete when the run was interrupted).

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::collect::ReportCollector;
use super::events::{EventSink, Fanout, NoEvents, RunEvent};
use super::interrupt::{Interrupt, RunEnd};
use super::search::{search, Shared};
use super::{RunConfig, RunError, RunReport};
use crate::check::{CheckSet, SdkParser};
use crate::model::Env;
use crate::target::LaunchedTarget;
use crate::vocab::Principal;

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
    let checks = CheckSet::select(&config.checks, &config.exclude_checks)?;
    let check_ids: Vec<String> = checks.ids().iter().map(ToString::to_string).collect();
    let started = Instant::now();
    let started_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let target = Arc::new(runtime.block_on(super::launch(&config.target, &config.emulator))?);
    let collector = ReportCollector::new(config, target.identity.clone(), check_ids, started_at);
    let events = Fanout::new().with(&collector).with(events);
    let wire_stats = target.client.clone();
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
                pace: super::Pace::default(),
            });
            let new_root_causes = || collector.new_root_causes(&config.known_root_causes);
            let found = runtime.block_on(search(
                config,
                &shared,
                &env,
                &events,
                interrupt,
                &new_root_causes,
            ));
            let budget = (!config.budgets.is_empty()).then(|| shared.budget.report());
            let shortened_waits = shared.pace.shortened_waits();
            found.map(|found| (found, budget, shortened_waits))
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
    let ((), budget, shortened_waits) = result?;
    // Interrupted: the run's resources are swept before the report says what is left.
    let interruption = interrupt.interruption(started).map(|mut interruption| {
        interruption.swept = journal.map(|(journal, run_id)| {
            super::interrupt::sweep_after(&config.target, journal, run_id)
        });
        interruption
    });
    if let Some(interruption) = &interruption {
        events.event(&RunEvent::Interrupted(interruption.clone()));
    }
    let totals = collector.totals();
    events.event(&RunEvent::Finished {
        cases_run: totals.cases_run,
        steps_run: totals.steps_run,
        requests: totals.requests,
        failures: totals.failures,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        wire: wire_stats.wire_stats(),
        budget,
        shortened_waits,
    });
    drop(events);
    let report = Box::new(collector.report());
    // Said once per run, not per case: a leftover is journaled for `dxconform sweep`.
    if report.teardown.leftovers > 0 {
        tracing::warn!(
            leftovers = report.teardown.leftovers,
            "resources the run created could not be deleted (report.json `leaked`; `dxconform sweep` deletes them)"
        );
    }
    Ok(if interruption.is_some() {
        RunEnd::Interrupted(report)
    } else {
        RunEnd::Finished(report)
    })
}
