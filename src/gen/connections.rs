//! Connection steps.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, maybe, name, principal, tags, untagged_connection};
use crate::model::{ConnectionStep, Step};

/// Weighted connection steps.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    crate::weighted![
        4 => (by(), any::<u8>(), prop::sample::select(vec!["1Gbps", "10Gbps"]), name(), tags(3)).prop_map(
            |(by, location, bandwidth, name, tags)| ConnectionStep::CreateConnection {
                by,
                location,
                bandwidth: bandwidth.to_owned(),
                name,
                tags,
            }
        ),
        4 => (by(), maybe(handle())).prop_map(|(by, target)| ConnectionStep::DescribeConnections { by, target }),
        2 => (by(), handle(), name()).prop_map(|(by, target, name)| ConnectionStep::UpdateConnection { by, target, name }),
        2 => (by(), handle()).prop_map(|(by, target)| ConnectionStep::DeleteConnection { by, target }),
        1 => by().prop_map(|by| ConnectionStep::DescribeLocations { by }),
        // Request billing modes [spec RequestBillingMode]; one to three connections.
        1 => (by(), vec(handle(), 1..=3), billing_mode())
            .prop_map(|(by, targets, billing_mode)| ConnectionStep::UpdateConnectionsBillingMode {
                by,
                targets,
                billing_mode,
            }),
    ]
    .prop_map(Step::Connection)
}

/// Request billing modes [spec RequestBillingMode].
fn billing_mode() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "PayAsYouGo",
        "FlatRateTier1",
        "FlatRateTier2",
        "FlatRateTier3",
        "FlatRateTier4",
        "FlatRateTier5",
    ])
    .prop_map(str::to_owned)
}

/// A billing-mode change seen again: a connection, its billing mode changed (with
/// another connection of the caller's now and then), then the caller's connections
/// described, so a mode answered but not kept shows.
pub fn billing(two_accounts: bool) -> impl Strategy<Value = Vec<Step>> {
    (
        principal(two_accounts),
        any::<u8>(),
        name(),
        vec(handle(), 1..=2),
        billing_mode(),
    )
        .prop_map(|(by, location, name, targets, billing_mode)| {
            vec![
                untagged_connection(by, location, name),
                Step::Connection(ConnectionStep::UpdateConnectionsBillingMode {
                    by,
                    targets,
                    billing_mode,
                }),
                Step::Connection(ConnectionStep::DescribeConnections { by, target: None }),
            ]
        })
}
