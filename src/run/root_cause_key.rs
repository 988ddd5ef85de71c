//! Root-cause keys as a vocabulary of their own: the kinds of key the grouping rules
//! produce, keys a harness version renamed, and a root cause's standing in a
//! baseline. Baselines (`report::baseline`) and `dxconform explain` read these;
//! the rules that make keys live in `run/root_cause.rs`.

use serde::{Deserialize, Serialize};

/// Whether a root cause is in the run's baseline of known root causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaselineStatus {
    /// Listed and not expired: it does not fail the run.
    Known,
    /// Not listed: it fails the run.
    New,
    /// Listed, but its `expires` date has passed: it fails the run like a new one.
    Expired,
}

impl BaselineStatus {
    /// `known`, `new` or `expired`, as report.json spells it.
    pub fn label(self) -> &'static str {
        match self {
            BaselineStatus::Known => "known",
            BaselineStatus::New => "new",
            BaselineStatus::Expired => "expired",
        }
    }

    /// Whether a root cause with this status fails the run.
    pub fn fails(self) -> bool {
        self != BaselineStatus::Known
    }
}

/// Keys an earlier harness version gave root causes that a later one groups under
/// another key, each with the key that replaced it, so a baseline written by the
/// earlier version still matches ([`current_key`]). Never remove a row: committed
/// baselines may hold the old key for years.
pub const RETIRED_KEYS: &[(&str, &str)] = &[
    // Colliding ids were one root cause per id member (`model.unique:<member>`, the
    // generic `<check>:<member>` rule) until every `model.unique` bucket became one
    // defect: ids are minted by one scheme (commit c912181, "ids-collide").
    ("model.unique:connectionId", "ids-collide"),
    ("model.unique:lagId", "ids-collide"),
    ("model.unique:interconnectId", "ids-collide"),
    ("model.unique:virtualInterfaceId", "ids-collide"),
    ("model.unique:directConnectGatewayId", "ids-collide"),
    ("model.unique:associationId", "ids-collide"),
    ("model.unique:proposalId", "ids-collide"),
];

/// The key this harness version uses for a root cause some version keyed `key`
/// (itself when it was never renamed).
pub fn current_key(key: &str) -> &str {
    RETIRED_KEYS
        .iter()
        .find(|(old, _)| *old == key)
        .map_or(key, |(_, new)| new)
}

/// The kinds of root-cause keys (the text before the first `:`) the rules below
/// produce besides check ids (the lifecycle rule and the rule for any other check
/// key by check id); docs/root-causes.md explains each, and `dxconform explain`
/// answers for every one (a test checks both).
pub const KEY_KINDS: &[&str] = &[
    "not-implemented",
    "transport",
    "wire-protocol",
    "wire-status",
    "undeclared-error-types",
    "accepts-invalid",
    "not-enforced",
    "wrong-type",
    "missing-member",
    "pattern",
    "enum",
    "range",
    "unknown-member",
    "sdk-parse",
    "ids-collide",
    "ownership",
    "ignores-accounts",
];

/// The kind of a root-cause key: the text before its first `:` (`wrong-type` of
/// `wrong-type:loaIssueTime:string`, `model.state` of `model.state:…`).
pub fn key_kind(key: &str) -> &str {
    key.split(':').next().unwrap_or(key)
}
