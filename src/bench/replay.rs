//! The replay row of `dxconform bench`: a cassette recorded on a served reference
//! target that is not reset between cases (as a real account cannot be) and replayed
//! against a fresh one, also without reset: how many differences the replay reports
//! (zero expected: docs/cassettes.md) and how long the replay takes beside the
//! recording (about as long expected: no cost grows with what other cases left).

use std::time::{Duration, Instant};

use super::BenchError;
use crate::cassette::{parity, record};
use crate::emulator::EmulatorConfig;
use crate::run::RunConfig;
use crate::target::{ServedReference, TargetConfig, TargetKind};

/// One recording and its replay.
#[derive(Debug, Clone)]
pub struct ReplayRow {
    /// Cases recorded.
    pub cases: usize,
    /// Exchanges compared by the replay.
    pub compared: usize,
    /// Differences the replay reported.
    pub differences: usize,
    /// List items of other cases' resources left out, over the recording.
    pub left_out: usize,
    /// Wall time of the recording.
    pub record: Duration,
    /// Wall time of the replay.
    pub parity: Duration,
}

impl ReplayRow {
    /// Replay time over recording time.
    pub fn ratio(&self) -> f64 {
        self.parity.as_secs_f64() / self.record.as_secs_f64().max(1e-9)
    }
}

/// A served target without reset as a plain URL.
fn shared(served: &ServedReference) -> TargetConfig {
    TargetConfig {
        kind: TargetKind::Url,
        endpoint: Some(served.endpoint().to_owned()),
        ..TargetConfig::default()
    }
}

/// Record `cases` plans of `seed` on one served target without reset and replay
/// them against a fresh one.
pub fn measure(
    seed: u64,
    cases: u32,
    progress: &mut dyn FnMut(&str),
) -> Result<ReplayRow, BenchError> {
    let dir = std::env::temp_dir().join(format!("dxconform-bench-replay-{}", std::process::id()));
    let recorded_on = ServedReference::start()?;
    let config = RunConfig {
        target: shared(&recorded_on),
        seed,
        cases,
        ..RunConfig::default()
    };
    let started = Instant::now();
    let cassette = record(&config, &dir);
    let recording = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    let cassette = cassette?;
    let fresh = ServedReference::start()?;
    let started = Instant::now();
    let outcome = parity(&cassette, &shared(&fresh), &EmulatorConfig::default())?;
    let row = ReplayRow {
        cases: cassette.cases.len(),
        compared: outcome.compared,
        differences: outcome.differences.len(),
        left_out: cassette
            .cases
            .iter()
            .flat_map(|c| &c.exchanges)
            .map(|e| e.left_out)
            .sum(),
        record: recording,
        parity: started.elapsed(),
    };
    progress(&format!(
        "replay without reset: {} cases, {} differences, record {:.2} s, parity {:.2} s ({:.2}×)",
        row.cases,
        row.differences,
        row.record.as_secs_f64(),
        row.parity.as_secs_f64(),
        row.ratio()
    ));
    Ok(row)
}
