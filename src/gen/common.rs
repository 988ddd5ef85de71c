//! Strategies shared by the families: principals, names, tags, handle references.

use proptest::collection::btree_map;
use proptest::prelude::*;

use crate::model::{HandleRef, Tag};
use crate::target::Principal;

/// Strings matching `regex`, compiled once when the strategy is built (a bare
/// `&str` strategy re-parses its regex for every value it generates, which was
/// 7% of a run's CPU). Generates exactly what the bare `&str` strategy does.
pub fn matching(regex: &'static str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(regex)
        .unwrap_or_else(|e| panic!("generator regex {regex:?} does not parse: {e}"))
}

/// The caller: mostly the owner; the partner when two accounts are in play.
pub fn principal(two_accounts: bool) -> BoxedStrategy<Principal> {
    if two_accounts {
        prop_oneof![6 => Just(Principal::Owner), 1 => Just(Principal::Partner)].boxed()
    } else {
        Just(Principal::Owner).boxed()
    }
}

/// Names: usually from a small pool (so duplicates happen and uniqueness is
/// tested), sometimes fresh, always within the VIF-style alphabet AWS accepts everywhere.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec!["dx-alpha", "dx-beta", "dx-gamma"]).prop_map(str::to_owned),
        2 => matching("[a-z][a-z0-9-]{0,20}"),
        // At the limit: a VIF name has at most 100 characters [api].
        1 => matching("[a-z]{100}"),
    ]
    // Shrinking a name character by character finds nothing new and costs a case per
    // character: names stay as generated while plans shrink.
    .no_shrink()
}

/// Tag keys: mostly a small pool, so replacing and removing keys happens.
pub fn tag_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["env", "team", "cost-center", "owner"]).prop_map(str::to_owned),
        1 => matching("[a-zA-Z][a-zA-Z0-9_.:/=+@-]{0,15}"),
        // At the limit: a key has at most 128 characters [spec TagKey].
        1 => matching("[a-z]{128}"),
    ]
    .no_shrink()
}

/// Tag values within the documented alphabet (at the 256-character limit too).
pub fn tag_value() -> impl Strategy<Value = String> {
    prop_oneof![8 => matching("[a-zA-Z0-9 _.:/=+@-]{0,12}"), 1 => matching("[a-z]{256}")]
        .no_shrink()
}

/// Up to `max` tags with distinct keys.
pub fn tags(max: usize) -> impl Strategy<Value = Vec<Tag>> {
    btree_map(tag_key(), tag_value(), 0..=max).prop_map(|m| {
        m.into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect()
    })
}

/// A reference to an earlier resource.
pub fn handle() -> impl Strategy<Value = HandleRef> {
    any::<u8>().prop_map(HandleRef)
}
