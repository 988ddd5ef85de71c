//! The kill matrix: the default suite against the reference target once per
//! mutant (`dxconform mutants`), to measure what the harness catches: in-process
//! with waits off (every Describe moves a resource one edge), and with
//! `--via-endpoint` also as a user meets it: each mutant served by a child
//! `dxconform serve --mutant M` behind `--endpoint`, with the default waits of a
//! loopback target ([`Serving::Endpoint`]).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{run, RunConfig, RunError, RunReport};
use crate::check::Severity;
use crate::emulator::{Mutant, MUTANTS};
use crate::target::{ServedReference, TargetConfig, TargetKind};
use crate::vocab::REFERENCE_RESET_PATH;

/// Case budget for liveness mutants: each case that meets the slow answer waits out a timeout.
const LIVENESS_CASES: u32 = 40;

/// What the suite did to one mutant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutantOutcome {
    /// Mutant name.
    pub name: String,
    /// What it plants.
    pub description: String,
    /// Checks expected to catch it.
    pub caught_by: Vec<String>,
    /// A liveness fault (allowed to survive).
    pub liveness: bool,
    /// Some finding showed it.
    pub killed: bool,
    /// The check that showed it (one of `caught_by` when possible).
    pub killed_by: Option<String>,
    /// Whether `killed_by` is one of the expected checks.
    pub expected_check: bool,
    /// Cases until the first failure.
    pub cases_to_kill: Option<u64>,
    /// Seconds until the first failure.
    pub seconds_to_kill: Option<f64>,
    /// Steps of the shrunk sequence that shows `killed_by`.
    pub shrunk_steps: Option<usize>,
    /// The shrunk sequence failed again when re-run.
    pub reproduced: bool,
    /// Wall time of the whole run against the mutant.
    pub seconds: f64,
}

/// How each mutant is served to the suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Serving {
    /// In-process, waits off (every Describe moves a resource one edge).
    Embedded,
    /// A child `EXE serve --port 0 --mutant M` behind `--endpoint` (a URL target with
    /// the reference target's reset URL), with the default waits and consistency
    /// budget of a loopback endpoint, as a user points the harness at an emulator.
    Endpoint {
        /// The dxconform executable that serves.
        exe: PathBuf,
    },
}

/// The matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KillMatrix {
    /// Seed of every run.
    pub seed: u64,
    /// Cases per run.
    pub cases: u32,
    /// Each mutant was served behind an endpoint with default waits
    /// ([`Serving::Endpoint`]), not in-process with waits off.
    #[serde(default)]
    pub via_endpoint: bool,
    /// `--jobs` of every run.
    #[serde(default = "one_job")]
    pub jobs: usize,
    /// One row per mutant.
    pub rows: Vec<MutantOutcome>,
}

impl KillMatrix {
    /// (killed, total) over the mutants that are not liveness faults.
    pub fn score(&self) -> (usize, usize) {
        let graded: Vec<&MutantOutcome> = self.rows.iter().filter(|r| !r.liveness).collect();
        (graded.iter().filter(|r| r.killed).count(), graded.len())
    }

    /// Mutants that survived and should not have.
    pub fn survivors(&self) -> Vec<&MutantOutcome> {
        self.rows
            .iter()
            .filter(|r| !r.liveness && !r.killed)
            .collect()
    }
}

fn outcome(mutant: &Mutant, report: &RunReport, seconds: f64) -> MutantOutcome {
    let expected = |check: &str| mutant.caught_by.iter().any(|c| c.as_str() == check);
    // A failure, or any finding of an expected check, shows the mutant.
    let showing = report
        .buckets
        .iter()
        .filter(|b| b.severity == Severity::Failure || expected(&b.check))
        .collect::<Vec<_>>();
    let killer = showing
        .iter()
        .find(|b| expected(&b.check) && b.repro.is_some())
        .or_else(|| showing.iter().find(|b| expected(&b.check)))
        .or_else(|| showing.first())
        .copied();
    let repro = killer.and_then(|b| b.repro.as_ref());
    MutantOutcome {
        name: mutant.name.to_owned(),
        description: mutant.description.to_owned(),
        caught_by: mutant.caught_by.iter().map(ToString::to_string).collect(),
        liveness: mutant.liveness,
        killed: killer.is_some(),
        killed_by: killer.map(|b| b.check.clone()),
        expected_check: killer.is_some_and(|b| expected(&b.check)),
        cases_to_kill: report.first_failure.map(|f| f.case),
        seconds_to_kill: report.first_failure.map(|f| f.millis as f64 / 1000.0),
        shrunk_steps: repro.map(|r| r.sent_steps().count()),
        reproduced: repro.is_some_and(|r| r.reproduced),
        seconds,
    }
}

