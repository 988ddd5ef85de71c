//! Interconnect and hosted-connection steps.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, name, principal, tags};
use crate::model::{ConnectionStep, HandleRef, InterconnectStep, Step};
use crate::target::Principal;

/// Interconnects belong to partners: with two accounts the partner usually creates
/// and allocates, so hosted connections go to the owner, who confirms them.
fn partner(two_accounts: bool) -> BoxedStrategy<Principal> {
    if two_accounts {
        prop_oneof![4 => Just(Principal::Partner), 1 => Just(Principal::Owner)].boxed()
    } else {
        Just(Principal::Owner).boxed()
    }
}

/// The account a hosted connection is allocated for: usually the other one.
fn owner_of(by: Principal, two_accounts: bool) -> BoxedStrategy<Principal> {
    let other = match by {
        Principal::Owner if two_accounts => Principal::Partner,
        Principal::Partner => Principal::Owner,
        Principal::Owner => Principal::Owner,
    };
    prop_oneof![5 => Just(other), 1 => Just(by)].boxed()
}

/// Hosted connection bandwidths [LIFECYCLE: 50Mbps…500Mbps, 1, 2, 5, 10, 25Gbps].
fn hosted_bandwidth() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "50Mbps", "100Mbps", "200Mbps", "300Mbps", "400Mbps", "500Mbps", "1Gbps", "2Gbps", "5Gbps",
        "10Gbps", "25Gbps",
    ])
    .prop_map(str::to_owned)
}

/// Weighted interconnect steps.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    let host = move || partner(two_accounts);
    let allocation = move || host().prop_flat_map(move |by| (Just(by), owner_of(by, two_accounts)));
    prop_oneof![
        4 => (host(), any::<u8>(), prop::sample::select(vec!["1Gbps", "10Gbps", "100Gbps"]), name(), tags(2))
            .prop_map(|(by, location, bandwidth, name, tags)| InterconnectStep::CreateInterconnect {
                by, location, bandwidth: bandwidth.to_owned(), name, tags,
            }),
        3 => (host(), proptest::option::of(handle()))
            .prop_map(|(by, target)| InterconnectStep::DescribeInterconnects { by, target }),
        1 => (host(), handle()).prop_map(|(by, target)| InterconnectStep::DeleteInterconnect { by, target }),
        1 => (host(), handle()).prop_map(|(by, target)| InterconnectStep::DescribeInterconnectLoa { by, target }),
        1 => (host(), handle())
            .prop_map(|(by, target)| InterconnectStep::DescribeConnectionsOnInterconnect { by, target }),
        5 => (allocation(), handle(), hosted_bandwidth(), name(), 1u16..=4094, tags(2)).prop_map(
            |((by, owner), target, bandwidth, name, vlan, tags)| InterconnectStep::AllocateHostedConnection {
                by, target, owner, bandwidth, name, vlan, tags,
            }
        ),
        2 => (allocation(), handle(), hosted_bandwidth(), name(), 1u16..=4094).prop_map(
            |((by, owner), target, bandwidth, name, vlan)| InterconnectStep::AllocateConnectionOnInterconnect {
                by, target, owner, bandwidth, name, vlan,
            }
        ),
        3 => (host(), handle()).prop_map(|(by, target)| InterconnectStep::DescribeHostedConnections { by, target }),
        4 => (by(), handle()).prop_map(|(by, target)| InterconnectStep::ConfirmConnection { by, target }),
        1 => (host(), handle(), handle()).prop_map(|(by, connection, parent)| {
            InterconnectStep::AssociateHostedConnection { by, connection, parent }
        }),
    ]
    .prop_map(Step::Interconnect)
}

/// A hosted-connection lifecycle: a partner's interconnect, a hosted connection
/// allocated on it for the other account, usually its confirmation by that account,
/// then a few steps of the family or the owner's Describe/Delete of connections.
/// Plans mix these chunks with single steps, so the later lifecycle is reached often.
pub fn lifecycle(two_accounts: bool) -> impl Strategy<Value = Vec<Step>> {
    // Built once: the closure below runs for every generated lifecycle, and
    // building the family's strategy there (regexes included) cost more than
    // generating from it.
    let family = steps(two_accounts).boxed();
    let followup = move |by: Principal, owner: Principal| {
        prop_oneof![
            3 => family.clone(),
            3 => proptest::option::of(handle()).prop_map(move |target| {
                Step::Connection(ConnectionStep::DescribeConnections { by: owner, target })
            }),
            2 => proptest::option::of(handle()).prop_map(move |target| {
                Step::Interconnect(InterconnectStep::DescribeInterconnects { by, target })
            }),
            1 => handle().prop_map(move |target| {
                Step::Connection(ConnectionStep::DeleteConnection { by: owner, target })
            }),
            1 => handle().prop_map(move |target| {
                Step::Interconnect(InterconnectStep::DeleteInterconnect { by, target })
            }),
        ]
    };
    (
        partner(two_accounts),
        any::<u8>(),
        prop::sample::select(vec!["1Gbps", "10Gbps", "100Gbps"]),
        name(),
        hosted_bandwidth(),
        1u16..=4094,
        prop::bool::weighted(0.7),
        0usize..=4,
    )
        .prop_flat_map(
            move |(by, location, ic_bw, name, bw, vlan, confirm, watch)| {
                let owner = owner_of(by, two_accounts);
                let followup = followup.clone();
                owner.prop_flat_map(move |owner| {
                    let name = name.clone();
                    let bw = bw.clone();
                    vec(followup(by, owner), 0..=6).prop_map(move |rest| {
                        let mut steps = vec![
                            Step::Interconnect(InterconnectStep::CreateInterconnect {
                                by,
                                location,
                                bandwidth: ic_bw.to_owned(),
                                name: name.clone(),
                                tags: Vec::new(),
                            }),
                            Step::Interconnect(InterconnectStep::AllocateHostedConnection {
                                by,
                                target: HandleRef(u8::MAX),
                                owner,
                                bandwidth: bw.clone(),
                                name: name.clone(),
                                vlan,
                                tags: Vec::new(),
                            }),
                        ];
                        if confirm {
                            steps.push(Step::Interconnect(InterconnectStep::ConfirmConnection {
                                by: owner,
                                target: HandleRef(u8::MAX),
                            }));
                        }
                        // The partner watches its interconnect (pending ⇢ available, flaps).
                        for _ in 0..watch {
                            steps.push(Step::Interconnect(
                                InterconnectStep::DescribeInterconnects {
                                    by,
                                    target: Some(HandleRef(u8::MAX)),
                                },
                            ));
                        }
                        steps.extend(rest);
                        steps
                    })
                })
            },
        )
}
