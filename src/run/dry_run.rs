//! `dxconform run --dry-run`: what a run would do, computed from the seed's plans
//! without sending anything (operations, most resources alive at once per type,
//! and the flows skipped for lack of a second account or a provisioned connection).

use std::collections::{BTreeMap, BTreeSet};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::RunConfig;
use crate::model::{Plan, ResourceKind, Step};
use crate::target::TargetKind;
use crate::vocab::Principal;

/// The plan of a run, as `--dry-run` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DryPlan {
    /// Plans sampled (one per case).
    pub cases: u32,
    /// Calls per operation over the sampled plans (valid and negative steps).
    pub operations: BTreeMap<&'static str, u64>,
    /// Resource type → most resources one case creates (cases run one at a time and
    /// each case deletes what it created, so this bounds what is alive at once).
    pub most_alive: BTreeMap<&'static str, u64>,
    /// Operations of flows skipped, with the reason.
    pub skipped: BTreeMap<&'static str, &'static str>,
}

/// Operations that, on real AWS, need a physically provisioned (available) connection.
fn needs_provisioned_connection(operation: &str) -> bool {
    operation.ends_with("VirtualInterface") && !operation.starts_with("Delete")
        || operation == "CreateBGPPeer"
}

fn sample(config: &RunConfig, two_accounts: bool) -> Vec<Plan> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&config.seed.to_le_bytes());
    bytes[12..16].copy_from_slice(b"dxdr");
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let gen = crate::gen::GenConfig {
        two_accounts,
        ..config.gen.clone()
    };
    let strategy = crate::gen::plan(&gen);
    (0..config.cases)
        .filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current()))
        .collect()
}

/// The plan of `config`'s run: its cases' plans, sampled from the seed.
pub fn dry_plan(config: &RunConfig) -> DryPlan {
    let mut plan = DryPlan {
        cases: config.cases,
        ..DryPlan::default()
    };
    for p in sample(config, config.gen.two_accounts) {
        let mut created: BTreeMap<&'static str, u64> = BTreeMap::new();
        for step in &p.steps {
            *plan.operations.entry(step.operation()).or_default() += 1;
            // A negative step is expected to be rejected: it creates nothing.
            if matches!(step, Step::Invalid(_) | Step::Malformed(_)) {
                continue;
            }
            if let Some(kind) = ResourceKind::created_by(step.operation()) {
                *created.entry(kind.name()).or_default() += 1;
            }
        }
        for (kind, n) in created {
            let most = plan.most_alive.entry(kind).or_default();
            *most = (*most).max(n);
        }
    }
    if !config.gen.two_accounts {
        let mut partner_ops = BTreeSet::new();
        for p in sample(config, true) {
            partner_ops.extend(
                p.steps
                    .iter()
                    .filter(|s| s.principal() == Principal::Partner)
                    .map(Step::operation),
            );
        }
        for op in partner_ops {
            plan.skipped
                .insert(op, "cross-account flow: needs a second account");
        }
    }
    if config.target.kind == TargetKind::Aws {
        for op in plan.operations.keys() {
            if needs_provisioned_connection(op) {
                plan.skipped.entry(op).or_insert(
                    "needs a physically provisioned connection: AWS rejects it on a new one",
                );
            }
        }
    }
    plan
}

impl DryPlan {
    /// The text `--dry-run` prints.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = format!(
            "dry run: nothing is sent\n{} cases, {} calls\n\noperations:\n",
            self.cases,
            self.operations.values().sum::<u64>()
        );
        for (op, n) in &self.operations {
            let _ = writeln!(out, "  {op:<48} {n}");
        }
        out.push_str("\nmost resources alive at once, per type:\n");
        if self.most_alive.is_empty() {
            out.push_str("  none\n");
        }
        for (kind, n) in &self.most_alive {
            let _ = writeln!(out, "  {kind:<48} {n}");
        }
        out.push_str("\nskipped flows:\n");
        if self.skipped.is_empty() {
            out.push_str("  none\n");
        }
        for (op, why) in &self.skipped {
            let _ = writeln!(out, "  {op:<48} {why}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_plan_counts_and_skips_partner_flows() {
        let mut config = RunConfig {
            cases: 64,
            seed: 7,
            ..RunConfig::default()
        };
        let two = dry_plan(&config);
        assert!(two.operations.values().sum::<u64>() > 64);
        assert!(two.most_alive.contains_key("connection"));
        assert!(two.skipped.is_empty());
        config.gen.two_accounts = false;
        let one = dry_plan(&config);
        assert!(!one.skipped.is_empty(), "{}", one.text());
        assert!(one.text().contains("needs a second account"));
        assert_eq!(dry_plan(&config), one, "deterministic per seed");
    }
}
