//! Verdicts on targets that never settle: what a run learns about its target's pace
//! (`run::Pace`). Against a target that leaves the newest item out of its lists, an
//! observation that outlasted one full wait is decided after one poll in later
//! cases and every shrink candidate, the finding refers to the first full wait,
//! and the report says which waits were shortened; a faithful target is waited for
//! as before and nothing is shortened. Behaviour only: timing is `dxconform bench
//! --verdict`'s.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use dxconform::run::{
    served_target, EventSink, Interrupt, Phase, RunConfig, RunEnd, RunEvent, RunReport,
    ShortenReason,
};
use dxconform::target::{ServedReference, WaitPolicy};

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// Per phase: waits that ran to their full timeout, and waits shortened.
#[derive(Default)]
struct WaitsByPhase(Mutex<Vec<(Phase, u64, u64)>>);

impl EventSink for WaitsByPhase {
    fn event(&self, event: &RunEvent) {
        if let RunEvent::CaseFinished { phase, waits, .. } = event {
            self.0
                .lock()
                .unwrap()
                .push((*phase, waits.timed_out, waits.shortened));
        }
    }
}

/// A run against `dxconform serve [ARGS]` behind `--endpoint`, as the CLI configures
/// a loopback endpoint, with a short wait timeout so the test is quick.
fn served_run(args: &[&str], seed: u64, cases: u32) -> (RunReport, Vec<(Phase, u64, u64)>) {
    let served = ServedReference::spawn(Path::new(BIN), args).expect("serve starts");
    let mut target = served_target(served.endpoint());
    assert!(
        target.wait.adaptive,
        "a loopback endpoint derives its timeout"
    );
    target.wait = WaitPolicy {
        interval: Duration::from_millis(20),
        timeout: Duration::from_millis(700),
        adaptive: false,
    };
    let config = RunConfig {
        target,
        cases,
        seed,
        max_shrink_iters: 24,
        ..RunConfig::default()
    };
    let phases = WaitsByPhase::default();
    let end = dxconform::run::run_observed(&config, &phases, &Interrupt::new()).unwrap();
    let RunEnd::Finished(report) = end else {
        panic!("the run was not interrupted")
    };
    (*report, phases.0.into_inner().unwrap())
}

#[test]
fn a_target_that_omits_its_newest_item_pays_each_full_wait_once() {
    let (report, phases) = served_run(&["--mutant", "describe-omits-newest"], 7, 12);
    assert!(!report.conformant());
    let repeats: Vec<_> = report
        .shortened_waits
        .iter()
        .filter(|s| s.reason == ShortenReason::Repeat)
        .collect();
    assert!(!repeats.is_empty(), "{:?}", report.shortened_waits);
    for s in &repeats {
        assert_eq!(s.state, "absent", "{s:?}");
        assert!(s.count > 0);
    }
    let shortened: u64 = report.shortened_waits.iter().map(|s| s.count).sum();
    assert_eq!(report.waits.shortened, shortened);
    // Every wait that ran to its timeout showed an observation no earlier wait had
    // shown in full: one full wait per observation, search, shrinking and re-runs
    // together, however many cases and candidates met it again.
    let full: u64 = phases.iter().map(|(_, full, _)| full).sum();
    assert_eq!(full, report.waits.timed_out);
    assert!(
        full >= 1 && full <= repeats.len() as u64,
        "{full} full waits for {repeats:?}"
    );
    let shrinking: u64 = phases
        .iter()
        .filter(|(p, _, _)| matches!(p, Phase::Shrink | Phase::Rerun))
        .map(|(_, _, short)| short)
        .sum();
    assert!(
        shrinking > 0,
        "the shrinker decided its waits after one poll"
    );
    // The liveness finding of a shortened wait refers to the first full wait.
    let liveness = report
        .failures()
        .find(|b| b.check == "model.liveness" && b.repro.is_some())
        .expect("a liveness failure with a reproduction");
    let referred = repeats
        .iter()
        .find(|s| liveness.actual.contains(&s.first.place()))
        .unwrap_or_else(|| panic!("{:?} refers to none of {repeats:?}", liveness.actual));
    assert!(
        liveness.actual.contains("decided without a new full wait"),
        "{}",
        liveness.actual
    );
    assert_eq!(referred.first.phase, Phase::Search);
    // The terminal (and Markdown) summary says it in one line.
    let summary = dxconform::report::summary(&report);
    let lines: Vec<&str> = summary
        .lines()
        .filter(|l| l.starts_with("shortened waits:"))
        .collect();
    assert_eq!(lines.len(), 1, "{summary}");
    assert!(lines[0].contains(&referred.first.place()), "{}", lines[0]);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["waits"]["shortened"], shortened);
    assert_eq!(json["shortened_waits"][0]["reason"], "repeat");
}

#[test]
fn a_faithful_target_is_waited_for_in_full_and_nothing_is_shortened() {
    let (report, phases) = served_run(&[], 7, 12);
    assert!(
        report.conformant(),
        "{:?}",
        report.failures().map(|b| &b.check).collect::<Vec<_>>()
    );
    assert!(report.waits.settled > 0, "{:?}", report.waits);
    assert_eq!(report.waits.timed_out, 0, "{:?}", report.waits);
    assert_eq!(report.waits.shortened, 0);
    assert!(report.shortened_waits.is_empty());
    assert!(phases
        .iter()
        .all(|(_, full, short)| *full == 0 && *short == 0));
    assert!(!dxconform::report::summary(&report).contains("shortened waits"));
}

#[test]
fn loopback_endpoints_derive_their_wait_timeout_unless_one_is_given() {
    let dry = |extra: &[&str]| {
        let out = Command::new(BIN)
            .args([
                "run",
                "--endpoint",
                "http://127.0.0.1:9",
                "--dry-run",
                "--cases",
                "1",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let derived = dry(&[]);
    assert!(
        derived.contains("4× the slowest settle seen per resource (at least 10 s, at most 60 s"),
        "{derived}"
    );
    let fixed = dry(&["--wait-timeout", "5"]);
    assert!(fixed.contains("at most 5 s per resource"), "{fixed}");
}
