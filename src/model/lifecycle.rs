//! State sets and asynchronous successor edges of each resource type.

use serde::{Deserialize, Serialize};

/// A set of states of one lifecycle, as a bitset over [`Lifecycle::states`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StateSet(pub u32);

impl StateSet {
    /// The empty set.
    pub const EMPTY: StateSet = StateSet(0);

    /// Whether `index` is in the set.
    pub fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    /// Union.
    pub fn union(self, other: StateSet) -> StateSet {
        StateSet(self.0 | other.0)
    }

    /// Intersection.
    pub fn intersect(self, other: StateSet) -> StateSet {
        StateSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The lifecycle of one resource type: its states (the enum of the service model)
/// and the edges along which a state may change without a call.
#[derive(Debug)]
pub struct Lifecycle {
    /// Resource type name, for messages.
    pub name: &'static str,
    /// The states, in the service model's enum order.
    pub states: &'static [&'static str],
    /// The service model's enum shape of the state member (a test keeps `states` equal to it).
    pub enum_shape: &'static str,
    /// Asynchronous edges `from ⇢ to`.
    pub edges: &'static [(&'static str, &'static str)],
    /// Edges made by calls `(from, to, operation)`: `[*]` creates, `*` is any state not gone.
    pub calls: &'static [(&'static str, &'static str, &'static str)],
    /// States in which a resource counts as gone (deleted, rejected).
    pub gone: &'static [&'static str],
    /// What each single state reaches along `edges`, worked out on first use
    /// ([`Lifecycle::closure`] runs for every state a run observes).
    reach: std::sync::OnceLock<Vec<StateSet>>,
}

impl Lifecycle {
    /// Index of a state name; `None` if the lifecycle does not know it.
    pub fn index(&self, state: &str) -> Option<usize> {
        self.states.iter().position(|s| *s == state)
    }

    /// The set of the named states (names must be known; unknown names are ignored).
    pub fn set(&self, states: &[&str]) -> StateSet {
        StateSet(
            states
                .iter()
                .filter_map(|s| self.index(s))
                .fold(0, |acc, i| acc | (1 << i)),
        )
    }

    /// Every state reachable from `set` along asynchronous edges (including `set`).
    pub fn closure(&self, set: StateSet) -> StateSet {
        let reach = self.reach.get_or_init(|| {
            (0..self.states.len())
                .map(|i| self.fixpoint(StateSet(1 << i)))
                .collect()
        });
        reach
            .iter()
            .enumerate()
            .filter(|(i, _)| set.has(*i))
            .fold(set, |all, (_, reached)| all.union(*reached))
    }

    /// `set` and every state reachable from it, edge by edge until nothing is added.
    fn fixpoint(&self, set: StateSet) -> StateSet {
        let mut current = set;
        loop {
            let mut next = current;
            for (from, to) in self.edges {
                if let (Some(f), Some(t)) = (self.index(from), self.index(to)) {
                    if current.has(f) {
                        next.0 |= 1 << t;
                    }
                }
            }
            if next == current {
                return current;
            }
            current = next;
        }
    }

    /// The names in a set, in enum order.
    pub fn names(&self, set: StateSet) -> Vec<&'static str> {
        self.states
            .iter()
            .enumerate()
            .filter(|(i, _)| set.has(*i))
            .map(|(_, s)| *s)
            .collect()
    }

    /// The gone states as a set.
    pub fn gone_set(&self) -> StateSet {
        self.set(self.gone)
    }

    /// All edges of the lifecycle as (from, to) pairs, for coverage pictures.
    pub fn all_edges(&self) -> &'static [(&'static str, &'static str)] {
        self.edges
    }
}

/// Connections (dedicated and hosted).
///
/// Sources: `ConnectionState` enum of the service model (botocore directconnect 2012-10-25);
/// API reference for `Connection.connectionState` ("ordering: the initial state of a hosted
/// connection … requested: the initial state of a standard connection … pending: approved and
/// being initialized … rejected: a hosted connection in the ordering state enters the rejected
/// state if it is deleted by the customer"); LIFECYCLE facts: CreateConnection answers
/// `requested`; DeleteConnection answers `deleted`; available ⇄ down may flap; new LAG member
/// connections are seen `requested` or `down`; Allocate*/AssociateHostedConnection answer
/// `ordering`; ConfirmConnection answers `pending`.
pub static CONNECTION: Lifecycle = Lifecycle {
    name: "connection",
    states: &[
        "ordering",
        "requested",
        "pending",
        "available",
        "down",
        "deleting",
        "deleted",
        "rejected",
        "unknown",
    ],
    enum_shape: "ConnectionState",
    edges: &[
        ("requested", "pending"),
        ("pending", "available"),
        ("pending", "down"),
        ("available", "down"),
        ("down", "available"),
        ("deleting", "deleted"),
    ],
    calls: &[
        ("[*]", "requested", "CreateConnection"),
        ("*", "deleted", "DeleteConnection"),
        ("*", "deleting", "DeleteConnection"),
        ("[*]", "ordering", "AllocateHostedConnection"),
        ("[*]", "ordering", "AllocateConnectionOnInterconnect"),
        ("ordering", "pending", "ConfirmConnection"),
        ("ordering", "rejected", "DeleteConnection"),
        ("[*]", "requested", "CreateLag"),
    ],
    gone: &["deleting", "deleted", "rejected"],
    reach: std::sync::OnceLock::new(),
};

