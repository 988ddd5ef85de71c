//! Direct Connect gateway steps: gateways, associations with the caller's virtual
//! private gateways, proposals across accounts, attachments. Only valid inputs:
//! Amazon-side ASNs 64512–65534 or 4200000000–4294967294, names of a–z, 0–9, hyphen.

use proptest::prelude::*;

use super::common::{handle, maybe, name, principal, tags};
use crate::model::{GatewayStep, Step};
use crate::vocab::Principal;

fn amazon_asn() -> impl Strategy<Value = Option<u64>> {
    maybe(crate::weighted![
        3 => 64512u64..=65534,
        1 => 4_200_000_000u64..=4_294_967_294,
    ])
}

/// Weighted gateway steps.
pub fn steps(two_accounts: bool) -> BoxedStrategy<Step> {
    use GatewayStep::*;
    let by = move || principal(two_accounts);
    let local = crate::weighted![
        5 => (by(), name(), amazon_asn(), tags(2))
            .prop_map(|(by, name, asn, tags)| CreateDirectConnectGateway { by, name, asn, tags }),
        3 => (by(), maybe(handle()))
            .prop_map(|(by, target)| DescribeDirectConnectGateways { by, target }),
        1 => (by(), handle(), name())
            .prop_map(|(by, target, name)| UpdateDirectConnectGateway { by, target, name }),
        2 => (by(), handle()).prop_map(|(by, target)| DeleteDirectConnectGateway { by, target }),
        3 => (by(), handle(), any::<u8>())
            .prop_map(|(by, gateway, vgw)| CreateDirectConnectGatewayAssociation { by, gateway, vgw }),
        3 => (by(), maybe(handle()), maybe(handle())).prop_map(
            |(by, target, gateway)| DescribeDirectConnectGatewayAssociations { by, target, gateway }
        ),
        1 => (by(), handle(), any::<u8>())
            .prop_map(|(by, target, prefix)| UpdateDirectConnectGatewayAssociation { by, target, prefix }),
        2 => (by(), handle())
            .prop_map(|(by, target)| DeleteDirectConnectGatewayAssociation { by, target }),
        2 => (by(), handle())
            .prop_map(|(by, gateway)| DescribeDirectConnectGatewayAttachments { by, gateway }),
    ]
    .boxed();
    if !two_accounts {
        return local.prop_map(Step::Gateway).boxed();
    }
    // Proposals are made by the partner for the owner's gateways, and accepted by the owner.
    let mostly = |p: Principal| crate::pick![4 => p, 1 => crate::model::other_principal(p)];
    let cross = crate::weighted![
        2 => (mostly(Principal::Partner), handle(), any::<u8>()).prop_map(
            |(by, gateway, vgw)| CreateDirectConnectGatewayAssociationProposal { by, gateway, vgw }
        ),
        2 => (by(), maybe(handle()))
            .prop_map(|(by, target)| DescribeDirectConnectGatewayAssociationProposals { by, target }),
        2 => (mostly(Principal::Owner), handle())
            .prop_map(|(by, target)| AcceptDirectConnectGatewayAssociationProposal { by, target }),
        1 => (mostly(Principal::Partner), handle())
            .prop_map(|(by, target)| DeleteDirectConnectGatewayAssociationProposal { by, target }),
    ]
    .boxed();
    crate::weighted![22 => local, 7 => cross]
        .prop_map(Step::Gateway)
        .boxed()
}

/// A gateway lifecycle chunk: the owner's gateway, then associations, proposals from
/// the partner and their acceptance, updates, deletes and describes.
pub fn lifecycle(two_accounts: bool) -> BoxedStrategy<Vec<Step>> {
    use GatewayStep::*;
    let owner = Principal::Owner;
    let partner = if two_accounts {
        Principal::Partner
    } else {
        owner
    };
    let cross = if two_accounts { 3 } else { 0 };
    let specific = crate::weighted![
        3 => (handle(), any::<u8>())
            .prop_map(move |(gateway, vgw)| CreateDirectConnectGatewayAssociation { by: owner, gateway, vgw }),
        3 => (maybe(handle()), maybe(handle())).prop_map(
            move |(target, gateway)| DescribeDirectConnectGatewayAssociations { by: owner, target, gateway }
        ),
        2 => (handle(), any::<u8>())
            .prop_map(move |(target, prefix)| UpdateDirectConnectGatewayAssociation { by: owner, target, prefix }),
        2 => handle().prop_map(move |target| DeleteDirectConnectGatewayAssociation { by: owner, target }),
        cross => (handle(), any::<u8>())
            .prop_map(move |(gateway, vgw)| CreateDirectConnectGatewayAssociationProposal { by: partner, gateway, vgw }),
        cross => handle()
            .prop_map(move |target| AcceptDirectConnectGatewayAssociationProposal { by: owner, target }),
        cross / 2 => handle()
            .prop_map(move |target| DeleteDirectConnectGatewayAssociationProposal { by: partner, target }),
        2 => (crate::pick![owner, partner], maybe(handle()))
            .prop_map(|(by, target)| DescribeDirectConnectGatewayAssociationProposals { by, target }),
        2 => maybe(handle()).prop_map(move |target| DescribeDirectConnectGateways { by: owner, target }),
        1 => handle().prop_map(move |target| DeleteDirectConnectGateway { by: owner, target }),
    ];
    let specific = specific.boxed();
    let followup = crate::weighted![
        1 => steps(two_accounts),
        4 => specific.prop_map(Step::Gateway).boxed(),
    ]
    .boxed();
    (
        name(),
        amazon_asn(),
        tags(1),
        proptest::collection::vec(followup, 1..=8),
    )
        .prop_map(move |(name, asn, tags, rest)| {
            let mut steps = vec![Step::Gateway(CreateDirectConnectGateway {
                by: owner,
                name,
                asn,
                tags,
            })];
            steps.extend(rest);
            steps
        })
        .boxed()
}
