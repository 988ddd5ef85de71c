//! Steps of the virtual-interface family: virtual interfaces (create, allocate for
//! another account, confirm, describe, update, associate, delete), their BGP peers,
//! router configurations, routes, BGP failover tests and their history, and the
//! account's virtual private gateways.

use serde::{Deserialize, Serialize};

use super::FamilyStep;
use crate::model::{HandleRef, Tag};
use crate::vocab::Principal;

/// BGP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AddressFamily {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

impl AddressFamily {
    /// The API's value.
    pub fn name(self) -> &'static str {
        match self {
            AddressFamily::Ipv4 => "ipv4",
            AddressFamily::Ipv6 => "ipv6",
        }
    }
}

/// The inputs of a new BGP peer on a virtual interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewBgpPeer {
    /// Caller.
    pub by: Principal,
    /// The VIF.
    pub target: HandleRef,
    /// Customer-side ASN.
    pub asn: u32,
    /// Address family.
    pub family: AddressFamily,
    /// BGP auth key, or one chosen by AWS. Serialized as its length only.
    #[serde(with = "crate::model::secret", default)]
    pub auth_key: Option<String>,
    /// Index of the public /30 for public IPv4 peers.
    pub subnet: u8,
}

/// The inputs of a new (or allocated) virtual interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVif {
    /// Caller.
    pub by: Principal,
    /// The connection it is created on.
    pub connection: HandleRef,
    /// VLAN, 1–4094.
    pub vlan: u16,
    /// Customer-side ASN, 1–2147483646.
    pub asn: u32,
    /// MTU (private: 1500|9001; transit: 1500|8500; the model maps it per type), or default.
    pub mtu: Option<u16>,
    /// Name (a–z, 0–9, hyphen).
    pub name: String,
    /// BGP auth key (6–80 characters), or one chosen by AWS. Serialized as its length only.
    #[serde(with = "crate::model::secret", default)]
    pub auth_key: Option<String>,
    /// Address family of the first BGP peer (public VIFs; private and transit use IPv4).
    pub family: AddressFamily,
    /// A Direct Connect gateway of the case (private: `None` uses a virtual private gateway).
    pub gateway: Option<HandleRef>,
    /// Index into the VIF owner's virtual private gateways.
    pub vgw: u8,
    /// Index of the public /30 used for public IPv4 addresses.
    pub subnet: u8,
    /// Tags given at creation (not given for allocations).
    pub tags: Vec<Tag>,
}

/// Steps of the virtual-interface family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum VifStep {
    /// CreatePrivateVirtualInterface on the caller's connection.
    CreatePrivateVirtualInterface(NewVif),
    /// CreatePublicVirtualInterface on the caller's connection.
    CreatePublicVirtualInterface(NewVif),
    /// CreateTransitVirtualInterface on the caller's connection, to a gateway.
    CreateTransitVirtualInterface(NewVif),
    /// AllocatePrivateVirtualInterface for the other account.
    AllocatePrivateVirtualInterface(NewVif),
    /// AllocatePublicVirtualInterface for the other account.
    AllocatePublicVirtualInterface(NewVif),
    /// AllocateTransitVirtualInterface for the other account.
    AllocateTransitVirtualInterface(NewVif),
    /// ConfirmPrivateVirtualInterface of an allocated private VIF.
    ConfirmPrivateVirtualInterface {
        /// Caller.
        by: Principal,
        /// The VIF (among private VIFs).
        target: HandleRef,
        /// A Direct Connect gateway, or `None` for a virtual private gateway.
        gateway: Option<HandleRef>,
        /// Index into the caller's virtual private gateways.
        vgw: u8,
    },
    /// ConfirmPublicVirtualInterface of an allocated public VIF.
    ConfirmPublicVirtualInterface {
        /// Caller.
        by: Principal,
        /// The VIF (among public VIFs).
        target: HandleRef,
    },
    /// ConfirmTransitVirtualInterface of an allocated transit VIF.
    ConfirmTransitVirtualInterface {
        /// Caller.
        by: Principal,
        /// The VIF (among transit VIFs).
        target: HandleRef,
        /// The Direct Connect gateway.
        gateway: HandleRef,
    },
    /// DescribeVirtualInterfaces, of one VIF or all.
    DescribeVirtualInterfaces {
        /// Caller.
        by: Principal,
        /// One VIF, or `None` for all.
        target: Option<HandleRef>,
    },
    /// DeleteVirtualInterface.
    DeleteVirtualInterface {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
    },
    /// UpdateVirtualInterfaceAttributes (name and/or MTU).
    UpdateVirtualInterfaceAttributes {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
        /// New name.
        name: Option<String>,
        /// New MTU (mapped per type as for creation; dropped for public VIFs).
        mtu: Option<u16>,
    },
    /// AssociateVirtualInterface with another connection.
    AssociateVirtualInterface {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
        /// The connection.
        connection: HandleRef,
    },
    /// DescribeRouterConfiguration of a VIF.
    DescribeRouterConfiguration {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
    },
    /// ListVirtualInterfaceTestHistory (BGP failover tests), of one VIF or of the account.
    ListVirtualInterfaceTestHistory {
        /// Caller.
        by: Principal,
        /// One VIF, or `None` for every test of the caller's account.
        target: Option<HandleRef>,
    },
    /// ListVirtualInterfaceRoutes of a VIF, with or without a route-direction filter.
    ListVirtualInterfaceRoutes {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
        /// `filters.routeDirection`: `Some(true)` accepted, `Some(false)` advertised.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        accepted: Option<bool>,
    },
    /// StartBgpFailoverTest on a VIF.
    StartBgpFailoverTest {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
        /// testDurationInMinutes, or the default (180).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u16>,
        /// Name the VIF's first BGP peer in `bgpPeers`.
        #[serde(default)]
        peers: bool,
    },
    /// StopBgpFailoverTest on a VIF.
    StopBgpFailoverTest {
        /// Caller.
        by: Principal,
        /// The VIF.
        target: HandleRef,
    },
    /// DescribeVirtualGateways of the caller's account.
    DescribeVirtualGateways {
        /// Caller.
        by: Principal,
    },
    /// CreateBGPPeer on a VIF.
    #[serde(rename = "CreateBGPPeer")]
    CreateBgpPeer(NewBgpPeer),
    /// DeleteBGPPeer by id.
    #[serde(rename = "DeleteBGPPeer")]
    DeleteBgpPeer {
        /// Caller.
        by: Principal,
        /// The peer.
        target: HandleRef,
    },
}

