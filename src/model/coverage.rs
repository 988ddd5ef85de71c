//! What the model does not cover, and why: every operation of the specification is
//! either a step of some family or listed here with a one-line reason, so nothing is
//! silently absent from a report.

/// Operations the model does not generate, with the reason.
pub static NOT_MODELLED: &[(&str, &str)] = &[];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;

    #[test]
    fn every_operation_is_modelled_or_listed_with_a_reason_never_both() {
        let spec = crate::spec::Spec::builtin();
        let modelled = Step::operations();
        for op in spec.operations.keys() {
            let listed = NOT_MODELLED.iter().any(|(o, _)| o == op);
            let is_modelled = modelled.contains(&op.as_str());
            assert!(
                listed != is_modelled,
                "{op}: modelled {is_modelled}, listed {listed}"
            );
        }
        for (op, reason) in NOT_MODELLED {
            assert!(spec.operation(op).is_some(), "{op} is not an operation");
            assert!(!reason.is_empty());
        }
    }
}
