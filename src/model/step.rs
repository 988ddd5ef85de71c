//! Symbolic operations: what a plan is made of. Each resource family owns its
//! step enum (one concept per file); [`Step`] is their union.

use serde::{Deserialize, Serialize};

use super::{HandleRef, ResourceKind, Tag};
use crate::vocab::Principal;

/// What every family's step tells the runner.
pub trait FamilyStep {
    /// The API operation the step calls.
    fn operation(&self) -> &'static str;
    /// The caller.
    fn principal(&self) -> Principal;
}

/// One operation over symbolic handles. Serializable (each step is an object with
/// an `op` member naming the operation), so failing plans can be saved as replay
/// files and re-executed against any target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Step {
    /// Connections and locations.
    Connection(ConnectionStep),
    /// Tags on any taggable resource.
    Tags(TagStep),
    /// Interconnects and hosted connections.
    Interconnect(super::InterconnectStep),
    /// LAGs, MACsec keys, LOAs and customer metadata.
    Lag(super::LagStep),
    /// Virtual interfaces and BGP peers.
    Vif(super::VifStep),
    /// Direct Connect gateways, associations, proposals and attachments.
    Gateway(super::GatewayStep),
    /// A step of any family with exactly one input rule broken.
    Invalid(super::InvalidStep),
    /// A step sent malformed (broken framing, an unknown member, a mangled id).
    Malformed(super::MalformedStep),
}

impl Step {
    fn family(&self) -> &dyn FamilyStep {
        match self {
            Step::Connection(s) => s,
            Step::Tags(s) => s,
            Step::Interconnect(s) => s,
            Step::Lag(s) => s,
            Step::Vif(s) => s,
            Step::Gateway(s) => s,
            Step::Invalid(s) => s,
            Step::Malformed(s) => s,
        }
    }

    /// The API operation this step calls.
    pub fn operation(&self) -> &'static str {
        self.family().operation()
    }

    /// The caller.
    pub fn principal(&self) -> Principal {
        self.family().principal()
    }

    /// The rule a negative step breaks: an invalid input's rule name, or the kind of
    /// malformed request (`malformed:…`); `None` for a valid step.
    pub fn broken_rule(&self) -> Option<String> {
        match self {
            Step::Invalid(s) => Some(s.invalid.name.clone()),
            Step::Malformed(s) => Some(format!(
                "malformed:{}",
                serde_json::to_value(s.malformed)
                    .ok()
                    .and_then(|v| {
                        let how = v.get("how").map(|h| match h {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        });
                        let kind = v.get("kind")?.as_str()?.to_owned();
                        Some(match how {
                            Some(h) => format!("{kind}:{h}"),
                            None => kind,
                        })
                    })
                    .unwrap_or_default()
            )),
            _ => None,
        }
    }

    /// Every operation a step can call (the modelled operations).
    pub fn operations() -> Vec<&'static str> {
        [
            ConnectionStep::OPERATIONS,
            TagStep::OPERATIONS,
            super::VifStep::OPERATIONS,
            super::GatewayStep::OPERATIONS,
            super::InterconnectStep::OPERATIONS,
            super::LagStep::OPERATIONS,
        ]
        .concat()
    }
}

/// Steps of the connection family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "PascalCase")]
pub enum ConnectionStep {
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
}

impl ConnectionStep {
    /// Operations of this family.
    pub const OPERATIONS: &'static [&'static str] = &[
        "CreateConnection",
        "DescribeConnections",
        "UpdateConnection",
        "DeleteConnection",
        "DescribeLocations",
    ];
}

impl FamilyStep for ConnectionStep {
    fn operation(&self) -> &'static str {
        match self {
            ConnectionStep::CreateConnection { .. } => "CreateConnection",
            ConnectionStep::DescribeConnections { .. } => "DescribeConnections",
            ConnectionStep::UpdateConnection { .. } => "UpdateConnection",
            ConnectionStep::DeleteConnection { .. } => "DeleteConnection",
            ConnectionStep::DescribeLocations { .. } => "DescribeLocations",
        }
    }

    fn principal(&self) -> Principal {
        match self {
            ConnectionStep::CreateConnection { by, .. }
            | ConnectionStep::DescribeConnections { by, .. }
            | ConnectionStep::UpdateConnection { by, .. }
            | ConnectionStep::DeleteConnection { by, .. }
            | ConnectionStep::DescribeLocations { by } => *by,
        }
    }
}

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

impl TagStep {
    /// Operations of this family.
    pub const OPERATIONS: &'static [&'static str] =
        &["TagResource", "UntagResource", "DescribeTags"];
}

impl FamilyStep for TagStep {
    fn operation(&self) -> &'static str {
        match self {
            TagStep::TagResource { .. } => "TagResource",
            TagStep::UntagResource { .. } => "UntagResource",
            TagStep::DescribeTags { .. } => "DescribeTags",
        }
    }

    fn principal(&self) -> Principal {
        match self {
            TagStep::TagResource { by, .. }
            | TagStep::UntagResource { by, .. }
            | TagStep::DescribeTags { by, .. } => *by,
        }
    }
}

/// A sequence of steps: one test case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_serialize_flat_with_an_op_member_and_round_trip() {
        let step = Step::Connection(ConnectionStep::DeleteConnection {
            by: Principal::Owner,
            target: HandleRef(2),
        });
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"op": "DeleteConnection", "by": "owner", "target": 2})
        );
        assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
        let tags = Step::Tags(TagStep::DescribeTags {
            by: Principal::Partner,
            targets: vec![(ResourceKind::Connection, HandleRef(0))],
        });
        let json = serde_json::to_value(&tags).unwrap();
        assert_eq!(serde_json::from_value::<Step>(json).unwrap(), tags);
    }
}
