//! One descriptor per resource kind: how the API names, lists, creates and deletes it,
//! and which of its states AWS leaves on its own. Every part of the harness that speaks
//! of resource kinds (model views, budgets, dry runs, waits, sweeps, reports) reads
//! these facts here instead of keeping a vocabulary of its own.

use super::lifecycle::*;
use super::step::VifStep;
use super::{Lifecycle, ResourceKind};

/// A state AWS leaves on its own within minutes, and where that is documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlingState {
    /// The state.
    pub state: &'static str,
    /// The source, tagged like the model's other facts (`[api]`, `[outputs]`, `[spec]`).
    pub source: &'static str,
}

/// What the API says about one resource kind.
#[derive(Debug)]
pub struct ResourceDescriptor {
    /// The kind described.
    pub kind: ResourceKind,
    /// Its lifecycle (states, asynchronous edges, edges made by calls); its `name` is
    /// the kind's kebab name (`virtual-interface`), used in budgets and dry runs.
    pub lifecycle: &'static Lifecycle,
    /// The name reports group operations under (`virtual interface`).
    pub display: &'static str,
    /// The Describe operation whose answer lists resources of this kind (for a kind
    /// listed inside another, the parent's Describe).
    pub describe: &'static str,
    /// Whether `describe` lists the caller's resources of this kind without arguments.
    pub listed_alone: bool,
    /// The kind whose items hold this kind's list (`None`: the list is a member of
    /// `describe`'s answer itself).
    pub nested_in: Option<ResourceKind>,
    /// The list member holding resources of this kind.
    pub list_member: &'static str,
    /// The member holding a resource's id.
    pub id_member: &'static str,
    /// The member holding a resource's state.
    pub state_member: &'static str,
    /// Operations whose answer is a new resource of this kind (what else comes
    /// along, like a VIF's first BGP peer, is the caller's business).
    pub creating: &'static [&'static str],
    /// The operation that deletes one resource of this kind, by id.
    pub deleting: Option<&'static str>,
    /// Rank of `deleting` in a case's teardown order (lower first); `None` for kinds
    /// torn down with their parent.
    pub teardown: Option<usize>,
    /// States AWS leaves on its own: the harness waits for them to settle.
    pub settling: &'static [SettlingState],
    /// The ARN resource segment and whether the ARN is regional, per the Direct Connect
    /// ARN formats (`arn:aws:directconnect:region:account:dxcon/dxcon-…`,
    /// `arn:aws:directconnect::account:dx-gateway/<uuid>`); `None` for kinds without ARNs.
    pub arn: Option<(&'static str, bool)>,
}

impl ResourceDescriptor {
    /// The kebab name (`virtual-interface`), used in budgets and dry runs.
    pub fn name(&self) -> &'static str {
        self.lifecycle.name
    }

    /// Whether `state` is one AWS leaves on its own.
    pub fn settles(&self, state: &str) -> bool {
        self.settling.iter().any(|s| s.state == state)
    }

    /// Whether `operation` answers with a new resource of this kind.
    pub fn created_by(&self, operation: &str) -> bool {
        self.creating.contains(&operation)
    }
}

