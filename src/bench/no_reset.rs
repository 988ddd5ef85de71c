//! The no-reset rows of `dxconform bench`: what a case costs against a target that
//! cannot be reset between cases (as real AWS cannot), where every case deletes
//! what it created. A fresh `dxconform serve` child per row is the endpoint, named
//! as a plain URL without a reset URL, so the run journals its creates and tears
//! each case down as it would on AWS; the rows give the wall time per case and
//! what the teardowns did (report.json `teardown`), whose idle time (no request in
//! flight) must stay near zero.

use std::time::{Duration, Instant};

use super::BenchError;
use crate::run::{RunConfig, TeardownStats};
use crate::target::{ServedReference, TargetConfig, TargetKind};

/// One timed run without reset.
#[derive(Debug, Clone)]
pub struct NoResetRow {
    /// `--jobs`.
    pub jobs: usize,
    /// Cases run.
    pub cases: u64,
    /// Wall time of the run.
    pub wall: Duration,
    /// What the teardowns did.
    pub teardown: TeardownStats,
}

impl NoResetRow {
    /// Mean wall time per case, in milliseconds.
    pub fn ms_per_case(&self) -> f64 {
        self.wall.as_secs_f64() * 1e3 / (self.cases.max(1) as f64)
    }

    /// Mean teardown time per case, in milliseconds.
    pub fn teardown_ms_per_case(&self) -> f64 {
        self.teardown.total_us as f64 / 1e3 / (self.cases.max(1) as f64)
    }
}

/// One run of `cases` per `--jobs` value against a fresh served reference target
/// without reset.
pub fn measure(
    seed: u64,
    cases: u32,
    jobs: &[usize],
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<NoResetRow>, BenchError> {
    let mut rows = Vec::new();
    for &jobs in jobs {
        let served = ServedReference::start()?;
        let journal = journal_dir(jobs)?;
        let config = RunConfig {
            target: TargetConfig {
                kind: TargetKind::Url,
                endpoint: Some(served.endpoint().to_owned()),
                journal: Some(journal.join("journal.ndjson")),
                ..TargetConfig::default()
            },
            cases,
            seed,
            jobs,
            max_shrink_iters: 0,
            ..RunConfig::default()
        };
        let started = Instant::now();
        let report = crate::run::run(&config);
        let wall = started.elapsed();
        let _ = std::fs::remove_dir_all(&journal);
        let report = report?;
        let row = NoResetRow {
            jobs,
            cases: report.cases_run,
            wall,
            teardown: report.teardown,
        };
        progress(&format!(
            "no reset --jobs {jobs}: {} cases in {:.2} s, {:.2} ms/case, teardown idle {} ms, {} leftovers",
            row.cases,
            wall.as_secs_f64(),
            row.ms_per_case(),
            row.teardown.idle_ms,
            row.teardown.leftovers
        ));
        rows.push(row);
    }
    Ok(rows)
}

/// A fresh folder for the journal of the row of `jobs`.
fn journal_dir(jobs: usize) -> Result<std::path::PathBuf, BenchError> {
    let dir = std::env::temp_dir().join(format!(
        "dxconform-bench-no-reset-{}-{jobs}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
