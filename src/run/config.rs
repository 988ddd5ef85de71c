//! Run configuration.

use std::path::PathBuf;

use crate::emulator::EmulatorConfig;
use crate::gen::GenConfig;
use crate::target::TargetConfig;

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where and how to reach the target.
    pub target: TargetConfig,
    /// Settings of the reference target an embedded target without an endpoint
    /// runs against (mutant, timing, realism knobs).
    pub emulator: EmulatorConfig,
    /// Number of generated cases (default 1000; `--cases`, `DXCONFORM_CASES`).
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
    /// Cases run side by side against the target (default 1; `--jobs`). Results are
    /// the same for any value: each case is generated from its own RNG and runs in
    /// accounts of its own where the target lets the harness choose accounts.
    pub jobs: usize,
    /// Run only a deterministic share of the cases (`--partition K/N`); merge the
    /// partial reports with `dxconform merge`.
    pub partition: Option<Partition>,
    /// Record every request each lane sends (`dxconform bench` replays them raw).
    pub taps: Option<crate::target::TapSet>,
    /// Output folder for report.json, report.md and replay files (default `dxconform-out`; `--out`).
    pub out: PathBuf,
    /// Caps on live resources, requests, rate and wall time (`--max-live`, …).
    pub budgets: super::Budgets,
    /// Keys of the root causes a `--baseline` knows (unexpired): `--max-failures`
    /// counts only the others.
    pub known_root_causes: std::collections::BTreeSet<String>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            target: TargetConfig::default(),
            emulator: EmulatorConfig::default(),
            cases: 1000,
            seed: 0,
            gen: GenConfig::default(),
            checks: Vec::new(),
            exclude_checks: Vec::new(),
            max_shrink_iters: 96,
            jobs: 1,
            partition: None,
            taps: None,
            out: PathBuf::from("dxconform-out"),
            budgets: super::Budgets::default(),
            known_root_causes: std::collections::BTreeSet::new(),
        }
    }
}

/// A deterministic share of a run's cases: case `c` (0-based) belongs to share
/// `c % total + 1`, like nextest's count partitions. Each share of a seed, run
/// anywhere, finds what the whole run finds in those cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Partition {
    /// This share, 1-based.
    pub index: u32,
    /// Number of shares.
    pub total: u32,
}

impl Partition {
    /// Whether case `case` (0-based) belongs to this share.
    pub fn includes(self, case: u32) -> bool {
        case % self.total + 1 == self.index
    }
}

impl std::str::FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("`{text}` is not a partition: expected K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let total: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || total == 0 || index > total {
            return Err(bad());
        }
        Ok(Partition { index, total })
    }
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::Partition;

    #[test]
    fn partitions_parse_and_split_cases_without_overlap() {
        let shares: Vec<Partition> = ["1/3", "2/3", "3/3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        for case in 0..30 {
            assert_eq!(shares.iter().filter(|p| p.includes(case)).count(), 1);
        }
        assert_eq!(shares[1].to_string(), "2/3");
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }
}
