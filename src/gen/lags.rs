//! LAG, MACsec, LOA and customer-metadata steps.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, maybe, name, principal, tags, text, Text, HEX};
use crate::model::{ConnectionStep, HandleRef, LagStep, ResourceKind, Step};
use crate::vocab::Principal;

/// MACsec CKN/CAK: 64 hexadecimal digits.
fn hex64() -> Text {
    text(&[(HEX, 64, 64)])
}

/// Weighted LAG steps. LAGs use the first three locations of the pool, so that
/// connections and LAGs meet at the same location often enough to be associated.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    let mac_sec_kind = || prop::sample::select(vec![ResourceKind::Connection, ResourceKind::Lag]);
    crate::weighted![
        5 => (
            by(),
            0u8..3,
            prop::sample::select(vec!["1Gbps", "10Gbps", "10Gbps", "100Gbps", "400Gbps"]),
            crate::weighted![8 => 1u8..=2, 1 => 3u8..=5],
            name(),
            tags(2),
            prop::bool::weighted(0.3),
        )
            .prop_map(|(by, location, bandwidth, count, name, tags, mac_sec)| LagStep::CreateLag {
                by, location, bandwidth: bandwidth.to_owned(), count, name, tags, mac_sec, connection: None,
            }),
        4 => (by(), maybe(handle())).prop_map(|(by, target)| LagStep::DescribeLags { by, target }),
        2 => (by(), handle(), name()).prop_map(|(by, target, name)| LagStep::UpdateLag { by, target, name }),
        1 => (by(), handle()).prop_map(|(by, target)| LagStep::DeleteLag { by, target }),
        3 => (by(), handle(), handle())
            .prop_map(|(by, connection, lag)| LagStep::AssociateConnectionWithLag { by, connection, lag }),
        3 => (by(), handle(), handle())
            .prop_map(|(by, connection, lag)| LagStep::DisassociateConnectionFromLag { by, connection, lag }),
        3 => (by(), mac_sec_kind(), handle(), hex64(), hex64())
            .prop_map(|(by, kind, target, ckn, cak)| LagStep::AssociateMacSecKey { by, kind, target, ckn, cak }),
        2 => (by(), mac_sec_kind(), handle())
            .prop_map(|(by, kind, target)| LagStep::DisassociateMacSecKey { by, kind, target }),
        1 => (
            by(),
            prop::sample::select(vec![ResourceKind::Connection, ResourceKind::Interconnect, ResourceKind::Lag]),
            handle(),
        )
            .prop_map(|(by, kind, target)| LagStep::DescribeLoa { by, kind, target }),
        1 => (by(), handle()).prop_map(|(by, target)| LagStep::DescribeConnectionLoa { by, target }),
        1 => by().prop_map(|by| LagStep::DescribeCustomerMetadata { by }),
        1 => (by(), name()).prop_map(|(by, name)| LagStep::ConfirmCustomerAgreement { by, name }),
    ]
    .prop_map(Step::Lag)
}

/// A LAG lifecycle: a LAG with new members, then a few steps of the family (and
/// DescribeConnections, which shows the members), so members move in and out and
/// states are observed more than once.
pub fn lifecycle(two_accounts: bool) -> impl Strategy<Value = Vec<Step>> {
    let followup = crate::weighted![
        5 => steps(two_accounts).prop_map(Followup::Family),
        2 => maybe(handle()).prop_map(Followup::DescribeLags),
        1 => handle().prop_map(Followup::DeleteLag),
        1 => maybe(handle()).prop_map(Followup::DescribeConnections),
    ];
    (
        principal(two_accounts),
        0u8..3,
        prop::sample::select(vec!["1Gbps", "10Gbps", "100Gbps"]),
        1u8..=2,
        name(),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.4),
        crate::weighted![2 => Just(None), 1 => (0u8..=2).prop_map(Some)],
        vec(followup, 1..=6),
    )
        .prop_map(
            move |(by, location, bandwidth, count, name, mac_sec, cycle, bundle, rest)| {
                let mut steps = Vec::new();
                if let Some(describes) = bundle {
                    // An existing connection, observed 0–2 times (so it is requested,
                    // pending or available), then bundled into the new LAG.
                    steps.push(Step::Connection(ConnectionStep::CreateConnection {
                        by,
                        location,
                        bandwidth: if bandwidth == "1Gbps" {
                            "1Gbps"
                        } else {
                            "10Gbps"
                        }
                        .to_owned(),
                        name: name.clone(),
                        tags: Vec::new(),
                    }));
                    for _ in 0..describes {
                        steps.push(Step::Connection(ConnectionStep::DescribeConnections {
                            by,
                            target: None,
                        }));
                    }
                }
                steps.push(Step::Lag(LagStep::CreateLag {
                    by,
                    location,
                    bandwidth: bandwidth.to_owned(),
                    count,
                    name: name.clone(),
                    tags: Vec::new(),
                    mac_sec,
                    connection: bundle.map(|_| HandleRef(u8::MAX)),
                }));
                if cycle {
                    // A member out of its LAG and back in.
                    let (connection, lag) = (HandleRef(0), HandleRef(u8::MAX));
                    steps.push(Step::Lag(LagStep::DisassociateConnectionFromLag {
                        by,
                        connection,
                        lag,
                    }));
                    steps.push(Step::Lag(LagStep::AssociateConnectionWithLag {
                        by,
                        connection,
                        lag,
                    }));
                }
                steps.extend(rest.into_iter().map(|f| f.step(by)));
                steps
            },
        )
}

/// A step after a LAG lifecycle's creation: any step of the family, or one its
/// creator (`by`) makes.
#[derive(Debug, Clone)]
enum Followup {
    Family(Step),
    DescribeLags(Option<HandleRef>),
    DeleteLag(HandleRef),
    DescribeConnections(Option<HandleRef>),
}

impl Followup {
    fn step(self, by: Principal) -> Step {
        match self {
            Followup::Family(step) => step,
            Followup::DescribeLags(target) => Step::Lag(LagStep::DescribeLags { by, target }),
            Followup::DeleteLag(target) => Step::Lag(LagStep::DeleteLag { by, target }),
            Followup::DescribeConnections(target) => {
                Step::Connection(ConnectionStep::DescribeConnections { by, target })
            }
        }
    }
}
