//! Virtual-interface and BGP-peer steps. Only valid inputs: VLAN 1–4094, ASN
//! 1–64511 (never an Amazon-side gateway ASN), MTU 1500|9001 (mapped per type by the
//! model), names of a–z, 0–9 and hyphen, auth keys of 6–80 characters. Creates are
//! frequent so that later steps find a VIF to act on.

use proptest::prelude::*;

use super::common::{
    handle, maybe, name, principal, tags, text, untagged_connection, ALPHANUMERIC,
};
use crate::model::{
    AddressFamily, GatewayStep, NewBgpPeer, NewVif, Step, VifStep, MAX_TEST_MINUTES,
};
use crate::vocab::Principal;

fn family() -> impl Strategy<Value = AddressFamily> {
    crate::pick![AddressFamily::Ipv4, AddressFamily::Ipv6]
}

fn auth_key() -> impl Strategy<Value = Option<String>> {
    // At the limits too: 6 and 80 characters [api BGPAuthKey].
    maybe(crate::weighted![
        6 => text(&[(ALPHANUMERIC, 6, 24)]),
        1 => text(&[(ALPHANUMERIC, 80, 80)]),
    ])
}

fn mtu() -> impl Strategy<Value = Option<u16>> {
    maybe(prop::sample::select(vec![1500u16, 9001]))
}

/// VLANs from a small pool, so that a VLAN repeats on a connection now and then.
fn vlan() -> impl Strategy<Value = u16> {
    // At the limits too: VLAN 1 and 4094 are valid [api NewPrivateVirtualInterface.vlan].
    crate::weighted![6 => 100u16..=110, 2 => 1u16..=4094, 1 => prop::sample::select(vec![1u16, 4094])]
}

fn asn() -> impl Strategy<Value = u32> {
    // At the limits too: 1 and 2147483646 are valid [api NewBGPPeer.asn].
    crate::weighted![8 => 1u32..=64511, 1 => prop::sample::select(vec![1u32, 2_147_483_646])]
}

/// A failover test's duration: the default, any valid one (at most 4,320 minutes
/// [api StartBgpFailoverTest]), at the limit, or above it.
fn test_minutes() -> impl Strategy<Value = Option<u16>> {
    crate::weighted![
        2 => Just(None),
        3 => (60u16..=MAX_TEST_MINUTES).prop_map(Some),
        1 => prop::sample::select(vec![1u16, MAX_TEST_MINUTES]).prop_map(Some),
        1 => (MAX_TEST_MINUTES + 1..=9999).prop_map(Some),
    ]
}

fn new_vif(by: BoxedStrategy<Principal>, with_tags: bool) -> BoxedStrategy<NewVif> {
    let tag_count = if with_tags { 2 } else { 0 };
    (
        (by, handle(), vlan(), asn(), mtu(), name()),
        (
            auth_key(),
            family(),
            maybe(handle()),
            any::<u8>(),
            any::<u8>(),
            tags(tag_count),
        ),
    )
        .prop_map(
            |(
                (by, connection, vlan, asn, mtu, name),
                (auth_key, family, gateway, vgw, subnet, tags),
            )| {
                NewVif {
                    by,
                    connection,
                    vlan,
                    asn,
                    mtu,
                    name,
                    auth_key,
                    family,
                    gateway,
                    vgw,
                    subnet,
                    tags,
                }
            },
        )
        .boxed()
}

/// A BGP peer added by a caller drawn from `by` on a VIF of the case.
fn new_bgp_peer(by: impl Strategy<Value = Principal>) -> impl Strategy<Value = NewBgpPeer> {
    (by, handle(), asn(), family(), auth_key(), any::<u8>()).prop_map(
        |(by, target, asn, family, auth_key, subnet)| NewBgpPeer {
            by,
            target,
            asn,
            family,
            auth_key,
            subnet,
        },
    )
}

