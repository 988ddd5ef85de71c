//! Symbolic operations: what a plan is made of. Each resource family owns its
//! step enum, in one file of this module each; [`Step`] is their union.

mod connection;
mod gateway;
mod interconnect;
mod lag;
mod resiliency;
mod tag;
mod vif;

pub use connection::ConnectionStep;
pub use gateway::GatewayStep;
pub(crate) use interconnect::HostedAllocation;
pub use interconnect::InterconnectStep;
pub use lag::LagStep;
pub use resiliency::ResiliencyStep;
pub use tag::TagStep;
pub use vif::{AddressFamily, NewBgpPeer, NewVif, VifStep};

use serde::{Deserialize, Serialize};

use crate::vocab::Principal;

/// How the rule of a step malformed on the wire begins ([`Step::broken_rule`]:
/// `malformed:target-header:…`).
pub const MALFORMED_RULE_PREFIX: &str = "malformed:";

/// `OPERATIONS` (in the order given) and [`FamilyStep`] for a family whose every
/// variant is named after the operation it calls and carries its caller in `by`.
macro_rules! operations_by_variant {
    ($step:ident: $($variant:ident),+ $(,)?) => {
        impl $step {
            /// Operations of this family.
            pub const OPERATIONS: &'static [&'static str] = &[$(stringify!($variant)),+];
        }

        impl $crate::model::FamilyStep for $step {
            fn operation(&self) -> &'static str {
                match self {
                    $($step::$variant { .. } => stringify!($variant)),+
                }
            }

            fn principal(&self) -> $crate::vocab::Principal {
                match self {
                    $($step::$variant { by, .. } => *by),+
                }
            }
        }
    };
}
use operations_by_variant;

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
    Interconnect(InterconnectStep),
    /// LAGs, MACsec keys, LOAs and customer metadata.
    Lag(LagStep),
    /// Virtual interfaces and BGP peers.
    Vif(VifStep),
    /// Direct Connect gateways, associations, proposals and attachments.
    Gateway(GatewayStep),
    /// Resiliency groups and their connections.
    Resiliency(ResiliencyStep),
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
            Step::Resiliency(s) => s,
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
                "{MALFORMED_RULE_PREFIX}{}",
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
            VifStep::OPERATIONS,
            GatewayStep::OPERATIONS,
            InterconnectStep::OPERATIONS,
            LagStep::OPERATIONS,
            ResiliencyStep::OPERATIONS,
        ]
        .concat()
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
    use crate::model::{HandleRef, ResourceKind};

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
        let accept = Step::Gateway(GatewayStep::AcceptDirectConnectGatewayAssociationProposal {
            by: Principal::Owner,
            target: HandleRef(2),
        });
        for step in [tags, accept] {
            let json = serde_json::to_value(&step).unwrap();
            assert_eq!(json["op"], step.operation());
            assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
        }
    }
}
