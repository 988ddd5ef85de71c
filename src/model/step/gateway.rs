//! Steps of the Direct Connect gateway family: gateways, their associations with
//! virtual private gateways, association proposals across accounts, and attachments.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, Tag};
use crate::vocab::Principal;

/// Steps of the gateway family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum GatewayStep {
    /// CreateDirectConnectGateway.
    CreateDirectConnectGateway {
        /// Caller.
        by: Principal,
        /// Name.
        name: String,
        /// Amazon-side ASN (64512–65534 or 4200000000–4294967294), or the default.
        asn: Option<u64>,
        /// Tags given at creation.
        tags: Vec<Tag>,
    },
    /// DescribeDirectConnectGateways, of one gateway or all.
    DescribeDirectConnectGateways {
        /// Caller.
        by: Principal,
        /// One gateway, or `None` for all.
        target: Option<HandleRef>,
    },
    /// UpdateDirectConnectGateway renaming a gateway.
    UpdateDirectConnectGateway {
        /// Caller.
        by: Principal,
        /// The gateway.
        target: HandleRef,
        /// New name.
        name: String,
    },
    /// DeleteDirectConnectGateway.
    DeleteDirectConnectGateway {
        /// Caller.
        by: Principal,
        /// The gateway.
        target: HandleRef,
    },
    /// CreateDirectConnectGatewayAssociation with one of the caller's virtual private gateways.
    CreateDirectConnectGatewayAssociation {
        /// Caller.
        by: Principal,
        /// The gateway.
        gateway: HandleRef,
        /// Index into the caller's virtual private gateways.
        vgw: u8,
    },
    /// DescribeDirectConnectGatewayAssociations, of one association, one gateway's, or all.
    DescribeDirectConnectGatewayAssociations {
        /// Caller.
        by: Principal,
        /// One association.
        target: Option<HandleRef>,
        /// One gateway's associations (when no association is named).
        gateway: Option<HandleRef>,
    },
    /// UpdateDirectConnectGatewayAssociation adding an allowed prefix.
    UpdateDirectConnectGatewayAssociation {
        /// Caller.
        by: Principal,
        /// The association.
        target: HandleRef,
        /// Which 10.n.0.0/16 prefix to allow.
        prefix: u8,
    },
    /// DeleteDirectConnectGatewayAssociation.
    DeleteDirectConnectGatewayAssociation {
        /// Caller.
        by: Principal,
        /// The association.
        target: HandleRef,
    },
    /// CreateDirectConnectGatewayAssociationProposal for another account's gateway.
    CreateDirectConnectGatewayAssociationProposal {
        /// Caller (the virtual private gateway's owner).
        by: Principal,
        /// The gateway.
        gateway: HandleRef,
        /// Index into the caller's virtual private gateways.
        vgw: u8,
    },
    /// DescribeDirectConnectGatewayAssociationProposals, of one proposal or all.
    DescribeDirectConnectGatewayAssociationProposals {
        /// Caller.
        by: Principal,
        /// One proposal, or `None` for all.
        target: Option<HandleRef>,
    },
    /// AcceptDirectConnectGatewayAssociationProposal.
    AcceptDirectConnectGatewayAssociationProposal {
        /// Caller (the gateway's owner).
        by: Principal,
        /// The proposal.
        target: HandleRef,
    },
    /// DeleteDirectConnectGatewayAssociationProposal.
    DeleteDirectConnectGatewayAssociationProposal {
        /// Caller (the proposer).
        by: Principal,
        /// The proposal.
        target: HandleRef,
    },
    /// DescribeDirectConnectGatewayAttachments of a gateway.
    DescribeDirectConnectGatewayAttachments {
        /// Caller.
        by: Principal,
        /// The gateway.
        gateway: HandleRef,
    },
}

operations_by_variant!(
    GatewayStep:
    CreateDirectConnectGateway,
    DescribeDirectConnectGateways,
    UpdateDirectConnectGateway,
    DeleteDirectConnectGateway,
    CreateDirectConnectGatewayAssociation,
    DescribeDirectConnectGatewayAssociations,
    UpdateDirectConnectGatewayAssociation,
    DeleteDirectConnectGatewayAssociation,
    CreateDirectConnectGatewayAssociationProposal,
    DescribeDirectConnectGatewayAssociationProposals,
    AcceptDirectConnectGatewayAssociationProposal,
    DeleteDirectConnectGatewayAssociationProposal,
    DescribeDirectConnectGatewayAttachments,
);
