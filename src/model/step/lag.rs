//! Steps of the LAG family: LAGs, their member connections, MACsec keys, LOAs and
//! customer metadata.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, ResourceKind, Tag};
use crate::vocab::Principal;

/// Steps of the LAG family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum LagStep {
    /// CreateLag with `count` new member connections.
    CreateLag {
        /// Caller.
        by: Principal,
        /// Index into the location pool.
        location: u8,
        /// Bandwidth of each member (`1Gbps`, `10Gbps`, `100Gbps`, `400Gbps`).
        bandwidth: String,
        /// numberOfConnections.
        count: u8,
        /// LAG name.
        name: String,
        /// Tags given at creation.
        tags: Vec<Tag>,
        /// requestMACSec.
        mac_sec: bool,
        /// An existing connection of the case to bundle (`connectionId`); the LAG then
        /// takes that connection's location and bandwidth.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        connection: Option<HandleRef>,
    },
    /// DescribeLags, of one or all.
    DescribeLags {
        /// Caller.
        by: Principal,
        /// One LAG, or `None` for all.
        target: Option<HandleRef>,
    },
    /// UpdateLag renaming a LAG.
    UpdateLag {
        /// Caller.
        by: Principal,
        /// The LAG.
        target: HandleRef,
        /// New name.
        name: String,
    },
    /// DeleteLag.
    DeleteLag {
        /// Caller.
        by: Principal,
        /// The LAG.
        target: HandleRef,
    },
    /// AssociateConnectionWithLag.
    AssociateConnectionWithLag {
        /// Caller.
        by: Principal,
        /// The connection (any connection of the case).
        connection: HandleRef,
        /// The LAG.
        lag: HandleRef,
    },
    /// DisassociateConnectionFromLag.
    DisassociateConnectionFromLag {
        /// Caller.
        by: Principal,
        /// The member (among the LAG's members).
        connection: HandleRef,
        /// The LAG.
        lag: HandleRef,
    },
    /// AssociateMacSecKey with a CKN/CAK pair.
    AssociateMacSecKey {
        /// Caller.
        by: Principal,
        /// Connection or LAG.
        kind: ResourceKind,
        /// The resource.
        target: HandleRef,
        /// Connection key name (64 hex digits).
        ckn: String,
        /// Connectivity association key (64 hex digits; a secret, serialized as its length only).
        #[serde(with = "crate::model::secret::hex")]
        cak: String,
    },
    /// DisassociateMacSecKey of the key last associated (or of an unknown key).
    DisassociateMacSecKey {
        /// Caller.
        by: Principal,
        /// Connection or LAG.
        kind: ResourceKind,
        /// The resource.
        target: HandleRef,
    },
    /// DescribeLoa of a connection, interconnect or LAG.
    DescribeLoa {
        /// Caller.
        by: Principal,
        /// Connection, interconnect or LAG.
        kind: ResourceKind,
        /// The resource.
        target: HandleRef,
    },
    /// DescribeConnectionLoa (deprecated).
    DescribeConnectionLoa {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
    },
    /// DescribeCustomerMetadata.
    DescribeCustomerMetadata {
        /// Caller.
        by: Principal,
    },
    /// ConfirmCustomerAgreement of an agreement, by name.
    ConfirmCustomerAgreement {
        /// Caller.
        by: Principal,
        /// agreementName (at most 100 characters).
        name: String,
    },
}

operations_by_variant!(
    LagStep:
    CreateLag,
    DescribeLags,
    UpdateLag,
    DeleteLag,
    AssociateConnectionWithLag,
    DisassociateConnectionFromLag,
    AssociateMacSecKey,
    DisassociateMacSecKey,
    DescribeLoa,
    DescribeConnectionLoa,
    DescribeCustomerMetadata,
    ConfirmCustomerAgreement,
);
