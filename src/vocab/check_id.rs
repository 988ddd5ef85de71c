//! Check ids: the names every layer uses for a check. They live in the vocabulary, not
//! in `check`, so the model's predictions, the reference target's mutant catalogue,
//! the runner and the reports can name a check without importing the checks
//! themselves. What a check does, its severity, basis and scope are the registry's
//! (`check::CHECKS`); this is only the name.
//!
//! The strings are published in reports (`docs/checks.md`): never rename one; retire it
//! and add a new variant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! check_ids {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)+) => {
        /// A check of the registry, by its published id (`model.state`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId {
            $($(#[$doc])* $variant,)+
        }

        impl CheckId {
            /// Every check id, in registry (run) order.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)+];

            /// The published id (`model.state`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $id,)+
                }
            }
        }
    };
}

check_ids! {
    /// The request got an HTTP answer.
    TransportFault = "transport.fault",
    /// The operation is answered at all.
    OpImplemented = "op.implemented",
    /// An awsJson body with its content type.
    WireProtocol = "wire.protocol",
    /// The HTTP status fits the answer.
    WireStatus = "wire.status",
    /// Members have their declared JSON types.
    ShapeType = "shape.type",
    /// Required members are present.
    ShapeRequired = "shape.required",
    /// Enum values are the enum's.
    ShapeEnum = "shape.enum",
    /// Declared min/max hold.
    ShapeRange = "shape.range",
    /// Declared patterns and id shapes hold.
    ShapePattern = "shape.pattern",
    /// No member the specification does not declare.
    ShapeUnknownMember = "shape.unknown-member",
    /// A value outside the specification that real AWS is documented to answer.
    ShapeDocumentedDeviation = "shape.documented-deviation",
    /// The SDK parses the same bytes.
    SdkParse = "sdk.parse",
    /// Error types are declared.
    ErrorType = "error.type",
    /// Predicted rejections happen, with the predicted type.
    ErrorExpected = "error.expected",
    /// A request breaking an input rule is not accepted.
    ErrorAcceptedInvalid = "error.accepted-invalid",
    /// Predicted successes are not rejected.
    ErrorUnexpected = "error.unexpected",
    /// A write answers with a predicted state.
    ModelState = "model.state",
    /// Later observations follow the lifecycle's asynchronous edges.
    ModelTransition = "model.transition",
    /// A deleted resource stays gone.
    ModelGone = "model.gone",
    /// Inputs come back as given.
    ModelEcho = "model.echo",
    /// What was created is listed to its account, and only to it.
    ModelVisible = "model.visible",
    /// Only the documented account may act on a resource.
    ModelOwnership = "model.ownership",
    /// A state AWS leaves on its own is left within the wait timeout.
    ModelLiveness = "model.liveness",
    /// Creates yield distinct ids.
    ModelUnique = "model.unique",
}

impl CheckId {
    /// The family (`model` for `model.state`): what `--checks model` selects and the
    /// coverage table's column.
    pub fn family(self) -> &'static str {
        let id = self.as_str();
        id.split_once('.').map_or(id, |(family, _)| family)
    }

    /// The id named by `id`, if it is one.
    pub fn lookup(id: &str) -> Option<CheckId> {
        CheckId::ALL.iter().copied().find(|c| c.as_str() == id)
    }

    /// Whether this check judges a resource's state against its lifecycle
    /// (`model.state`, `model.transition`, `model.gone`). A failure of one on an
    /// operation means the operation's call edges were not followed, so the transition
    /// coverage marks those edges violated rather than not reached; the other model
    /// checks (echo, visibility, ownership, …) say nothing about states.
    pub const fn is_lifecycle(self) -> bool {
        matches!(
            self,
            CheckId::ModelState | CheckId::ModelTransition | CheckId::ModelGone
        )
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check id {0:?}")]
pub struct UnknownCheckId(pub String);

impl FromStr for CheckId {
    type Err = UnknownCheckId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::lookup(s).ok_or_else(|| UnknownCheckId(s.to_owned()))
    }
}

impl PartialEq<str> for CheckId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<CheckId> for str {
    fn eq(&self, other: &CheckId) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<CheckId> for String {
    fn eq(&self, other: &CheckId) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Serialized as its published id, so reports are the same as when ids were strings.
impl Serialize for CheckId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_strings() {
        for &id in CheckId::ALL {
            assert_eq!(id.as_str().parse::<CheckId>(), Ok(id));
            assert_eq!(id.to_string(), id.as_str());
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<CheckId>(&json).unwrap(), id);
            assert!(id.as_str().starts_with(id.family()));
            assert_eq!(id.as_str().as_bytes()[id.family().len()], b'.');
        }
        assert!("model".parse::<CheckId>().is_err());
        assert!("parity.status".parse::<CheckId>().is_err());
        assert!(serde_json::from_str::<CheckId>("\"nope.nope\"").is_err());
    }

    #[test]
    fn ids_are_unique_dotted_lowercase() {
        let mut seen = std::collections::BTreeSet::new();
        for id in CheckId::ALL {
            assert!(seen.insert(id.as_str()), "duplicate id {id}");
            assert_eq!(id.as_str(), id.as_str().to_lowercase());
        }
    }

    #[test]
    fn lifecycle_checks_are_the_state_checks() {
        let lifecycle: Vec<&str> = CheckId::ALL
            .iter()
            .filter(|c| c.is_lifecycle())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(lifecycle, ["model.state", "model.transition", "model.gone"]);
    }
}
