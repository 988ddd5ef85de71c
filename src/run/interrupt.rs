//! Ending a run early from outside (Ctrl-C, SIGTERM, SIGHUP) as an outcome of the
//! run: no case starts after the interrupt and shrinking stops, running cases
//! finish and clean up, the target is torn down, a target that keeps a journal is
//! swept of what the run created, and the run returns [`RunEnd::Interrupted`] with
//! the report of what it did, marked incomplete ([`super::RunReport::interrupted`]).
//! A second signal calls the caller's abort (the command line exits at once).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::RunReport;

/// A signal that interrupts a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    /// Ctrl-C.
    #[serde(rename = "SIGINT")]
    Interrupt,
    /// `kill`, `timeout`, a CI runner cancelling a job.
    #[serde(rename = "SIGTERM")]
    Terminate,
    /// The terminal went away.
    #[serde(rename = "SIGHUP")]
    Hangup,
}

impl Signal {
    /// Its conventional name (`SIGTERM`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
        }
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What set an interrupt off, and when.
#[derive(Debug, Clone, Copy)]
struct Request {
    signal: Option<Signal>,
    at: Instant,
}

/// A request to end a run early. Clones share the request; the first one counts.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    request: Arc<OnceLock<Request>>,
}

impl Interrupt {
    /// An interrupt that only [`Interrupt::trigger`] sets off.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// An interrupt that Ctrl-C, and on Unix SIGTERM and SIGHUP, set off from now
    /// on (for the rest of the process: the signals no longer end it). The first
    /// signal also stops every run of the process from creating at once
    /// ([`super::halt_creates`]), since a create after the sweep began would be left
    /// behind. Any later signal calls `abort` with it, on a thread of its own, while
    /// the run still cleans up; the command line exits there, leaving the journal
    /// (every line written whole, and fsync'd) for `dxconform sweep`.
    pub fn on_signals(abort: impl Fn(Signal) + Send + 'static) -> std::io::Result<Interrupt> {
        let interrupt = Interrupt::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        // Registered here, before the run starts, so no signal is missed.
        let mut signals = {
            let _entered = runtime.enter();
            Signals::register()?
        };
        let first = interrupt.clone();
        std::thread::Builder::new()
            .name("dxconform-signals".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    while let Some(signal) = signals.next().await {
                        if first.is_triggered() {
                            abort(signal);
                            continue;
                        }
                        super::halt_creates();
                        tracing::warn!(
                            "{signal}: no case starts; running cases finish and clean up, then the report so far is written (a second signal exits at once)"
                        );
                        first.trigger_by(signal);
                    }
                });
            })?;
        Ok(interrupt)
    }

    /// Ask the run to end early.
    pub fn trigger(&self) {
        let _ = self.request.set(Request {
            signal: None,
            at: Instant::now(),
        });
    }

    /// Ask the run to end early because of `signal`.
    pub fn trigger_by(&self, signal: Signal) {
        let _ = self.request.set(Request {
            signal: Some(signal),
            at: Instant::now(),
        });
    }

    /// Whether the run was asked to end early.
    pub fn is_triggered(&self) -> bool {
        self.request.get().is_some()
    }

    /// The interrupted outcome of a run that started at `started`, when it was
    /// asked to end early (with no sweep yet).
    pub(super) fn interruption(&self, started: Instant) -> Option<Interruption> {
        self.request.get().map(|r| Interruption {
            signal: r.signal,
            after_ms: u64::try_from(r.at.saturating_duration_since(started).as_millis())
                .unwrap_or(u64::MAX),
            swept: None,
        })
    }
}

/// The signals a run listens for on this platform.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn register() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// The next signal (`None` once none can come any more).
    async fn next(&mut self) -> Option<Signal> {
        tokio::select! {
            s = self.interrupt.recv() => s.map(|()| Signal::Interrupt),
            s = self.terminate.recv() => s.map(|()| Signal::Terminate),
            s = self.hangup.recv() => s.map(|()| Signal::Hangup),
        }
    }
}

/// Elsewhere Ctrl-C alone.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn register() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Option<Signal> {
        tokio::signal::ctrl_c()
            .await
            .ok()
            .map(|()| Signal::Interrupt)
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum RunEnd {
    /// The run did what it was configured to do (a cap may have ended it early).
    Finished(Box<RunReport>),
    /// The run was interrupted: the report of what it did until then, marked
    /// incomplete (its `interrupted` member says by what, and what the cleanup did).
    Interrupted(Box<RunReport>),
}

/// How a run was interrupted and what it did before it returned (report.json's
/// `interrupted` member, present only in the report of an interrupted run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    /// The signal that interrupted the run (none when a library caller did).
    #[serde(default)]
    pub signal: Option<Signal>,
    /// When it came, in milliseconds from the start of the run.
    #[serde(default)]
    pub after_ms: u64,
    /// The sweep of what the run created, on a target that keeps a journal.
    #[serde(default)]
    pub swept: Option<InterruptSweep>,
}