impl VifStep {
    /// Operations of this family.
    pub const OPERATIONS: &'static [&'static str] = &[
        "CreatePrivateVirtualInterface",
        "CreatePublicVirtualInterface",
        "CreateTransitVirtualInterface",
        "AllocatePrivateVirtualInterface",
        "AllocatePublicVirtualInterface",
        "AllocateTransitVirtualInterface",
        "ConfirmPrivateVirtualInterface",
        "ConfirmPublicVirtualInterface",
        "ConfirmTransitVirtualInterface",
        "DescribeVirtualInterfaces",
        "DeleteVirtualInterface",
        "UpdateVirtualInterfaceAttributes",
        "AssociateVirtualInterface",
        "DescribeRouterConfiguration",
        "ListVirtualInterfaceTestHistory",
        "ListVirtualInterfaceRoutes",
        "StartBgpFailoverTest",
        "StopBgpFailoverTest",
        "DescribeVirtualGateways",
        "CreateBGPPeer",
        "DeleteBGPPeer",
    ];

    /// The operations that make a new virtual interface: the first six of
    /// [`VifStep::OPERATIONS`], the steps [`VifStep::new_vif`] answers for.
    pub const CREATING: &'static [&'static str] = Self::OPERATIONS.split_at(6).0;

    /// The new virtual interface of a create or allocate step.
    pub fn new_vif(&self) -> Option<&NewVif> {
        match self {
            VifStep::CreatePrivateVirtualInterface(n)
            | VifStep::CreatePublicVirtualInterface(n)
            | VifStep::CreateTransitVirtualInterface(n)
            | VifStep::AllocatePrivateVirtualInterface(n)
            | VifStep::AllocatePublicVirtualInterface(n)
            | VifStep::AllocateTransitVirtualInterface(n) => Some(n),
            _ => None,
        }
    }
}

