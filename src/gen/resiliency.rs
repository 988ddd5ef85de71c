//! Resiliency-group steps: groups (create, get, rename, delete, list) and the
//! connections associated with them. Names use letters, digits and hyphens
//! ([spec] ResiliencyGroupName `^[a-zA-Z0-9_\-]+$`); the intended model is one of the
//! `ResiliencyModel` values.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, name, principal, tags, untagged_connection};
use crate::model::{ResiliencyStep, Step};
use crate::vocab::Principal;

fn resiliency_model() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "maximum-resiliency",
        "high-resiliency",
        "basic-resiliency",
    ])
    .prop_map(str::to_owned)
}

/// Weighted resiliency-group steps.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    crate::weighted![
        3 => (by(), name(), resiliency_model(), tags(2)).prop_map(|(by, name, model, tags)| {
            ResiliencyStep::CreateResiliencyGroup { by, name, model, tags }
        }),
        2 => (by(), handle()).prop_map(|(by, target)| ResiliencyStep::GetResiliencyGroup { by, target }),
        2 => (by(), handle(), name())
            .prop_map(|(by, target, name)| ResiliencyStep::UpdateResiliencyGroup { by, target, name }),
        1 => (by(), handle()).prop_map(|(by, target)| ResiliencyStep::DeleteResiliencyGroup { by, target }),
        2 => by().prop_map(|by| ResiliencyStep::ListResiliencyGroups { by }),
        3 => (by(), handle(), vec(handle(), 1..=3)).prop_map(|(by, target, connections)| {
            ResiliencyStep::AssociateConnectionsToResiliencyGroup { by, target, connections }
        }),
        2 => (by(), handle(), vec(handle(), 1..=2)).prop_map(|(by, target, connections)| {
            ResiliencyStep::DisassociateConnectionsFromResiliencyGroup { by, target, connections }
        }),
        2 => (by(), handle())
            .prop_map(|(by, target)| ResiliencyStep::ListResiliencyGroupAssociations { by, target }),
    ]
    .prop_map(Step::Resiliency)
}

/// A resiliency-group lifecycle: a group and two connections of one account, the
/// connections associated, then steps of the family by that account, so groups are
/// seen, renamed, emptied and deleted (the family's single steps check ownership).
pub fn lifecycle(two_accounts: bool) -> impl Strategy<Value = Vec<Step>> {
    (
        principal(two_accounts),
        name(),
        resiliency_model(),
        any::<u8>(),
        vec(steps(two_accounts), 1..=5),
    )
        .prop_map(|(by, group_name, model, location, rest)| {
            let connection = |location: u8| untagged_connection(by, location, "dx-rg".to_owned());
            let group = crate::model::HandleRef(u8::MAX);
            let mut steps = vec![
                Step::Resiliency(ResiliencyStep::CreateResiliencyGroup {
                    by,
                    name: group_name,
                    model,
                    tags: Vec::new(),
                }),
                connection(location),
                connection(location.wrapping_add(1)),
                Step::Resiliency(ResiliencyStep::AssociateConnectionsToResiliencyGroup {
                    by,
                    target: group,
                    connections: vec![crate::model::HandleRef(0), crate::model::HandleRef(1)],
                }),
                Step::Resiliency(ResiliencyStep::ListResiliencyGroupAssociations {
                    by,
                    target: group,
                }),
            ];
            steps.extend(rest.into_iter().map(|s| own(s, by)));
            steps
        })
}

/// A family step made by `by`: the lifecycle's steps act on its account's group.
fn own(step: Step, by: Principal) -> Step {
    let Step::Resiliency(mut s) = step else {
        return step;
    };
    use ResiliencyStep::*;
    let caller = match &mut s {
        CreateResiliencyGroup { by, .. }
        | GetResiliencyGroup { by, .. }
        | UpdateResiliencyGroup { by, .. }
        | DeleteResiliencyGroup { by, .. }
        | ListResiliencyGroups { by }
        | AssociateConnectionsToResiliencyGroup { by, .. }
        | DisassociateConnectionsFromResiliencyGroup { by, .. }
        | ListResiliencyGroupAssociations { by, .. } => by,
    };
    *caller = by;
    Step::Resiliency(s)
}