/// Interconnects. Sources: `InterconnectState` enum; LIFECYCLE facts: CreateInterconnect →
/// requested ⇢ pending ⇢ available | down; DeleteInterconnect answers `deleted`.
pub static INTERCONNECT: Lifecycle = Lifecycle {
    name: "interconnect",
    states: &[
        "requested",
        "pending",
        "available",
        "down",
        "deleting",
        "deleted",
        "unknown",
    ],
    enum_shape: "InterconnectState",
    edges: &[
        ("requested", "pending"),
        ("pending", "available"),
        ("pending", "down"),
        ("available", "down"),
        ("down", "available"),
        ("deleting", "deleted"),
    ],
    calls: &[
        ("[*]", "requested", "CreateInterconnect"),
        ("*", "deleted", "DeleteInterconnect"),
        ("*", "deleting", "DeleteInterconnect"),
    ],
    gone: &["deleting", "deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Link aggregation groups. Sources: `LagState` enum; LIFECYCLE facts: CreateLag → requested |
/// pending | available (published output: pending); DeleteLag answers `deleted`; UpdateLag
/// answers the current state.
pub static LAG: Lifecycle = Lifecycle {
    name: "lag",
    states: &[
        "requested",
        "pending",
        "available",
        "down",
        "deleting",
        "deleted",
        "unknown",
    ],
    enum_shape: "LagState",
    edges: &[
        ("requested", "pending"),
        ("pending", "available"),
        ("pending", "down"),
        ("available", "down"),
        ("down", "available"),
        ("deleting", "deleted"),
    ],
    calls: &[
        ("[*]", "pending", "CreateLag"),
        ("[*]", "requested", "CreateLag"),
        ("[*]", "available", "CreateLag"),
        ("*", "deleted", "DeleteLag"),
        ("*", "deleting", "DeleteLag"),
    ],
    gone: &["deleting", "deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Virtual interfaces. Sources: `VirtualInterfaceState` enum and its API reference text
/// (confirming: "created by another account, awaiting the owner's confirmation"; verifying:
/// "public VIF awaiting verification of its addresses"; rejected: "the owner declined");
/// LIFECYCLE facts: Create{Private,Transit} → pending; CreatePublic → verifying;
/// Allocate* → confirming (pending also seen); Confirm{Private,Transit} → pending;
/// ConfirmPublic → verifying; deleting a confirming VIF → rejected; DeleteVirtualInterface →
/// deleting ⇢ deleted; UpdateVirtualInterfaceAttributes/AssociateVirtualInterface → pending;
/// testing during BGP failover tests.
pub static VIRTUAL_INTERFACE: Lifecycle = Lifecycle {
    name: "virtual-interface",
    states: &[
        "confirming",
        "verifying",
        "pending",
        "available",
        "down",
        "testing",
        "deleting",
        "deleted",
        "rejected",
        "unknown",
    ],
    enum_shape: "VirtualInterfaceState",
    edges: &[
        ("verifying", "pending"),
        ("verifying", "available"),
        ("verifying", "down"),
        ("pending", "available"),
        ("pending", "down"),
        ("available", "down"),
        ("down", "available"),
        // [api] "testing … remains in this state during the duration of the test",
        // then back to the BGP state.
        ("testing", "available"),
        ("testing", "down"),
        ("deleting", "deleted"),
    ],
    calls: &[
        ("[*]", "pending", "CreatePrivateVirtualInterface"),
        ("[*]", "pending", "CreateTransitVirtualInterface"),
        ("[*]", "verifying", "CreatePublicVirtualInterface"),
        ("[*]", "pending", "CreatePublicVirtualInterface"),
        ("[*]", "confirming", "AllocatePrivateVirtualInterface"),
        ("[*]", "confirming", "AllocatePublicVirtualInterface"),
        ("[*]", "confirming", "AllocateTransitVirtualInterface"),
        ("confirming", "pending", "ConfirmPrivateVirtualInterface"),
        ("confirming", "pending", "ConfirmTransitVirtualInterface"),
        ("confirming", "verifying", "ConfirmPublicVirtualInterface"),
        ("confirming", "rejected", "DeleteVirtualInterface"),
        ("*", "deleting", "DeleteVirtualInterface"),
        ("*", "pending", "UpdateVirtualInterfaceAttributes"),
        ("*", "pending", "AssociateVirtualInterface"),
        // [api] BGP failover tests put a VIF in `testing`; stopping one ends it.
        ("*", "testing", "StartBgpFailoverTest"),
        ("testing", "available", "StopBgpFailoverTest"),
        ("testing", "down", "StopBgpFailoverTest"),
    ],
    gone: &["deleting", "deleted", "rejected"],
    reach: std::sync::OnceLock::new(),
};

/// BGP peers. Sources: `BGPPeerState` enum; LIFECYCLE facts: CreateBGPPeer → pending ⇢
/// available | verifying; DeleteBGPPeer → deleting ⇢ deleted. A VIF's first peer comes
/// with the VIF: published create and allocate answers carry it in `bgpPeers`, pending
/// ("BGP peer of an allocated transit VIF: pending").
pub static BGP_PEER: Lifecycle = Lifecycle {
    name: "bgp-peer",
    states: &["verifying", "pending", "available", "deleting", "deleted"],
    enum_shape: "BGPPeerState",
    edges: &[
        ("pending", "available"),
        ("pending", "verifying"),
        ("verifying", "available"),
        ("deleting", "deleted"),
    ],
    calls: &[
        ("[*]", "pending", "CreateBGPPeer"),
        ("*", "deleting", "DeleteBGPPeer"),
        ("[*]", "pending", "CreatePrivateVirtualInterface"),
        ("[*]", "pending", "CreatePublicVirtualInterface"),
        ("[*]", "pending", "CreateTransitVirtualInterface"),
        ("[*]", "pending", "AllocatePrivateVirtualInterface"),
        ("[*]", "pending", "AllocatePublicVirtualInterface"),
        ("[*]", "pending", "AllocateTransitVirtualInterface"),
    ],
    gone: &["deleting", "deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Direct Connect gateways. Sources: `DirectConnectGatewayState` enum; LIFECYCLE facts:
/// Create → pending | available (published output: available); Delete → deleting ⇢ deleted.
pub static DIRECT_CONNECT_GATEWAY: Lifecycle = Lifecycle {
    name: "direct-connect-gateway",
    states: &["pending", "available", "deleting", "deleted"],
    enum_shape: "DirectConnectGatewayState",
    edges: &[("pending", "available"), ("deleting", "deleted")],
    calls: &[
        ("[*]", "available", "CreateDirectConnectGateway"),
        ("[*]", "pending", "CreateDirectConnectGateway"),
        ("*", "deleting", "DeleteDirectConnectGateway"),
    ],
    gone: &["deleting", "deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Gateway associations. Sources: `DirectConnectGatewayAssociationState` enum; LIFECYCLE
/// facts: Create → associating ⇢ associated; Update → updating ⇢ associated; Delete →
/// disassociating ⇢ disassociated.
pub static GATEWAY_ASSOCIATION: Lifecycle = Lifecycle {
    name: "gateway-association",
    states: &[
        "associating",
        "associated",
        "disassociating",
        "disassociated",
        "updating",
    ],
    enum_shape: "DirectConnectGatewayAssociationState",
    edges: &[
        ("associating", "associated"),
        ("updating", "associated"),
        ("disassociating", "disassociated"),
    ],
    calls: &[
        (
            "[*]",
            "associating",
            "CreateDirectConnectGatewayAssociation",
        ),
        (
            "[*]",
            "associating",
            "AcceptDirectConnectGatewayAssociationProposal",
        ),
        ("*", "updating", "UpdateDirectConnectGatewayAssociation"),
        (
            "*",
            "disassociating",
            "DeleteDirectConnectGatewayAssociation",
        ),
    ],
    gone: &["disassociating", "disassociated"],
    reach: std::sync::OnceLock::new(),
};

/// Gateway association proposals. Sources: `DirectConnectGatewayAssociationProposalState`
/// enum; LIFECYCLE facts: requested → accepted | deleted.
pub static ASSOCIATION_PROPOSAL: Lifecycle = Lifecycle {
    name: "association-proposal",
    states: &["requested", "accepted", "deleted"],
    enum_shape: "DirectConnectGatewayAssociationProposalState",
    edges: &[],
    calls: &[
        (
            "[*]",
            "requested",
            "CreateDirectConnectGatewayAssociationProposal",
        ),
        (
            "requested",
            "accepted",
            "AcceptDirectConnectGatewayAssociationProposal",
        ),
        (
            "requested",
            "deleted",
            "DeleteDirectConnectGatewayAssociationProposal",
        ),
    ],
    gone: &["deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Gateway attachments (a VIF attached to a gateway). Sources:
/// `DirectConnectGatewayAttachmentState` enum; published Describe outputs show `attaching`.
pub static GATEWAY_ATTACHMENT: Lifecycle = Lifecycle {
    name: "gateway-attachment",
    states: &["attaching", "attached", "detaching", "detached"],
    enum_shape: "DirectConnectGatewayAttachmentState",
    edges: &[("attaching", "attached"), ("detaching", "detached")],
    calls: &[],
    gone: &["detaching", "detached"],
    reach: std::sync::OnceLock::new(),
};

/// Resiliency groups. Sources: `ResiliencyGroupState` enum; [api] DeleteResiliencyGroup
/// "Deletion is asynchronous: the resiliency group transitions through the deleting
/// state before it reaches the deleted state. The response returns the resiliency group
/// so you can observe its current state"; the state a new group is answered in is not
/// documented (pending ⇢ available, assumed).
pub static RESILIENCY_GROUP: Lifecycle = Lifecycle {
    name: "resiliency-group",
    states: &["pending", "available", "deleting", "deleted"],
    enum_shape: "ResiliencyGroupState",
    edges: &[("pending", "available"), ("deleting", "deleted")],
    calls: &[
        ("[*]", "pending", "CreateResiliencyGroup"),
        ("[*]", "available", "CreateResiliencyGroup"),
        ("*", "deleting", "DeleteResiliencyGroup"),
        ("*", "deleted", "DeleteResiliencyGroup"),
    ],
    gone: &["deleting", "deleted"],
    reach: std::sync::OnceLock::new(),
};

/// Every lifecycle the model knows.
pub static LIFECYCLES: &[&Lifecycle] = &[
    &CONNECTION,
    &INTERCONNECT,
    &LAG,
    &VIRTUAL_INTERFACE,
    &BGP_PEER,
    &DIRECT_CONNECT_GATEWAY,
    &GATEWAY_ASSOCIATION,
    &ASSOCIATION_PROPOSAL,
    &GATEWAY_ATTACHMENT,
    &RESILIENCY_GROUP,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closure_of_a_set_is_the_union_of_its_states_closures() {
        for lifecycle in [
            &CONNECTION,
            &INTERCONNECT,
            &LAG,
            &VIRTUAL_INTERFACE,
            &BGP_PEER,
            &DIRECT_CONNECT_GATEWAY,
            &GATEWAY_ASSOCIATION,
            &ASSOCIATION_PROPOSAL,
            &GATEWAY_ATTACHMENT,
            &RESILIENCY_GROUP,
        ] {
            let n = lifecycle.states.len();
            assert!(n <= 12, "{}: every subset is tried", lifecycle.name);
            for bits in 0..(1u32 << n) {
                let set = StateSet(bits);
                assert_eq!(
                    lifecycle.closure(set),
                    lifecycle.fixpoint(set),
                    "{} {bits:b}",
                    lifecycle.name
                );
            }
        }
    }

    #[test]
    fn closure_follows_async_edges_forward_only() {
        let requested = CONNECTION.set(&["requested"]);
        let reach = CONNECTION.names(CONNECTION.closure(requested));
        assert_eq!(reach, vec!["requested", "pending", "available", "down"]);
        let available = CONNECTION.closure(CONNECTION.set(&["available"]));
        assert!(
            !available.has(CONNECTION.index("requested").unwrap()),
            "no regression"
        );
        assert!(
            available.has(CONNECTION.index("down").unwrap()),
            "documented flap"
        );
        let deleted = CONNECTION.closure(CONNECTION.set(&["deleted"]));
        assert_eq!(
            CONNECTION.names(deleted),
            vec!["deleted"],
            "nothing comes back from deleted"
        );
    }

    #[test]
    fn states_equal_the_service_model_enum() {
        let spec = crate::spec::Spec::builtin();
        let values = spec
            .shape("ConnectionState")
            .unwrap()
            .enum_values
            .clone()
            .unwrap();
        assert_eq!(values, CONNECTION.states);
    }
}