/// Weighted VIF and BGP-peer steps.
pub fn steps(two_accounts: bool) -> BoxedStrategy<Step> {
    let by = move || principal(two_accounts);
    let create = crate::weighted![
        4 => new_vif(by(), true).prop_map(VifStep::CreatePrivateVirtualInterface),
        2 => new_vif(by(), true).prop_map(VifStep::CreatePublicVirtualInterface),
        2 => new_vif(by(), true).prop_map(|mut n| {
            n.gateway = Some(n.gateway.unwrap_or(crate::model::HandleRef(n.vgw)));
            VifStep::CreateTransitVirtualInterface(n)
        }),
    ];
    let create = create.boxed();
    let others = crate::weighted![
        4 => (by(), maybe(handle()))
            .prop_map(|(by, target)| VifStep::DescribeVirtualInterfaces { by, target }),
        2 => (by(), handle()).prop_map(|(by, target)| VifStep::DeleteVirtualInterface { by, target }),
        2 => (by(), handle(), maybe(name()), mtu()).prop_map(|(by, target, name, mtu)| {
            VifStep::UpdateVirtualInterfaceAttributes { by, target, name, mtu }
        }),
        1 => (by(), handle(), handle()).prop_map(|(by, target, connection)| {
            VifStep::AssociateVirtualInterface { by, target, connection }
        }),
        1 => (by(), handle()).prop_map(|(by, target)| VifStep::DescribeRouterConfiguration { by, target }),
        1 => by().prop_map(|by| VifStep::DescribeVirtualGateways { by }),
        2 => (by(), crate::weighted![1 => Just(None), 4 => handle().prop_map(Some)])
            .prop_map(|(by, target)| VifStep::ListVirtualInterfaceTestHistory { by, target }),
        // Routes: accepted routes are the ones the model can judge (none), so they
        // are asked for most.
        4 => (by(), handle(), crate::weighted![3 => Just(Some(true)), 1 => Just(Some(false)), 1 => Just(None)])
            .prop_map(|(by, target, accepted)| VifStep::ListVirtualInterfaceRoutes { by, target, accepted }),
        2 => (by(), handle(), test_minutes(), any::<bool>())
            .prop_map(|(by, target, minutes, peers)| VifStep::StartBgpFailoverTest { by, target, minutes, peers }),
        1 => (by(), handle()).prop_map(|(by, target)| VifStep::StopBgpFailoverTest { by, target }),
        4 => new_bgp_peer(by()).prop_map(VifStep::CreateBgpPeer),
        3 => (by(), handle()).prop_map(|(by, target)| VifStep::DeleteBgpPeer { by, target }),
    ];
    let others = others.boxed();
    // VIFs live on connections and transit VIFs on gateways: plans need them first.
    let prerequisites = crate::weighted![
        3 => (by(), any::<u8>(), name()).prop_map(|(by, location, name)| {
            untagged_connection(by, location, name)
        }),
        1 => (by(), name()).prop_map(|(by, name)| {
            Step::Gateway(GatewayStep::CreateDirectConnectGateway {
                by,
                name,
                asn: None,
                tags: Vec::new(),
            })
        }),
    ];
    if !two_accounts {
        return crate::weighted![
            4 => prerequisites,
            7 => create.prop_map(Step::Vif),
            12 => others.prop_map(Step::Vif),
        ]
        .boxed();
    }
    // Allocations are made for the other account; confirmations mostly by it.
    let cross = crate::weighted![
        1 => new_vif(by(), false).prop_map(VifStep::AllocatePrivateVirtualInterface),
        1 => new_vif(by(), false).prop_map(VifStep::AllocatePublicVirtualInterface),
        1 => new_vif(by(), false).prop_map(VifStep::AllocateTransitVirtualInterface),
        2 => (confirmer(), handle(), maybe(handle()), any::<u8>()).prop_map(
            |(by, target, gateway, vgw)| VifStep::ConfirmPrivateVirtualInterface { by, target, gateway, vgw }
        ),
        1 => (confirmer(), handle()).prop_map(|(by, target)| VifStep::ConfirmPublicVirtualInterface { by, target }),
        1 => (confirmer(), handle(), handle()).prop_map(|(by, target, gateway)| {
            VifStep::ConfirmTransitVirtualInterface { by, target, gateway }
        }),
    ]
    .boxed();
    crate::weighted![
        4 => prerequisites,
        7 => create.prop_map(Step::Vif),
        12 => others.prop_map(Step::Vif),
        5 => cross.prop_map(Step::Vif),
    ]
    .boxed()
}

/// Who confirms: mostly the partner (allocations mostly go to it), sometimes the owner.
fn confirmer() -> impl Strategy<Value = Principal> {
    crate::pick![3 => Principal::Partner, 1 => Principal::Owner]
}