impl FamilyStep for VifStep {
    fn operation(&self) -> &'static str {
        match self {
            VifStep::CreatePrivateVirtualInterface(_) => "CreatePrivateVirtualInterface",
            VifStep::CreatePublicVirtualInterface(_) => "CreatePublicVirtualInterface",
            VifStep::CreateTransitVirtualInterface(_) => "CreateTransitVirtualInterface",
            VifStep::AllocatePrivateVirtualInterface(_) => "AllocatePrivateVirtualInterface",
            VifStep::AllocatePublicVirtualInterface(_) => "AllocatePublicVirtualInterface",
            VifStep::AllocateTransitVirtualInterface(_) => "AllocateTransitVirtualInterface",
            VifStep::ConfirmPrivateVirtualInterface { .. } => "ConfirmPrivateVirtualInterface",
            VifStep::ConfirmPublicVirtualInterface { .. } => "ConfirmPublicVirtualInterface",
            VifStep::ConfirmTransitVirtualInterface { .. } => "ConfirmTransitVirtualInterface",
            VifStep::DescribeVirtualInterfaces { .. } => "DescribeVirtualInterfaces",
            VifStep::DeleteVirtualInterface { .. } => "DeleteVirtualInterface",
            VifStep::UpdateVirtualInterfaceAttributes { .. } => "UpdateVirtualInterfaceAttributes",
            VifStep::AssociateVirtualInterface { .. } => "AssociateVirtualInterface",
            VifStep::DescribeRouterConfiguration { .. } => "DescribeRouterConfiguration",
            VifStep::ListVirtualInterfaceTestHistory { .. } => "ListVirtualInterfaceTestHistory",
            VifStep::ListVirtualInterfaceRoutes { .. } => "ListVirtualInterfaceRoutes",
            VifStep::StartBgpFailoverTest { .. } => "StartBgpFailoverTest",
            VifStep::StopBgpFailoverTest { .. } => "StopBgpFailoverTest",
            VifStep::DescribeVirtualGateways { .. } => "DescribeVirtualGateways",
            VifStep::CreateBgpPeer(_) => "CreateBGPPeer",
            VifStep::DeleteBgpPeer { .. } => "DeleteBGPPeer",
        }
    }

    fn principal(&self) -> Principal {
        match self {
            VifStep::CreatePrivateVirtualInterface(n)
            | VifStep::CreatePublicVirtualInterface(n)
            | VifStep::CreateTransitVirtualInterface(n)
            | VifStep::AllocatePrivateVirtualInterface(n)
            | VifStep::AllocatePublicVirtualInterface(n)
            | VifStep::AllocateTransitVirtualInterface(n) => n.by,
            VifStep::ConfirmPrivateVirtualInterface { by, .. }
            | VifStep::ConfirmPublicVirtualInterface { by, .. }
            | VifStep::ConfirmTransitVirtualInterface { by, .. }
            | VifStep::DescribeVirtualInterfaces { by, .. }
            | VifStep::DeleteVirtualInterface { by, .. }
            | VifStep::UpdateVirtualInterfaceAttributes { by, .. }
            | VifStep::AssociateVirtualInterface { by, .. }
            | VifStep::DescribeRouterConfiguration { by, .. }
            | VifStep::ListVirtualInterfaceTestHistory { by, .. }
            | VifStep::ListVirtualInterfaceRoutes { by, .. }
            | VifStep::StartBgpFailoverTest { by, .. }
            | VifStep::StopBgpFailoverTest { by, .. }
            | VifStep::DescribeVirtualGateways { by }
            | VifStep::DeleteBgpPeer { by, .. } => *by,
            VifStep::CreateBgpPeer(peer) => peer.by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Step;

    #[test]
    fn creating_is_every_create_and_allocate_of_a_vif() {
        let makes_a_vif = |op: &&str| {
            (op.starts_with("Create") || op.starts_with("Allocate"))
                && op.ends_with("VirtualInterface")
        };
        let all: Vec<&str> = VifStep::OPERATIONS
            .iter()
            .copied()
            .filter(makes_a_vif)
            .collect();
        assert_eq!(all, VifStep::CREATING);
    }

    #[test]
    fn steps_round_trip_with_the_operation_as_op() {
        let create = Step::Vif(VifStep::CreatePrivateVirtualInterface(NewVif {
            by: Principal::Owner,
            connection: HandleRef(1),
            vlan: 101,
            asn: 65000,
            mtu: Some(9001),
            name: "v".into(),
            // A stand-in survives the round trip; a real key is written as its length only.
            auth_key: Some(crate::model::secret::stand_in(10)),
            family: AddressFamily::Ipv4,
            gateway: None,
            vgw: 0,
            subnet: 3,
            tags: Vec::new(),
        }));
        let peer = Step::Vif(VifStep::CreateBgpPeer(NewBgpPeer {
            by: Principal::Partner,
            target: HandleRef(0),
            asn: 1,
            family: AddressFamily::Ipv6,
            auth_key: None,
            subnet: 0,
        }));
        for step in [create, peer] {
            let json = serde_json::to_value(&step).unwrap();
            assert_eq!(json["op"], step.operation());
            assert!(
                !json.to_string().contains("dxconformkey"),
                "no key in {json}"
            );
            assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
        }
    }
}
