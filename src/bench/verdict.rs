//! Time to verdict: how long a user waits for the first finding and for the complete
//! report (search and shrinking of every root cause) when the harness is pointed at
//! an emulator's URL with default settings, where waits for asynchronous states are
//! on. Each target is the reference target served by a child `dxconform serve`
//! process, faithful or with one mutant planted, behind `--endpoint` with its reset
//! URL ([`crate::run::served_target`]).

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::BenchError;
use crate::run::{EventSink, Interrupt, Phase, RunConfig, RunEnd, RunEvent, ADAPTIVE_FLOOR};
use crate::target::ServedReference;

/// The targets of the section: the faithful one, and the mutants a waiting harness
/// used to stall on (a list that leaves out its newest item, states that regress,
/// a virtual interface that never leaves `pending`).
pub const VERDICT_TARGETS: [Option<&str>; 4] = [
    None,
    Some("describe-omits-newest"),
    Some("state-regresses"),
    Some("vif-stuck-pending"),
];

/// Time to verdict against one target.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRow {
    /// `faithful`, or the mutant's name.
    pub target: String,
    /// Cases of the run.
    pub cases: u32,
    /// From the start of the run (launch included) to the end of the first case
    /// that showed a failure; `None` when none did.
    pub first_finding: Option<Duration>,
    /// From the start of the run to its complete report (search and shrinking).
    pub complete: Duration,
    /// Failure buckets of the report.
    pub failures: usize,
    /// Waits that ran to their full timeout.
    pub full_waits: u64,
    /// Waits decided after one poll by what the run had already observed.
    pub shortened_waits: u64,
    /// The longest wait timeout in force (the first full wait's, or the adaptive floor).
    pub timeout: Duration,
    /// Requests the run sent, shrinking included.
    pub requests: u64,
}

impl VerdictRow {
    /// The goal: the first finding within one wait timeout of the start, and the
    /// complete report of a 200-case run in under two minutes.
    pub fn meets_goal(&self) -> bool {
        self.first_finding.is_none_or(|f| f <= self.timeout)
            && self.complete < Duration::from_secs(120)
    }
}

/// Hears when the first failure of the search shows.
struct FirstFinding {
    started: Instant,
    at: Mutex<Option<Duration>>,
}

impl EventSink for FirstFinding {
    fn event(&self, event: &RunEvent) {
        if let RunEvent::CaseFinished {
            phase: Phase::Search,
            new_buckets,
            ..
        } = event
        {
            let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
            if !new_buckets.is_empty() && at.is_none() {
                *at = Some(self.started.elapsed());
            }
        }
    }
}

/// Time to verdict against the reference target served with `mutant` planted (or faithful).
pub fn measure(seed: u64, cases: u32, mutant: Option<&str>) -> Result<VerdictRow, BenchError> {
    let exe = std::env::current_exe()?;
    let args: Vec<&str> = mutant.map(|m| vec!["--mutant", m]).unwrap_or_default();
    let served = ServedReference::spawn(&exe, &args)?;
    let config = RunConfig {
        target: crate::run::served_target(served.endpoint()),
        cases,
        seed,
        ..RunConfig::default()
    };
    let started = Instant::now();
    let first = FirstFinding {
        started,
        at: Mutex::new(None),
    };
    let end = crate::run::run_observed(&config, &first, &Interrupt::new())?;
    let complete = started.elapsed();
    drop(served);
    let report = match end {
        RunEnd::Finished(report) | RunEnd::Interrupted(report) => report,
    };
    let timeout = report
        .shortened_waits
        .iter()
        .map(|s| Duration::from_millis(s.first.timeout_ms))
        .max()
        .unwrap_or(ADAPTIVE_FLOOR);
    Ok(VerdictRow {
        target: mutant.unwrap_or("faithful").to_owned(),
        cases,
        first_finding: first.at.into_inner().unwrap_or_else(|e| e.into_inner()),
        complete,
        failures: report.failures().count(),
        full_waits: report.waits.timed_out,
        shortened_waits: report.waits.shortened,
        timeout,
        requests: report.requests,
    })
}

/// The "Time to verdict" section of `reports/bench.md`.
pub fn section(out: &mut String, rows: &[VerdictRow]) {
    let _ = writeln!(out, "\n## Time to verdict\n");
    let _ = writeln!(
        out,
        "What a user waits for when pointing the harness at an emulator's URL with default settings: \
         the reference target served by a child `dxconform serve [--mutant M]`, the run given \
         `--endpoint URL --reset-url URL/dxconform/reset` and nothing else, so every resource in a \
         state AWS leaves on its own is waited for (the first poll at once, then from 50 ms, a timeout derived from the \
         slowest settle: 4×, 10 s to 60 s). *First finding* is from the start of the run (launch \
         included) to the end of the first case that showed a failure; *complete report* is the \
         whole run, search and shrinking of every failure. Once an observation (a kind stuck in a \
         state, or missing from its list) has outlasted one full wait, later waits that see it are \
         decided after one poll (*shortened*; report.json's `shortened_waits[]`). Goal: the first \
         finding within one wait timeout, the complete report of 200 cases under 2 minutes.\n"
    );
    super::table(
        out,
        "| target | cases | first finding s | complete report s | failure buckets | full waits | shortened waits | wait timeout s | requests | goal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        rows.iter().map(|r| {
            let first = r.first_finding;
            vec![
                r.target.to_string(),
                r.cases.to_string(),
                first.map_or("-".to_owned(), |f| format!("{:.1}", f.as_secs_f64())),
                format!("{:.1}", r.complete.as_secs_f64()),
                r.failures.to_string(),
                r.full_waits.to_string(),
                r.shortened_waits.to_string(),
                format!("{:.0}", r.timeout.as_secs_f64()),
                r.requests.to_string(),
                (if r.meets_goal() { "met" } else { "**missed**" }).to_owned(),
            ]
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(first: Option<f64>, complete: f64) -> VerdictRow {
        VerdictRow {
            target: "describe-omits-newest".to_owned(),
            cases: 200,
            first_finding: first.map(Duration::from_secs_f64),
            complete: Duration::from_secs_f64(complete),
            failures: 7,
            full_waits: 2,
            shortened_waits: 900,
            timeout: Duration::from_secs(10),
            requests: 5000,
        }
    }

    #[test]
    fn the_goal_is_one_wait_timeout_to_the_first_finding_and_two_minutes_to_the_report() {
        assert!(row(Some(9.9), 100.0).meets_goal());
        assert!(row(None, 9.0).meets_goal());
        assert!(!row(Some(20.0), 100.0).meets_goal());
        assert!(!row(Some(9.0), 121.0).meets_goal());
        let mut out = String::new();
        section(&mut out, &[row(Some(9.9), 100.0), row(Some(20.0), 113.0)]);
        assert!(out.contains(
            "| describe-omits-newest | 200 | 9.9 | 100.0 | 7 | 2 | 900 | 10 | 5000 | met |"
        ));
        assert!(out.contains("| 20.0 | 113.0 |") && out.contains("**missed**"));
    }
}
