//! Interconnect and hosted-connection steps.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, maybe, name, principal, tags};
use crate::model::{ConnectionStep, HandleRef, InterconnectStep, Step};
use crate::vocab::Principal;

/// Interconnects belong to partners: with two accounts the partner usually creates
/// and allocates, so hosted connections go to the owner, who confirms them.
fn partner(two_accounts: bool) -> BoxedStrategy<Principal> {
    if two_accounts {
        crate::pick![4 => Principal::Partner, 1 => Principal::Owner].boxed()
    } else {
        Just(Principal::Owner).boxed()
    }
}

/// Whether a hosted connection is allocated for the other account: usually.
fn for_the_other() -> impl Strategy<Value = bool> {
    crate::pick![5 => true, 1 => false]
}

/// The account a hosted connection allocated by `by` is for.
fn owner_of(by: Principal, for_the_other: bool, two_accounts: bool) -> Principal {
    match by {
        _ if !for_the_other => by,
        Principal::Owner if two_accounts => Principal::Partner,
        Principal::Partner => Principal::Owner,
        Principal::Owner => Principal::Owner,
    }
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
    let allocation = move || {
        (host(), for_the_other())
            .prop_map(move |(by, other)| (by, owner_of(by, other, two_accounts)))
    };
    crate::weighted![
        4 => (host(), any::<u8>(), prop::sample::select(vec!["1Gbps", "10Gbps", "100Gbps"]), name(), tags(2))
            .prop_map(|(by, location, bandwidth, name, tags)| InterconnectStep::CreateInterconnect {
                by, location, bandwidth: bandwidth.to_owned(), name, tags,
            }),
        3 => (host(), maybe(handle()))
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
    let followup = crate::weighted![
        3 => steps(two_accounts).prop_map(Followup::Family),
        3 => maybe(handle()).prop_map(Followup::DescribeConnections),
        2 => maybe(handle()).prop_map(Followup::DescribeInterconnects),
        1 => handle().prop_map(Followup::DeleteConnection),
        1 => handle().prop_map(Followup::DeleteInterconnect),
    ];
    (
        (partner(two_accounts), for_the_other()),
        any::<u8>(),
        prop::sample::select(vec!["1Gbps", "10Gbps", "100Gbps"]),
        name(),
        hosted_bandwidth(),
        1u16..=4094,
        prop::bool::weighted(0.7),
        0usize..=4,
        vec(followup, 0..=6),
    )
        .prop_map(
            move |((by, other), location, ic_bw, name, bw, vlan, confirm, watch, rest)| {
                let owner = owner_of(by, other, two_accounts);
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
                        bandwidth: bw,
                        name,
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
                steps.extend(rest.into_iter().map(|f| f.step(by, owner)));
                steps
            },
        )
}

/// A step after a hosted-connection lifecycle's allocation: any step of the
/// family, or one the interconnect's partner (`by`) or the connection's owner makes.
#[derive(Debug, Clone)]
enum Followup {
    Family(Step),
    DescribeConnections(Option<HandleRef>),
    DescribeInterconnects(Option<HandleRef>),
    DeleteConnection(HandleRef),
    DeleteInterconnect(HandleRef),
}

impl Followup {
    fn step(self, by: Principal, owner: Principal) -> Step {
        match self {
            Followup::Family(step) => step,
            Followup::DescribeConnections(target) => {
                Step::Connection(ConnectionStep::DescribeConnections { by: owner, target })
            }
            Followup::DescribeInterconnects(target) => {
                Step::Interconnect(InterconnectStep::DescribeInterconnects { by, target })
            }
            Followup::DeleteConnection(target) => {
                Step::Connection(ConnectionStep::DeleteConnection { by: owner, target })
            }
            Followup::DeleteInterconnect(target) => {
                Step::Interconnect(InterconnectStep::DeleteInterconnect { by, target })
            }
        }
    }
}
