//! Steps of the resiliency-group family: resiliency groups and the connections
//! associated with them.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, Tag};
use crate::vocab::Principal;

/// Steps of the resiliency-group family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum ResiliencyStep {
    /// CreateResiliencyGroup.
    CreateResiliencyGroup {
        /// Caller.
        by: Principal,
        /// resiliencyGroupName (letters, digits, `_` and `-`).
        name: String,
        /// intendedResiliencyModel (a `ResiliencyModel` value).
        model: String,
        /// Tags given at creation.
        tags: Vec<Tag>,
    },
    /// GetResiliencyGroup by id.
    GetResiliencyGroup {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
    },
    /// UpdateResiliencyGroup renaming a group.
    UpdateResiliencyGroup {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
        /// New name.
        name: String,
    },
    /// DeleteResiliencyGroup.
    DeleteResiliencyGroup {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
    },
    /// ListResiliencyGroups of the caller's account.
    ListResiliencyGroups {
        /// Caller.
        by: Principal,
    },
    /// AssociateConnectionsToResiliencyGroup.
    AssociateConnectionsToResiliencyGroup {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
        /// The connections (distinct ones are sent once each).
        connections: Vec<HandleRef>,
    },
    /// DisassociateConnectionsFromResiliencyGroup.
    DisassociateConnectionsFromResiliencyGroup {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
        /// The connections (among the group's associated ones, when it has any).
        connections: Vec<HandleRef>,
    },
    /// ListResiliencyGroupAssociations of a group.
    ListResiliencyGroupAssociations {
        /// Caller.
        by: Principal,
        /// The group.
        target: HandleRef,
    },
}

operations_by_variant!(
    ResiliencyStep:
    CreateResiliencyGroup,
    GetResiliencyGroup,
    UpdateResiliencyGroup,
    DeleteResiliencyGroup,
    ListResiliencyGroups,
    AssociateConnectionsToResiliencyGroup,
    DisassociateConnectionsFromResiliencyGroup,
    ListResiliencyGroupAssociations,
);
