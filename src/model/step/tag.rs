//! Steps on tags, for any taggable resource kind.

use serde::{Deserialize, Serialize};

use super::operations_by_variant;
use crate::model::{HandleRef, ResourceKind, Tag};
use crate::vocab::Principal;

/// Steps on tags, for any taggable resource kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum TagStep {
    /// TagResource on a resource's ARN.
    TagResource {
        /// Caller.
        by: Principal,
        /// Kind of the resource.
        kind: ResourceKind,
        /// The resource.
        target: HandleRef,
        /// Tags to add or replace.
        tags: Vec<Tag>,
    },
    /// UntagResource on a resource's ARN.
    UntagResource {
        /// Caller.
        by: Principal,
        /// Kind of the resource.
        kind: ResourceKind,
        /// The resource.
        target: HandleRef,
        /// Keys to remove.
        keys: Vec<String>,
    },
    /// DescribeTags of resources' ARNs.
    DescribeTags {
        /// Caller.
        by: Principal,
        /// The resources (at least one), each with its kind.
        targets: Vec<(ResourceKind, HandleRef)>,
    },
}

operations_by_variant!(
    TagStep:
    TagResource,
    UntagResource,
    DescribeTags,
);