/// A VIF lifecycle chunk: the owner's connection (and often a gateway), a VIF created
/// or allocated on it, then steps that act on it (describe, peers, confirm, update,
/// failover tests and their history, delete), so allocate → confirm, peer add → delete
/// and test start → stop are reached in one plan.
pub fn lifecycle(two_accounts: bool) -> BoxedStrategy<Vec<Step>> {
    let owner = Principal::Owner;
    let first = crate::weighted![
        3 => new_vif(Just(owner).boxed(), true).prop_map(VifStep::CreatePrivateVirtualInterface),
        2 => new_vif(Just(owner).boxed(), true).prop_map(VifStep::CreatePublicVirtualInterface),
        2 => new_vif(Just(owner).boxed(), true).prop_map(|mut n| {
            n.gateway = Some(crate::model::HandleRef(0));
            VifStep::CreateTransitVirtualInterface(n)
        }),
        if two_accounts { 4 } else { 0 } => (new_vif(Just(owner).boxed(), false), 0u8..3).prop_map(|(n, t)| match t {
            0 => VifStep::AllocatePrivateVirtualInterface(n),
            1 => VifStep::AllocatePublicVirtualInterface(n),
            _ => VifStep::AllocateTransitVirtualInterface(n),
        }),
    ]
    .boxed();
    let vif_owner = if two_accounts {
        Principal::Partner
    } else {
        owner
    };
    let any_step = steps(two_accounts);
    let describe = maybe(handle())
        .prop_map(move |target| Step::Vif(VifStep::DescribeVirtualInterfaces { by: owner, target }))
        .boxed();
    let partner_describe = maybe(handle())
        .prop_map(move |target| {
            Step::Vif(VifStep::DescribeVirtualInterfaces {
                by: Principal::Partner,
                target,
            })
        })
        .boxed();
    let peer = new_bgp_peer(crate::pick![owner, vif_owner])
        .prop_map(|peer| Step::Vif(VifStep::CreateBgpPeer(peer)))
        .boxed();
    let delete_peer = (crate::pick![owner, vif_owner], handle())
        .prop_map(|(by, target)| Step::Vif(VifStep::DeleteBgpPeer { by, target }))
        .boxed();
    let confirm = (handle(), maybe(handle()), any::<u8>(), 0u8..3)
        .prop_map(|(target, gateway, vgw, t)| {
            let by = Principal::Partner;
            Step::Vif(match t {
                0 => VifStep::ConfirmPrivateVirtualInterface {
                    by,
                    target,
                    gateway,
                    vgw,
                },
                1 => VifStep::ConfirmPublicVirtualInterface { by, target },
                _ => VifStep::ConfirmTransitVirtualInterface {
                    by,
                    target,
                    gateway: gateway.unwrap_or(crate::model::HandleRef(vgw)),
                },
            })
        })
        .boxed();
    let delete = (crate::pick![owner, vif_owner], handle())
        .prop_map(|(by, target)| Step::Vif(VifStep::DeleteVirtualInterface { by, target }))
        .boxed();
    let history = (crate::pick![owner, vif_owner], handle())
        .prop_map(|(by, target)| {
            Step::Vif(VifStep::ListVirtualInterfaceTestHistory {
                by,
                target: Some(target),
            })
        })
        .boxed();
    let update = (handle(), mtu(), maybe(name()))
        .prop_map(move |(target, mtu, name)| {
            Step::Vif(VifStep::UpdateVirtualInterfaceAttributes {
                by: owner,
                target,
                name,
                mtu,
            })
        })
        .boxed();
    let associate = (handle(), handle())
        .prop_map(move |(target, connection)| {
            Step::Vif(VifStep::AssociateVirtualInterface {
                by: owner,
                target,
                connection,
            })
        })
        .boxed();
    let attachments = handle()
        .prop_map(move |gateway| {
            Step::Gateway(GatewayStep::DescribeDirectConnectGatewayAttachments {
                by: owner,
                gateway,
            })
        })
        .boxed();
    // A failover test: started, seen `testing`, stopped, seen again.
    let failover_test = (
        crate::pick![owner, vif_owner],
        handle(),
        test_minutes(),
        any::<bool>(),
    )
        .prop_map(move |(by, target, minutes, peers)| {
            let seen = Step::Vif(VifStep::DescribeVirtualInterfaces {
                by,
                target: Some(target),
            });
            vec![
                Step::Vif(VifStep::StartBgpFailoverTest {
                    by,
                    target,
                    minutes,
                    peers,
                }),
                seen.clone(),
                Step::Vif(VifStep::StopBgpFailoverTest { by, target }),
                seen,
            ]
        })
        .boxed();
    // Partner steps only with two accounts.
    let partner = if two_accounts { 1 } else { 0 };
    let followup = crate::weighted![
        4 => any_step.prop_map(|s| vec![s]).boxed(),
        3 => describe.prop_map(|s| vec![s]).boxed(),
        2 * partner => partner_describe.prop_map(|s| vec![s]).boxed(),
        3 => peer.prop_map(|s| vec![s]).boxed(),
        2 => delete_peer.prop_map(|s| vec![s]).boxed(),
        3 * partner => confirm.prop_map(|s| vec![s]).boxed(),
        2 => delete.prop_map(|s| vec![s]).boxed(),
        1 => history.prop_map(|s| vec![s]).boxed(),
        1 => update.prop_map(|s| vec![s]).boxed(),
        1 => associate.prop_map(|s| vec![s]).boxed(),
        2 => attachments.prop_map(|s| vec![s]).boxed(),
        2 => failover_test,
    ];
    (
        any::<u8>(),
        name(),
        prop::bool::weighted(0.5),
        first,
        proptest::collection::vec(followup, 1..=8),
    )
        .prop_map(move |(location, name, gateway, first, rest)| {
            let mut steps = vec![untagged_connection(owner, location, name.clone())];
            if gateway || matches!(first, VifStep::CreateTransitVirtualInterface(_)) {
                steps.push(Step::Gateway(GatewayStep::CreateDirectConnectGateway {
                    by: if matches!(first, VifStep::CreateTransitVirtualInterface(_)) {
                        owner
                    } else {
                        vif_owner
                    },
                    name,
                    asn: None,
                    tags: Vec::new(),
                }));
            }
            steps.push(Step::Vif(first));
            steps.extend(rest.into_iter().flatten());
            steps
        })
        .boxed()
}
