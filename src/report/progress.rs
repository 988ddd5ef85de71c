//! Progress of a long run on stderr: an indicatif bar on a terminal (cases,
//! steps, findings so far, ETA), plain periodic lines otherwise (CI logs).
//! A renderer like the others: fed by the [`RunEvent`]s a run emits, it never
//! changes what the run does.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::run::{EventSink, Phase, RunEvent};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// An indicatif bar redrawn in place.
    Bar,
    /// One plain line every [`LINE_INTERVAL`].
    Lines,
    /// Nothing.
    Off,
}

impl ProgressMode {
    /// A bar when stderr is a terminal, plain lines otherwise.
    pub fn auto() -> ProgressMode {
        if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Lines
        }
    }
}

/// Least time between two plain progress lines.
pub const LINE_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
struct Counts {
    total: u64,
    cases: u64,
    steps: u64,
    requests: u64,
    buckets: BTreeSet<String>,
    shrinking: bool,
    /// When the current shrinking began, and the time all shrinking took so far:
    /// the ETA extrapolates the search's own pace, never the shrinker's.
    shrink_since: Option<Instant>,
    shrink_time: Duration,
}

impl Counts {
    /// Enter or leave shrinking, keeping the time it takes apart.
    fn set_shrinking(&mut self, shrinking: bool) {
        match (self.shrink_since, shrinking) {
            (None, true) => self.shrink_since = Some(Instant::now()),
            (Some(since), false) => {
                self.shrink_time += since.elapsed();
                self.shrink_since = None;
            }
            _ => {}
        }
        self.shrinking = shrinking;
    }

    /// Seconds left for the remaining search cases at the search's own pace (time
    /// spent shrinking left out); none while a failure is shrinking, whose length no
    /// case count predicts, and none before the first case.
    fn eta_seconds(&self, elapsed: Duration) -> Option<f64> {
        if self.shrinking || self.cases == 0 || self.total <= self.cases {
            return None;
        }
        let searching = elapsed.saturating_sub(self.shrink_time).as_secs_f64();
        Some(searching / self.cases as f64 * (self.total - self.cases) as f64)
    }

    fn message(&self) -> String {
        let findings = self.buckets.len();
        let what = if self.shrinking {
            " · shrinking a failure"
        } else {
            ""
        };
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{} step{} · {findings} finding{}{what}",
            self.steps,
            plural(usize::try_from(self.steps).unwrap_or(usize::MAX)),
            plural(findings)
        )
    }
}

/// The progress display: a sink of run events.
#[derive(Debug)]
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    started: Instant,
    state: Mutex<(Counts, Option<Instant>)>,
}

impl Progress {
    /// A display in `mode` (the bar appears when the run starts).
    pub fn new(mode: ProgressMode) -> Progress {
        Progress {
            mode,
            bar: None,
            started: Instant::now(),
            state: Mutex::new((Counts::default(), None)),
        }
    }

    fn bar(&self) -> Option<&ProgressBar> {
        self.bar.as_ref()
    }

    /// Prepare the bar for `cases` cases; call before the run (the bar needs `&mut`).
    pub fn start(&mut self, cases: u32) {
        if self.mode != ProgressMode::Bar {
            return;
        }
        let bar =
            ProgressBar::with_draw_target(Some(u64::from(cases)), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} cases · {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(Counts::default().message());
        bar.enable_steady_tick(Duration::from_millis(200));
        self.bar = Some(bar);
    }

    fn line(&self, counts: &Counts) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = counts
            .eta_seconds(self.started.elapsed())
            .map_or_else(String::new, |s| format!(", ETA {s:.0} s"));
        eprintln!(
            "dxconform: {}/{} cases, {}, {} requests, {elapsed:.1} s{eta}",
            counts.cases,
            counts.total,
            counts.message(),
            counts.requests
        );
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl EventSink for Progress {
    fn event(&self, event: &RunEvent) {
        if self.mode == ProgressMode::Off {
            return;
        }
        let mut guard = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (counts, last_line) = &mut *guard;
        match event {
            RunEvent::Started { cases, .. } => counts.total = u64::from(*cases),
            RunEvent::Step { phase, outcome, .. } => {
                if outcome != "skipped" {
                    counts.requests += 1;
                    if *phase == Phase::Search {
                        counts.steps += 1;
                    }
                }
            }
            RunEvent::CaseFinished {
                phase, new_buckets, ..
            } => {
                counts.buckets.extend(new_buckets.iter().cloned());
                counts.set_shrinking(!new_buckets.is_empty() || *phase == Phase::Shrink);
                if *phase == Phase::Search {
                    counts.cases += 1;
                    if let Some(bar) = self.bar() {
                        bar.inc(1);
                    }
                }
            }
            RunEvent::Shrunk { .. } => counts.set_shrinking(false),
            // The summary says it; `finished` follows.
            RunEvent::Interrupted(_) => return,
            RunEvent::Finished { .. } => {
                if let Some(bar) = self.bar() {
                    bar.finish_and_clear();
                }
                // Close the periodic lines with a final one, so a log shows where the run ended.
                if self.mode == ProgressMode::Lines && last_line.is_some() {
                    self.line(counts);
                }
                return;
            }
        }
        match self.mode {
            ProgressMode::Bar => {
                if let Some(bar) = self.bar() {
                    let eta = counts
                        .eta_seconds(self.started.elapsed())
                        .map_or_else(String::new, |s| format!(" · ETA {s:.0} s"));
                    bar.set_message(format!("{}{eta}", counts.message()));
                }
            }
            ProgressMode::Lines => {
                let due = last_line.map_or(self.started.elapsed() >= LINE_INTERVAL, |t| {
                    t.elapsed() >= LINE_INTERVAL
                });
                if due {
                    self.line(counts);
                    *last_line = Some(Instant::now());
                }
            }
            ProgressMode::Off => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case of `steps` steps that found the same one bucket.
    fn case_finished(case: u64, phase: Phase, steps: usize) -> RunEvent {
        RunEvent::CaseFinished {
            case,
            phase,
            steps,
            findings: 1,
            new_buckets: vec!["model.state CreateConnection $ HTTP 200".into()],
            rng_case: 0,
            found: Vec::new(),
            leaked: Vec::new(),
            transitions: Vec::new(),
            waits: Default::default(),
            teardown: Default::default(),
        }
    }

    #[test]
    fn counts_search_cases_steps_and_distinct_buckets() {
        let progress = Progress::new(ProgressMode::Lines);
        progress.event(&case_finished(1, Phase::Search, 2));
        progress.event(&case_finished(2, Phase::Shrink, 1));
        let guard = progress.state.lock().unwrap();
        assert_eq!(guard.0.cases, 1);
        assert_eq!(guard.0.buckets.len(), 1);
        assert!(guard.0.shrinking);
        assert_eq!(
            guard.0.message(),
            "0 steps · 1 finding · shrinking a failure"
        );
    }

    #[test]
    fn no_eta_while_shrinking_and_none_from_the_shrinkers_time() {
        let mut counts = Counts {
            total: 100,
            cases: 10,
            ..Counts::default()
        };
        assert_eq!(counts.eta_seconds(Duration::from_secs(10)), Some(90.0));
        counts.set_shrinking(true);
        assert_eq!(counts.eta_seconds(Duration::from_secs(10)), None);
        counts.set_shrinking(false);
        // Shrinking took (almost) no time here; pretend it took 8 of 18 seconds.
        counts.shrink_time = Duration::from_secs(8);
        assert_eq!(counts.eta_seconds(Duration::from_secs(18)), Some(90.0));
    }
}
