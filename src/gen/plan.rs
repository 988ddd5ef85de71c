//! The plan strategy.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::model::{Plan, Step};
#[cfg(test)]
use crate::vocab::Principal;

/// Generation settings.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// Most steps in one case (default 12; `--max-steps`, `DXCONFORM_MAX_STEPS`).
    pub max_steps: usize,
    /// Whether steps may be made by the partner principal (cross-account visibility and ownership).
    pub two_accounts: bool,
    /// Whether plans include invalid steps, each breaking one input rule (default
    /// true; `--no-negative` turns them off, `--negative` keeps them on).
    pub negative: bool,
    /// Whether plans include valid steps other than those invalid steps need
    /// (default true; `--negative` alone keeps only creates and invalid steps).
    pub positive: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            max_steps: 12,
            two_accounts: true,
            negative: true,
            positive: true,
        }
    }
}

/// One step of any family, weighted by how much of the lifecycle each family covers.
///
/// Every alternative is boxed: a union's value tree holds a slot for each
/// alternative's tree, so unboxed unions of unions are kilobytes that are copied
/// each time a tree is built and moved (`dxconform bench --jobs 16`: 64-65 µs of
/// harness CPU per operation boxed, 65-70 unboxed; boxing the families' own
/// unions as well made no further difference).
pub(super) fn step(two_accounts: bool) -> impl Strategy<Value = Step> {
    crate::weighted![
        13 => super::connections::steps(two_accounts).boxed(),
        5 => super::tags::steps(two_accounts).boxed(),
        8 => super::interconnects::steps(two_accounts).boxed(),
        8 => super::lags::steps(two_accounts).boxed(),
        20 => super::virtual_interfaces::steps(two_accounts).boxed(),
        8 => super::gateways::steps(two_accounts).boxed(),
        4 => super::resiliency::steps(two_accounts).boxed(),
    ]
}

/// Plans of 1 to `max_steps` steps.
///
/// Plans are made of chunks: mostly single steps, sometimes a family's lifecycle
/// (create, then steps that need it), so long lifecycles (allocate → confirm, LAG
/// membership) are reached; the flattened plan is cut to `max_steps`.
pub fn plan(config: &GenConfig) -> impl Strategy<Value = Plan> {
    let max = config.max_steps.max(1);
    let two = config.two_accounts;
    let positive = u32::from(config.positive || !config.negative);
    let negative = u32::from(config.negative);
    let chunk = crate::weighted![
        12 * positive => step(two).prop_map(|s| vec![s]).boxed(),
        2 => super::interconnects::lifecycle(two).boxed(),
        2 => super::lags::lifecycle(two).boxed(),
        3 => super::virtual_interfaces::lifecycle(two).boxed(),
        2 => super::gateways::lifecycle(two).boxed(),
        positive => super::tags::lifecycle(two).boxed(),
        positive => super::connections::billing(two).boxed(),
        positive => super::resiliency::lifecycle(two).boxed(),
        8 * negative => vec(super::invalid::invalid(step(two).boxed()), 1..=3).boxed(),
        negative => super::malformed::malformed(two).prop_map(|s| vec![s]).boxed(),
    ]
    .boxed();
    vec(chunk, 1..=max).prop_map(move |chunks| Plan {
        steps: chunks.into_iter().flatten().take(max).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::common::runner;
    use proptest::strategy::ValueTree;

    /// Default generation settings but for plan length and accounts.
    fn config(max_steps: usize, two_accounts: bool) -> GenConfig {
        GenConfig {
            max_steps,
            two_accounts,
            ..GenConfig::default()
        }
    }

    #[test]
    fn plans_are_deterministic_per_seed_and_bounded() {
        let config = config(7, true);
        let a = plan(&config).new_tree(&mut runner(3)).unwrap().current();
        let b = plan(&config).new_tree(&mut runner(3)).unwrap().current();
        assert_eq!(a, b);
        let mut r = runner(4);
        for _ in 0..200 {
            let p = plan(&config).new_tree(&mut r).unwrap().current();
            assert!((1..=7).contains(&p.steps.len()));
            for s in &p.steps {
                use crate::model::{ConnectionStep, TagStep};
                if let Step::Connection(ConnectionStep::CreateConnection { tags, .. })
                | Step::Tags(TagStep::TagResource { tags, .. }) = s
                {
                    let mut keys: Vec<_> = tags.iter().map(|t| &t.key).collect();
                    keys.dedup();
                    assert_eq!(
                        keys.len(),
                        tags.len(),
                        "tag keys are distinct within a request"
                    );
                }
            }
        }
    }

    #[test]
    fn one_account_plans_never_use_the_partner() {
        let config = config(10, false);
        let mut r = runner(5);
        for _ in 0..100 {
            let p = plan(&config).new_tree(&mut r).unwrap().current();
            assert!(p.steps.iter().all(|s| s.principal() == Principal::Owner));
        }
    }
}