fn one_job() -> usize {
    1
}

/// The configuration of a URL target at `endpoint` (a served reference target) as
/// `dxconform run --endpoint URL --reset-url URL/dxconform/reset` builds it: the
/// default waits and consistency budget of a loopback endpoint.
pub fn served_target(endpoint: &str) -> TargetConfig {
    let mut target = TargetConfig {
        kind: TargetKind::Url,
        endpoint: Some(endpoint.to_owned()),
        reset_url: Some(format!(
            "{}{REFERENCE_RESET_PATH}",
            endpoint.trim_end_matches('/')
        )),
        ..TargetConfig::default()
    };
    target.wait = target.default_wait();
    target.consistency_budget = target.default_consistency_budget();
    target
}

/// Run `base` once per mutant (all, or those named in `only`), each served as `serving` says.
pub fn kill_matrix(
    base: &RunConfig,
    only: &[String],
    serving: &Serving,
    mut progress: impl FnMut(&MutantOutcome),
) -> Result<KillMatrix, RunError> {
    let mut rows = Vec::new();
    for mutant in MUTANTS
        .iter()
        .filter(|m| only.is_empty() || only.iter().any(|o| o == m.name))
    {
        let mut config = base.clone();
        // Held until the run ends: dropping it stops the served mutant.
        let mut served = None;
        match serving {
            Serving::Embedded => {
                config.target.kind = TargetKind::Embedded;
                config.target.endpoint = None;
                config.emulator.mutant = Some(mutant.name.to_owned());
            }
            Serving::Endpoint { exe } => {
                let server = ServedReference::spawn(exe, &["--mutant", mutant.name])?;
                let target = served_target(server.endpoint());
                config.target = TargetConfig {
                    accounts: config.target.accounts.clone(),
                    ..target
                };
                served = Some(server);
            }
        }
        let in_process = *serving == Serving::Embedded;
        if mutant.liveness {
            // A liveness fault shows as a timeout: keep the wait short, do not retry it,
            // and spend a small budget on it (every case that meets it waits).
            config.target.wire.timeout = Duration::from_secs(1);
            config.target.retry.max_attempts = 1;
            config.cases = config.cases.min(LIVENESS_CASES);
            config.max_shrink_iters = config.max_shrink_iters.min(8);
            if in_process {
                // States move in real time and cases wait for them, briefly.
                config.emulator.async_delay = Duration::from_millis(20);
                config.target.wait = crate::target::WaitPolicy {
                    interval: Duration::from_millis(20),
                    timeout: Duration::from_millis(600),
                    adaptive: false,
                };
            }
        }
        let started = Instant::now();
        let report = run(&config)?;
        drop(served);
        let row = outcome(mutant, &report, started.elapsed().as_secs_f64());
        progress(&row);
        rows.push(row);
    }
    Ok(KillMatrix {
        seed: base.seed,
        cases: base.cases,
        via_endpoint: matches!(serving, Serving::Endpoint { .. }),
        jobs: base.jobs.max(1),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use crate::emulator::MUTANTS;

    /// The reference target names its mutants' checks by id only (it may not know the
    /// checks); here, where both meet, each id must be a registered check.
    #[test]
    fn every_mutant_is_caught_by_registered_checks() {
        for m in MUTANTS {
            for &id in m.caught_by {
                assert_eq!(crate::check::def(id).id, id, "{}", m.name);
                assert!(crate::check::lookup(id.as_str()).is_some(), "{}", m.name);
            }
        }
    }
}
