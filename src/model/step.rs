//! Symbolic operations: what a plan is made of.

use serde::{Deserialize, Serialize};

use super::{HandleRef, Tag};
use crate::target::Principal;

/// One operation over symbolic handles. Serializable, so failing plans can be
/// saved as replay files and re-executed against any target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum Step {
    /// CreateConnection at the `location`-th location of the run's pool.
    CreateConnection {
        /// Caller.
        by: Principal,
        /// Index into the location pool (modulo its size).
        location: u8,
        /// Bandwidth, e.g. `1Gbps`.
        bandwidth: String,
        /// Connection name.
        name: String,
        /// Tags given at creation.
        tags: Vec<Tag>,
    },
    /// DescribeConnections, of one connection or all.
    DescribeConnections {
        /// Caller.
        by: Principal,
        /// One connection, or `None` for all.
        target: Option<HandleRef>,
    },
    /// UpdateConnection renaming a connection.
    UpdateConnection {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
        /// New name.
        name: String,
    },
    /// DeleteConnection.
    DeleteConnection {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
    },
    /// DescribeLocations.
    DescribeLocations {
        /// Caller.
        by: Principal,
    },
    /// TagResource on a connection's ARN.
    TagResource {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
        /// Tags to add or replace.
        tags: Vec<Tag>,
    },
    /// UntagResource on a connection's ARN.
    UntagResource {
        /// Caller.
        by: Principal,
        /// The connection.
        target: HandleRef,
        /// Keys to remove.
        keys: Vec<String>,
    },
    /// DescribeTags of connections' ARNs.
    DescribeTags {
        /// Caller.
        by: Principal,
        /// The connections (at least one).
        targets: Vec<HandleRef>,
    },
}

impl Step {
    /// The API operation this step calls.
    pub fn operation(&self) -> &'static str {
        match self {
            Step::CreateConnection { .. } => "CreateConnection",
            Step::DescribeConnections { .. } => "DescribeConnections",
            Step::UpdateConnection { .. } => "UpdateConnection",
            Step::DeleteConnection { .. } => "DeleteConnection",
            Step::DescribeLocations { .. } => "DescribeLocations",
            Step::TagResource { .. } => "TagResource",
            Step::UntagResource { .. } => "UntagResource",
            Step::DescribeTags { .. } => "DescribeTags",
        }
    }

    /// The caller.
    pub fn principal(&self) -> Principal {
        match self {
            Step::CreateConnection { by, .. }
            | Step::DescribeConnections { by, .. }
            | Step::UpdateConnection { by, .. }
            | Step::DeleteConnection { by, .. }
            | Step::DescribeLocations { by }
            | Step::TagResource { by, .. }
            | Step::UntagResource { by, .. }
            | Step::DescribeTags { by, .. } => *by,
        }
    }

    /// Every operation a step can call (the modelled operations).
    pub const OPERATIONS: &'static [&'static str] = &[
        "CreateConnection",
        "DescribeConnections",
        "UpdateConnection",
        "DeleteConnection",
        "DescribeLocations",
        "TagResource",
        "UntagResource",
        "DescribeTags",
    ];
}

/// A sequence of steps: one test case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The steps, in order.
    pub steps: Vec<Step>,
}
