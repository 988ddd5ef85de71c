//! Invalid steps: a valid step of any family with exactly one rule of its
//! operation broken ([`crate::model::rules`]: the specification's required
//! members, types, 32-bit integers, enums and tag constraints, and the documented
//! rules, each just past its limit). Steps whose operation has no rule are not
//! generated.

use proptest::prelude::*;

use crate::model::{rules, InvalidStep, Step};

/// An invalid step built from a valid `base` strategy.
pub fn invalid(base: BoxedStrategy<Step>) -> impl Strategy<Value = Step> {
    (base, any::<prop::sample::Index>()).prop_filter_map(
        "the operation has no input rule",
        |(step, index)| {
            let rules = rules(step.operation());
            if rules.is_empty() {
                return None;
            }
            let invalid = std::sync::Arc::clone(&rules[index.index(rules.len())]);
            Some(Step::Invalid(InvalidStep {
                base: Box::new(step),
                invalid,
            }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn invalid_steps_carry_a_rule_of_their_operation() {
        let strategy = invalid(super::super::plan::step(true).boxed());
        let mut runner = TestRunner::deterministic();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let Step::Invalid(s) = strategy.new_tree(&mut runner).unwrap().current() else {
                panic!("not an invalid step");
            };
            assert!(rules(s.base.operation()).contains(&s.invalid));
            seen.insert((s.base.operation(), s.invalid.name.clone()));
        }
        assert!(seen.len() > 100, "{}", seen.len());
    }
}