/// Every kind's descriptor, in [`ResourceKind`] order.
pub static DESCRIPTORS: &[ResourceDescriptor] = &[
    ResourceDescriptor {
        kind: ResourceKind::Connection,
        lifecycle: &CONNECTION,
        display: "connection",
        describe: "DescribeConnections",
        listed_alone: true,
        nested_in: None,
        list_member: "connections",
        id_member: "connectionId",
        state_member: "connectionState",
        creating: &[
            "CreateConnection",
            "AllocateHostedConnection",
            "AllocateConnectionOnInterconnect",
        ],
        deleting: Some("DeleteConnection"),
        teardown: Some(60),
        settling: &[SettlingState {
            state: "deleting",
            source: "[api] ConnectionState deleting: the connection is being deleted; \
                     [outputs] deleting ⇢ deleted",
        }],
        arn: Some(("dxcon", true)),
    },
    ResourceDescriptor {
        kind: ResourceKind::Interconnect,
        lifecycle: &INTERCONNECT,
        display: "interconnect",
        describe: "DescribeInterconnects",
        listed_alone: true,
        nested_in: None,
        list_member: "interconnects",
        id_member: "interconnectId",
        state_member: "interconnectState",
        creating: &["CreateInterconnect"],
        deleting: Some("DeleteInterconnect"),
        teardown: Some(70),
        settling: &[SettlingState {
            state: "deleting",
            source: "[spec] InterconnectState enum; [outputs] deleting ⇢ deleted",
        }],
        arn: Some(("dxcon", true)),
    },
    ResourceDescriptor {
        kind: ResourceKind::Lag,
        lifecycle: &LAG,
        display: "lag",
        describe: "DescribeLags",
        listed_alone: true,
        nested_in: None,
        list_member: "lags",
        id_member: "lagId",
        state_member: "lagState",
        creating: &["CreateLag"],
        deleting: Some("DeleteLag"),
        teardown: Some(55),
        settling: &[SettlingState {
            state: "deleting",
            source: "[spec] LagState enum; [outputs] deleting ⇢ deleted",
        }],
        arn: Some(("dxlag", true)),
    },
    ResourceDescriptor {
        kind: ResourceKind::VirtualInterface,
        lifecycle: &VIRTUAL_INTERFACE,
        display: "virtual interface",
        describe: "DescribeVirtualInterfaces",
        listed_alone: true,
        nested_in: None,
        list_member: "virtualInterfaces",
        id_member: "virtualInterfaceId",
        state_member: "virtualInterfaceState",
        creating: VifStep::CREATING,
        deleting: Some("DeleteVirtualInterface"),
        teardown: Some(10),
        settling: &[
            SettlingState {
                state: "verifying",
                source: "[api] VirtualInterfaceState verifying: a public VIF awaiting \
                         verification of its addresses; [outputs] verifying ⇢ pending",
            },
            SettlingState {
                state: "pending",
                source: "[outputs] Create{Private,Transit}VirtualInterface answer pending; \
                         pending ⇢ available | down",
            },
            SettlingState {
                state: "deleting",
                source: "[outputs] DeleteVirtualInterface answers deleting ⇢ deleted",
            },
        ],
        arn: Some(("dxvif", true)),
    },
    ResourceDescriptor {
        kind: ResourceKind::BgpPeer,
        lifecycle: &BGP_PEER,
        display: "BGP peer",
        describe: "DescribeVirtualInterfaces",
        listed_alone: false,
        nested_in: Some(ResourceKind::VirtualInterface),
        list_member: "bgpPeers",
        id_member: "bgpPeerId",
        state_member: "bgpPeerState",
        creating: &["CreateBGPPeer"],
        deleting: Some("DeleteBGPPeer"),
        teardown: None,
        settling: &[],
        arn: None,
    },
    ResourceDescriptor {
        kind: ResourceKind::DirectConnectGateway,
        lifecycle: &DIRECT_CONNECT_GATEWAY,
        display: "gateway",
        describe: "DescribeDirectConnectGateways",
        listed_alone: true,
        nested_in: None,
        list_member: "directConnectGateways",
        id_member: "directConnectGatewayId",
        state_member: "directConnectGatewayState",
        creating: &["CreateDirectConnectGateway"],
        deleting: Some("DeleteDirectConnectGateway"),
        teardown: Some(30),
        settling: &[
            SettlingState {
                state: "pending",
                source: "[outputs] CreateDirectConnectGateway answers pending or available; \
                         pending ⇢ available",
            },
            SettlingState {
                state: "deleting",
                source: "[outputs] DeleteDirectConnectGateway answers deleting ⇢ deleted",
            },
        ],
        arn: Some(("dx-gateway", false)),
    },
    ResourceDescriptor {
        kind: ResourceKind::GatewayAssociation,
        lifecycle: &GATEWAY_ASSOCIATION,
        display: "gateway association",
        describe: "DescribeDirectConnectGatewayAssociations",
        listed_alone: false,
        nested_in: None,
        list_member: "directConnectGatewayAssociations",
        id_member: "associationId",
        state_member: "associationState",
        creating: &[
            "CreateDirectConnectGatewayAssociation",
            "AcceptDirectConnectGatewayAssociationProposal",
        ],
        deleting: Some("DeleteDirectConnectGatewayAssociation"),
        teardown: Some(20),
        // Not `associating`: AWS keeps an association there for over 15 and even 45
        // minutes (terraform-provider-aws #9225, #14328), past any wait a run can afford.
        settling: &[],
        arn: None,
    },
    ResourceDescriptor {
        kind: ResourceKind::AssociationProposal,
        lifecycle: &ASSOCIATION_PROPOSAL,
        display: "association proposal",
        describe: "DescribeDirectConnectGatewayAssociationProposals",
        listed_alone: false,
        nested_in: None,
        list_member: "directConnectGatewayAssociationProposals",
        id_member: "proposalId",
        state_member: "proposalState",
        creating: &["CreateDirectConnectGatewayAssociationProposal"],
        deleting: Some("DeleteDirectConnectGatewayAssociationProposal"),
        teardown: Some(25),
        settling: &[],
        arn: None,
    },
    ResourceDescriptor {
        kind: ResourceKind::GatewayAttachment,
        lifecycle: &GATEWAY_ATTACHMENT,
        display: "gateway attachment",
        describe: "DescribeDirectConnectGatewayAttachments",
        listed_alone: false,
        nested_in: None,
        list_member: "directConnectGatewayAttachments",
        id_member: "virtualInterfaceId",
        state_member: "attachmentState",
        creating: &[],
        deleting: None,
        teardown: None,
        settling: &[],
        arn: None,
    },
    ResourceDescriptor {
        kind: ResourceKind::ResiliencyGroup,
        lifecycle: &RESILIENCY_GROUP,
        display: "resiliency group",
        // ListResiliencyGroups lists the caller's groups (GetResiliencyGroup answers one,
        // outside a list).
        describe: "ListResiliencyGroups",
        listed_alone: true,
        nested_in: None,
        list_member: "items",
        id_member: "resiliencyGroupId",
        state_member: "state",
        creating: &["CreateResiliencyGroup"],
        deleting: Some("DeleteResiliencyGroup"),
        // Before the connections it groups.
        teardown: Some(35),
        // [api] DeleteResiliencyGroup: "Deletion is asynchronous: the resiliency group
        // transitions through the deleting state before it reaches the deleted state";
        // but the list takes no id to poll one group by, so nothing is waited for.
        settling: &[],
        // [spec] ResiliencyGroupArn: arn:aws:directconnect::<account>:dx-resiliency-group/dxrg-….
        arn: Some(("dx-resiliency-group", false)),
    },
];

