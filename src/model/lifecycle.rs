//! State sets and asynchronous successor edges of each resource type.

use serde::{Deserialize, Serialize};

/// A set of states of one lifecycle, as a bitset over [`Lifecycle::states`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StateSet(pub u32);

impl StateSet {
    /// The empty set.
    pub const EMPTY: StateSet = StateSet(0);

    /// Whether `index` is in the set.
    pub fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    /// Union.
    pub fn union(self, other: StateSet) -> StateSet {
        StateSet(self.0 | other.0)
    }

    /// Intersection.
    pub fn intersect(self, other: StateSet) -> StateSet {
        StateSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The lifecycle of one resource type: its states (the enum of the service model)
/// and the edges along which a state may change without a call.
#[derive(Debug)]
pub struct Lifecycle {
    /// Resource type name, for messages.
    pub name: &'static str,
    /// The states, in the service model's enum order.
    pub states: &'static [&'static str],
    /// Asynchronous edges `from ⇢ to`.
    pub edges: &'static [(&'static str, &'static str)],
    /// States in which a resource counts as gone (deleted, rejected).
    pub gone: &'static [&'static str],
}

impl Lifecycle {
    /// Index of a state name; `None` if the lifecycle does not know it.
    pub fn index(&self, state: &str) -> Option<usize> {
        self.states.iter().position(|s| *s == state)
    }

    /// The set of the named states (names must be known; unknown names are ignored).
    pub fn set(&self, states: &[&str]) -> StateSet {
        StateSet(
            states
                .iter()
                .filter_map(|s| self.index(s))
                .fold(0, |acc, i| acc | (1 << i)),
        )
    }

    /// Every state reachable from `set` along asynchronous edges (including `set`).
    pub fn closure(&self, set: StateSet) -> StateSet {
        let mut current = set;
        loop {
            let mut next = current;
            for (from, to) in self.edges {
                if let (Some(f), Some(t)) = (self.index(from), self.index(to)) {
                    if current.has(f) {
                        next.0 |= 1 << t;
                    }
                }
            }
            if next == current {
                return current;
            }
            current = next;
        }
    }

    /// The names in a set, in enum order.
    pub fn names(&self, set: StateSet) -> Vec<&'static str> {
        self.states
            .iter()
            .enumerate()
            .filter(|(i, _)| set.has(*i))
            .map(|(_, s)| *s)
            .collect()
    }

    /// The gone states as a set.
    pub fn gone_set(&self) -> StateSet {
        self.set(self.gone)
    }

    /// All edges of the lifecycle as (from, to) pairs, for coverage pictures.
    pub fn all_edges(&self) -> &'static [(&'static str, &'static str)] {
        self.edges
    }
}

/// Connections (dedicated and hosted).
///
/// Sources: `ConnectionState` enum of the service model (botocore directconnect 2012-10-25);
/// API reference for `Connection.connectionState` ("requested: the initial state of a standard
/// connection … pending: approved and being initialized … available … down …");
/// LIFECYCLE facts: CreateConnection answers `requested`; DeleteConnection answers `deleted`;
/// available ⇄ down may flap; new LAG member connections are seen `requested` or `down`.
pub static CONNECTION: Lifecycle = Lifecycle {
    name: "connection",
    states: &[
        "ordering",
        "requested",
        "pending",
        "available",
        "down",
        "deleting",
        "deleted",
        "rejected",
        "unknown",
    ],
    edges: &[
        ("requested", "pending"),
        ("requested", "down"),
        ("pending", "available"),
        ("pending", "down"),
        ("available", "down"),
        ("down", "available"),
        ("deleting", "deleted"),
    ],
    gone: &["deleting", "deleted", "rejected"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_follows_async_edges_forward_only() {
        let requested = CONNECTION.set(&["requested"]);
        let reach = CONNECTION.names(CONNECTION.closure(requested));
        assert_eq!(reach, vec!["requested", "pending", "available", "down"]);
        let available = CONNECTION.closure(CONNECTION.set(&["available"]));
        assert!(
            !available.has(CONNECTION.index("requested").unwrap()),
            "no regression"
        );
        assert!(
            available.has(CONNECTION.index("down").unwrap()),
            "documented flap"
        );
        let deleted = CONNECTION.closure(CONNECTION.set(&["deleted"]));
        assert_eq!(
            CONNECTION.names(deleted),
            vec!["deleted"],
            "nothing comes back from deleted"
        );
    }

    #[test]
    fn states_equal_the_service_model_enum() {
        let spec = crate::spec::Spec::builtin();
        let values = spec
            .shape("ConnectionState")
            .unwrap()
            .enum_values
            .clone()
            .unwrap();
        assert_eq!(values, CONNECTION.states);
    }
}
