//! Steps of the interconnect family: interconnects and the hosted connections
//! partners allocate on them.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, Tag};
use crate::vocab::Principal;

/// Steps of the interconnect family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum InterconnectStep {
    /// CreateInterconnect at the `location`-th location of the pool.
    CreateInterconnect {
        /// Caller (the partner that will host connections).
        by: Principal,
        /// Index into the location pool.
        location: u8,
        /// Port bandwidth (`1Gbps`, `10Gbps`, `100Gbps`).
        bandwidth: String,
        /// Interconnect name.
        name: String,
        /// Tags given at creation.
        tags: Vec<Tag>,
    },
    /// DescribeInterconnects, of one or all.
    DescribeInterconnects {
        /// Caller.
        by: Principal,
        /// One interconnect, or `None` for all.
        target: Option<HandleRef>,
    },
    /// DeleteInterconnect.
    DeleteInterconnect {
        /// Caller.
        by: Principal,
        /// The interconnect.
        target: HandleRef,
    },
    /// DescribeInterconnectLoa.
    DescribeInterconnectLoa {
        /// Caller.
        by: Principal,
        /// The interconnect.
        target: HandleRef,
    },
    /// DescribeConnectionsOnInterconnect (deprecated alias of DescribeHostedConnections).
    DescribeConnectionsOnInterconnect {
        /// Caller.
        by: Principal,
        /// The interconnect.
        target: HandleRef,
    },
    /// AllocateHostedConnection on an interconnect for `owner`.
    AllocateHostedConnection {
        /// Caller (the interconnect's owner, normally).
        by: Principal,
        /// The interconnect.
        target: HandleRef,
        /// The account the hosted connection is for.
        owner: Principal,
        /// Hosted bandwidth (`50Mbps` … `25Gbps`).
        bandwidth: String,
        /// Connection name.
        name: String,
        /// VLAN 1–4094.
        vlan: u16,
        /// Tags given at allocation.
        tags: Vec<Tag>,
    },
    /// AllocateConnectionOnInterconnect (deprecated) for `owner`.
    AllocateConnectionOnInterconnect {
        /// Caller.
        by: Principal,
        /// The interconnect.
        target: HandleRef,
        /// The account the hosted connection is for.
        owner: Principal,
        /// Hosted bandwidth.
        bandwidth: String,
        /// Connection name.
        name: String,
        /// VLAN 1–4094.
        vlan: u16,
    },
    /// DescribeHostedConnections of an interconnect.
    DescribeHostedConnections {
        /// Caller.
        by: Principal,
        /// The interconnect.
        target: HandleRef,
    },
    /// ConfirmConnection of a hosted connection.
    ConfirmConnection {
        /// Caller (its owner account, normally).
        by: Principal,
        /// The hosted connection (among hosted connections of the case).
        target: HandleRef,
    },
    /// AssociateHostedConnection: move a hosted connection to another interconnect.
    AssociateHostedConnection {
        /// Caller (the partner, normally).
        by: Principal,
        /// The hosted connection (among hosted connections of the case).
        connection: HandleRef,
        /// The new parent interconnect.
        parent: HandleRef,
    },
}

/// What a hosted-connection allocation asks for, whichever of the two operations
/// (AllocateHostedConnection, or its deprecated twin AllocateConnectionOnInterconnect,
/// which takes no tags) asks it.
pub(crate) struct HostedAllocation<'a> {
    /// Caller.
    pub by: Principal,
    /// The interconnect.
    pub target: HandleRef,
    /// The account the hosted connection is for.
    pub owner: Principal,
    /// Hosted bandwidth.
    pub bandwidth: &'a str,
    /// Connection name.
    pub name: &'a str,
    /// VLAN 1–4094.
    pub vlan: u16,
    /// Tags given at allocation.
    pub tags: &'a [Tag],
    /// The request member that names the interconnect.
    pub parent_member: &'static str,
}

impl InterconnectStep {
    /// The allocation an AllocateHostedConnection or AllocateConnectionOnInterconnect
    /// step asks for.
    pub(crate) fn hosted_allocation(&self) -> Option<HostedAllocation<'_>> {
        match self {
            InterconnectStep::AllocateHostedConnection {
                by,
                target,
                owner,
                bandwidth,
                name,
                vlan,
                tags,
            } => Some(HostedAllocation {
                by: *by,
                target: *target,
                owner: *owner,
                bandwidth,
                name,
                vlan: *vlan,
                tags,
                parent_member: "connectionId",
            }),
            InterconnectStep::AllocateConnectionOnInterconnect {
                by,
                target,
                owner,
                bandwidth,
                name,
                vlan,
            } => Some(HostedAllocation {
                by: *by,
                target: *target,
                owner: *owner,
                bandwidth,
                name,
                vlan: *vlan,
                tags: &[],
                parent_member: "interconnectId",
            }),
            _ => None,
        }
    }
}

operations_by_variant!(
    InterconnectStep:
    CreateInterconnect,
    DescribeInterconnects,
    DeleteInterconnect,
    DescribeInterconnectLoa,
    DescribeConnectionsOnInterconnect,
    AllocateHostedConnection,
    AllocateConnectionOnInterconnect,
    DescribeHostedConnections,
    ConfirmConnection,
    AssociateHostedConnection,
);
