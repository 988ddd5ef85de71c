//! The plan strategy.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use crate::model::{HandleRef, Plan, Step, Tag};
use crate::target::Principal;

/// Generation settings.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// Most steps in one case (default 12; `--max-steps`, `DXCONFORM_MAX_STEPS`).
    pub max_steps: usize,
    /// Whether steps may be made by the partner principal (cross-account visibility and ownership).
    pub two_accounts: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            max_steps: 12,
            two_accounts: true,
        }
    }
}

fn principal(two_accounts: bool) -> BoxedStrategy<Principal> {
    if two_accounts {
        prop_oneof![6 => Just(Principal::Owner), 1 => Just(Principal::Partner)].boxed()
    } else {
        Just(Principal::Owner).boxed()
    }
}

/// Names: usually from a small pool (so duplicates happen and uniqueness is
/// tested), sometimes fresh, always within the VIF-style alphabet AWS accepts everywhere.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec!["dx-alpha", "dx-beta", "dx-gamma"]).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9-]{0,20}",
    ]
}

fn tag_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["env", "team", "cost-center", "owner"]).prop_map(str::to_owned),
        1 => "[a-zA-Z][a-zA-Z0-9_.:/=+@-]{0,15}",
    ]
}

fn tag_value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.:/=+@-]{0,12}"
}

fn tags(max: usize) -> impl Strategy<Value = Vec<Tag>> {
    btree_map(tag_key(), tag_value(), 0..=max).prop_map(|m| {
        m.into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect()
    })
}

fn handle() -> impl Strategy<Value = HandleRef> {
    any::<u8>().prop_map(HandleRef)
}

/// One step.
fn step(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    prop_oneof![
        4 => (by(), any::<u8>(), prop::sample::select(vec!["1Gbps", "10Gbps"]), name(), tags(3)).prop_map(
            |(by, location, bandwidth, name, tags)| Step::CreateConnection {
                by,
                location,
                bandwidth: bandwidth.to_owned(),
                name,
                tags,
            }
        ),
        4 => (by(), proptest::option::of(handle())).prop_map(|(by, target)| Step::DescribeConnections { by, target }),
        2 => (by(), handle(), name()).prop_map(|(by, target, name)| Step::UpdateConnection { by, target, name }),
        2 => (by(), handle()).prop_map(|(by, target)| Step::DeleteConnection { by, target }),
        1 => by().prop_map(|by| Step::DescribeLocations { by }),
        2 => (by(), handle(), tags(3).prop_filter("at least one tag", |t| !t.is_empty()))
            .prop_map(|(by, target, tags)| Step::TagResource { by, target, tags }),
        1 => (by(), handle(), vec(tag_key(), 1..=2)).prop_map(|(by, target, keys)| Step::UntagResource { by, target, keys }),
        2 => (by(), vec(handle(), 1..=2)).prop_map(|(by, targets)| Step::DescribeTags { by, targets }),
    ]
}

/// Plans of 1 to `max_steps` steps.
pub fn plan(config: &GenConfig) -> impl Strategy<Value = Plan> {
    vec(step(config.two_accounts), 1..=config.max_steps.max(1)).prop_map(|steps| Plan { steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    fn runner(seed: u8) -> TestRunner {
        TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
        )
    }

    #[test]
    fn plans_are_deterministic_per_seed_and_bounded() {
        let config = GenConfig {
            max_steps: 7,
            two_accounts: true,
        };
        let a = plan(&config).new_tree(&mut runner(3)).unwrap().current();
        let b = plan(&config).new_tree(&mut runner(3)).unwrap().current();
        assert_eq!(a, b);
        let mut r = runner(4);
        for _ in 0..200 {
            let p = plan(&config).new_tree(&mut r).unwrap().current();
            assert!((1..=7).contains(&p.steps.len()));
            for s in &p.steps {
                if let Step::CreateConnection { tags, .. } | Step::TagResource { tags, .. } = s {
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
        let config = GenConfig {
            max_steps: 10,
            two_accounts: false,
        };
        let mut r = runner(5);
        for _ in 0..100 {
            let p = plan(&config).new_tree(&mut r).unwrap().current();
            assert!(p.steps.iter().all(|s| s.principal() == Principal::Owner));
        }
    }
}