impl ResourceKind {
    /// Every kind, in declaration order.
    pub const ALL: [ResourceKind; 10] = [
        ResourceKind::Connection,
        ResourceKind::Interconnect,
        ResourceKind::Lag,
        ResourceKind::VirtualInterface,
        ResourceKind::BgpPeer,
        ResourceKind::DirectConnectGateway,
        ResourceKind::GatewayAssociation,
        ResourceKind::AssociationProposal,
        ResourceKind::GatewayAttachment,
        ResourceKind::ResiliencyGroup,
    ];

    /// This kind's descriptor.
    pub fn descriptor(self) -> &'static ResourceDescriptor {
        &DESCRIPTORS[self as usize]
    }

    /// The kind an operation answers with a new resource of, if any.
    pub fn created_by(operation: &str) -> Option<ResourceKind> {
        DESCRIPTORS
            .iter()
            .find(|d| d.created_by(operation))
            .map(|d| d.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ShapeType, Spec};

    /// The structure shape of one item of `list` in `structure`.
    fn item_shape(spec: &'static Spec, structure: &str, list: &str) -> &'static str {
        let list_shape = &spec.shapes[structure].members[list].shape;
        let member = spec.shapes[list_shape.as_str()]
            .member
            .as_ref()
            .unwrap_or_else(|| panic!("{structure}.{list} is not a list"));
        &member.shape
    }

    #[test]
    fn the_table_is_in_kind_order_and_names_each_lifecycle_once() {
        for (i, d) in DESCRIPTORS.iter().enumerate() {
            assert_eq!(d.kind as usize, i, "{:?}", d.kind);
            assert_eq!(ResourceKind::ALL[i], d.kind);
            assert_eq!(d.kind.lifecycle().name, d.name());
        }
    }

    #[test]
    fn describe_operations_list_id_and_state_members_exist_in_the_spec() {
        let spec = Spec::builtin();
        for d in DESCRIPTORS {
            let op = spec
                .operation(d.describe)
                .unwrap_or_else(|| panic!("{} not in the spec", d.describe));
            let output = op.output.as_deref().expect("Describe has an output");
            let holder = match d.nested_in {
                None => output.to_owned(),
                Some(parent) => {
                    let p = parent.descriptor();
                    assert_eq!(p.describe, d.describe, "{:?}", d.kind);
                    item_shape(spec, output, p.list_member).to_owned()
                }
            };
            let item = item_shape(spec, &holder, d.list_member);
            let shape = &spec.shapes[item];
            assert_eq!(shape.shape_type, ShapeType::Structure, "{item}");
            for member in [d.id_member, d.state_member] {
                assert!(
                    shape.members.get(member).is_some(),
                    "{item} has no {member} ({:?})",
                    d.kind
                );
            }
            let state = spec.member_shape(item, d.state_member).unwrap();
            assert_eq!(
                spec.shapes
                    .get(d.lifecycle.enum_shape)
                    .map(|s| &s.enum_values),
                Some(&state.enum_values),
                "{:?}: the state member is the lifecycle's enum",
                d.kind
            );
        }
    }

    #[test]
    fn creating_and_deleting_operations_exist_and_are_lifecycle_calls() {
        let spec = Spec::builtin();
        for d in DESCRIPTORS {
            for op in d.creating {
                assert!(spec.operation(op).is_some(), "{op}");
                assert!(
                    d.lifecycle
                        .calls
                        .iter()
                        .any(|(from, _, call)| *from == "[*]" && call == op),
                    "{op} does not create a {} in its lifecycle",
                    d.name()
                );
            }
            if let Some(op) = d.deleting {
                let input = spec.operation(op).and_then(|o| o.input.clone()).unwrap();
                let members = &spec.shapes[input.as_str()].members;
                assert!(
                    members.get(d.id_member).is_some(),
                    "{op} takes no {}",
                    d.id_member
                );
            }
            assert!(d.teardown.is_none() || d.deleting.is_some(), "{:?}", d.kind);
        }
    }

    #[test]
    fn settling_states_are_states_with_an_edge_out_and_a_source() {
        for d in DESCRIPTORS {
            for s in d.settling {
                assert!(d.lifecycle.index(s.state).is_some(), "{}", s.state);
                assert!(
                    d.lifecycle.edges.iter().any(|(from, _)| *from == s.state),
                    "{} {} has no asynchronous edge out",
                    d.name(),
                    s.state
                );
                assert!(
                    ["[api]", "[outputs]", "[spec]"]
                        .iter()
                        .any(|tag| s.source.starts_with(tag)),
                    "{}",
                    s.source
                );
            }
        }
    }

    #[test]
    fn the_kinds_with_arns_are_the_taggable_ones() {
        let with_arns: Vec<ResourceKind> = DESCRIPTORS
            .iter()
            .filter(|d| d.arn.is_some())
            .map(|d| d.kind)
            .collect();
        let mut taggable = ResourceKind::TAGGABLE.to_vec();
        taggable.sort();
        assert_eq!(with_arns, taggable);
    }

    #[test]
    fn an_operation_creates_at_most_one_kind() {
        let mut seen = std::collections::BTreeSet::new();
        for d in DESCRIPTORS {
            for op in d.creating {
                assert!(seen.insert(*op), "{op} creates two kinds");
            }
        }
        assert_eq!(
            ResourceKind::created_by("AllocateTransitVirtualInterface"),
            Some(ResourceKind::VirtualInterface)
        );
        assert_eq!(ResourceKind::created_by("DescribeLags"), None);
    }
}
