//! Resources as the model knows them, addressed by symbolic handles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StateSet;
use crate::target::Principal;

/// Resource types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    /// A dedicated connection.
    Connection,
}

impl ResourceKind {
    /// Kinds that carry tags (TagResource/UntagResource/DescribeTags).
    pub const TAGGABLE: &'static [ResourceKind] = &[ResourceKind::Connection];

    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Connection => "connection",
        }
    }

    /// The lifecycle of this kind.
    pub fn lifecycle(self) -> &'static super::Lifecycle {
        match self {
            ResourceKind::Connection => &super::CONNECTION,
        }
    }

    /// ARN resource segment (`dxcon`), per the Direct Connect ARN formats.
    pub fn arn_segment(self) -> &'static str {
        match self {
            ResourceKind::Connection => "dxcon",
        }
    }
}

/// A resource created within one case: the n-th create of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Handle(pub u32);

/// A reference from a step to an earlier resource of a kind: resolved as the
/// `index % count`-th such resource created before the step. Shrinking that
/// removes a create therefore re-targets the reference instead of breaking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandleRef(pub u8);

/// A tag (key, value).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// What the model knows of one resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Type.
    pub kind: ResourceKind,
    /// Creating principal.
    pub owner: Principal,
    /// Real id once the target answered the create.
    pub id: Option<String>,
    /// States the resource may be in now.
    pub possible: StateSet,
    /// The create succeeded.
    pub created: bool,
    /// A delete succeeded.
    pub deleted: bool,
    /// Echoed attributes (member → value) the target must report.
    pub attributes: BTreeMap<String, Value>,
    /// Current tags.
    pub tags: BTreeMap<String, String>,
}
