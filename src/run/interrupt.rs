//! Ending a run early from outside (Ctrl-C) as an outcome of the run: no case
//! starts after the interrupt and shrinking stops, running cases finish and clean
//! up, the target is torn down, a target that keeps a journal is swept of what the
//! run created, and the run returns [`RunEnd::Interrupted`] (never a report).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::RunReport;

/// A request to end a run early. Clones share the request.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    requested: Arc<AtomicBool>,
    ctrl_c: bool,
}

impl Interrupt {
    /// An interrupt that only [`Interrupt::trigger`] sets off.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// An interrupt that Ctrl-C sets off while the run goes; Ctrl-C also stops every
    /// run of the process from creating at once ([`super::halt_creates`]), since a
    /// create after the sweep began would be left behind.
    pub fn on_ctrl_c() -> Interrupt {
        Interrupt {
            ctrl_c: true,
            ..Interrupt::default()
        }
    }

    /// Ask the run to end early.
    pub fn trigger(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Whether the run was asked to end early.
    pub fn is_triggered(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// On a run's runtime: set this interrupt off on Ctrl-C, when it listens for it.
    pub(super) fn listen(&self, runtime: &tokio::runtime::Runtime) {
        if !self.ctrl_c {
            return;
        }
        let interrupt = self.clone();
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                super::halt_creates();
                tracing::warn!("interrupted: no case starts; running cases finish and clean up");
                interrupt.trigger();
            }
        });
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum RunEnd {
    /// The run did what it was configured to do (a cap may have ended it early).
    Finished(Box<RunReport>),
    /// The run was interrupted; it wrote no report.
    Interrupted(Interruption),
}

/// What an interrupted run did before it returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interruption {
    /// The sweep of what the run created, on a target that keeps a journal.
    pub swept: Option<InterruptSweep>,
}

/// The sweep of an interrupted run's own resources (by its journal and its run-id tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptSweep {
    /// The run id swept.
    pub run_id: String,
    /// The run's journal.
    pub journal: PathBuf,
    /// Resources that could not be deleted (`dxconform sweep` can try again).
    pub left: usize,
    /// Sweeps that could not be carried out, with why.
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
    fn an_interrupted_run_returns_the_interrupted_outcome() {
        let config = RunConfig {
            cases: 40,
            seed: 3,
            ..RunConfig::default()
        };
        let interrupt = Interrupt::new();
        interrupt.trigger();
        let end = run_observed(&config, &NoEvents, &interrupt).unwrap();
        // The embedded target keeps no journal: nothing to sweep.
        assert!(
            matches!(end, RunEnd::Interrupted(Interruption { swept: None })),
            "{end:?}"
        );
        // `run` cannot be interrupted by anyone but itself, and finishes.
        let report = crate::run::run(&RunConfig { cases: 2, ..config }).unwrap();
        assert_eq!(report.cases_run, 2);
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
        let RunEnd::Interrupted(Interruption { swept: Some(swept) }) = end else {
            panic!("not swept: {end:?}");
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