/// The sweep of an interrupted run's own resources (by its journal and its run-id tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterruptSweep {
    /// The run id swept.
    pub run_id: String,
    /// The run's journal.
    pub journal: PathBuf,
    /// Resources that could not be deleted (`dxconform sweep` can try again).
    pub left: usize,
    /// Sweeps that could not be carried out, with why.
    #[serde(default)]
    pub errors: Vec<String>,
}

/// Delete what run `run_id` created, twice: a case still running when the
/// interrupt came may have created one more (creates are halted by then).
pub(super) fn sweep_after(
    target: &crate::target::TargetConfig,
    journal: PathBuf,
    run_id: String,
) -> InterruptSweep {
    let mut left = 0;
    let mut errors = Vec::new();
    for _ in 0..2 {
        match super::sweep(target, &journal, Some(&run_id)) {
            Ok(outcome) => left = outcome.failed.len(),
            Err(e) => errors.push(crate::vocab::error_chain(&e)),
        }
    }
    InterruptSweep {
        run_id,
        journal,
        left,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{run_observed, EventSink, NoEvents, RunConfig, RunEvent};
    use crate::target::{TargetConfig, TargetKind};

    #[test]
    fn an_interrupted_run_returns_its_report_marked_incomplete() {
        let config = RunConfig {
            cases: 40,
            seed: 3,
            ..RunConfig::default()
        };
        let interrupt = Interrupt::new();
        interrupt.trigger_by(Signal::Terminate);
        let end = run_observed(&config, &NoEvents, &interrupt).unwrap();
        let RunEnd::Interrupted(report) = end else {
            panic!("not interrupted: {end:?}");
        };
        // No case started; the embedded target keeps no journal: nothing to sweep.
        assert_eq!(report.cases_run, 0);
        assert!(!report.complete());
        let interrupted = report.interrupted.clone().unwrap();
        assert_eq!(interrupted.signal, Some(Signal::Terminate));
        assert_eq!(interrupted.swept, None);
        // report.json says so, and a report written before the member existed
        // loads as complete.
        let mut json = serde_json::to_value(&*report).unwrap();
        assert_eq!(json["interrupted"]["signal"], "SIGTERM");
        json.as_object_mut().unwrap().remove("interrupted");
        let old: RunReport = serde_json::from_value(json).unwrap();
        assert!(old.complete());
        // `run` cannot be interrupted by anyone but itself, and finishes.
        let report = crate::run::run(&RunConfig { cases: 2, ..config }).unwrap();
        assert_eq!(report.cases_run, 2);
        assert!(report.complete());
    }

    #[test]
    fn the_first_request_counts() {
        let interrupt = Interrupt::new();
        assert!(!interrupt.is_triggered());
        let started = Instant::now();
        interrupt.clone().trigger_by(Signal::Hangup);
        interrupt.trigger_by(Signal::Interrupt);
        interrupt.trigger();
        assert!(interrupt.is_triggered());
        let interruption = interrupt.interruption(started).unwrap();
        assert_eq!(interruption.signal, Some(Signal::Hangup));
        assert_eq!(Signal::Hangup.to_string(), "SIGHUP");
        assert_eq!(
            serde_json::to_value(Signal::Interrupt).unwrap(),
            serde_json::json!("SIGINT")
        );
    }

    /// Sets the interrupt off when the first case finishes.
    struct InterruptAfterFirstCase<'a>(&'a Interrupt);

    impl EventSink for InterruptAfterFirstCase<'_> {
        fn event(&self, event: &RunEvent) {
            if matches!(event, RunEvent::CaseFinished { .. }) {
                self.0.trigger();
            }
        }
    }

    #[test]
    fn an_interrupted_run_on_a_journaled_target_sweeps_its_run_id() {
        let server = tokio::runtime::Runtime::new().unwrap();
        let emulator = server
            .block_on(crate::emulator::Emulator::start(
                ([127, 0, 0, 1], 0).into(),
                crate::emulator::EmulatorConfig::default(),
            ))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.ndjson");
        let config = RunConfig {
            target: TargetConfig {
                kind: TargetKind::Url,
                endpoint: Some(emulator.endpoint()),
                journal: Some(journal.clone()),
                run_id: Some("run-interrupted".to_owned()),
                ..TargetConfig::default()
            },
            cases: 400,
            seed: 9,
            ..RunConfig::default()
        };
        assert!(config.target.keeps_journal());
        let interrupt = Interrupt::new();
        let end = run_observed(&config, &InterruptAfterFirstCase(&interrupt), &interrupt).unwrap();
        let RunEnd::Interrupted(report) = end else {
            panic!("not interrupted: {end:?}");
        };
        // The findings and counts so far are kept.
        assert!(report.cases_run >= 1, "{}", report.cases_run);
        assert!(report.steps_run >= 1);
        let Some(Interruption {
            signal: None,
            swept: Some(swept),
            ..
        }) = report.interrupted.clone()
        else {
            panic!("not swept: {:?}", report.interrupted);
        };
        assert_eq!(swept.run_id, "run-interrupted");
        assert_eq!(swept.journal, journal);
        assert_eq!((swept.left, swept.errors.len()), (0, 0), "{swept:?}");
        let leftovers =
            crate::target::Journal::leftovers(&journal, Some("run-interrupted")).unwrap();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        server.block_on(emulator.shutdown());
    }
}
