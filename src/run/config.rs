//! Run configuration.

use std::path::PathBuf;

use crate::gen::GenConfig;
use crate::target::TargetConfig;

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where and how to reach the target.
    pub target: TargetConfig,
    /// Number of generated cases (default 400; `--cases`, `DXCONFORM_CASES`).
    pub cases: u32,
    /// Seed of the run (default: random, printed; `--seed`, `DXCONFORM_SEED`).
    pub seed: u64,
    /// Plan generation.
    pub gen: GenConfig,
    /// Check ids or families to run (empty: all; `--checks`).
    pub checks: Vec<String>,
    /// Check ids or families to skip (`--exclude-checks`).
    pub exclude_checks: Vec<String>,
    /// Bound on shrinking candidates per bucket (default 96): each new bucket is shrunk on
    /// its own, so the bound keeps runs against slow targets short.
    pub max_shrink_iters: u32,
    /// Output folder for report.json, report.md and replay files (default `dxconform-out`; `--out`).
    pub out: PathBuf,
    /// Caps on live resources, requests, rate and wall time (`--max-live`, …).
    pub budgets: super::Budgets,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            target: TargetConfig::default(),
            cases: 400,
            seed: 0,
            gen: GenConfig::default(),
            checks: Vec::new(),
            exclude_checks: Vec::new(),
            max_shrink_iters: 96,
            out: PathBuf::from("dxconform-out"),
            budgets: super::Budgets::default(),
        }
    }
}
