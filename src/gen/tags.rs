//! Tag steps on every taggable kind.

use proptest::collection::vec;
use proptest::prelude::*;

use super::common::{handle, principal, tag_key, tags};
use crate::model::{ResourceKind, Step, TagStep};

fn kind() -> impl Strategy<Value = ResourceKind> {
    prop::sample::select(ResourceKind::TAGGABLE.to_vec())
}

/// Weighted tag steps.
pub fn steps(two_accounts: bool) -> impl Strategy<Value = Step> {
    let by = move || principal(two_accounts);
    crate::weighted![
        2 => (by(), kind(), handle(), tags(3).prop_filter("at least one tag", |t| !t.is_empty()))
            .prop_map(|(by, kind, target, tags)| TagStep::TagResource { by, kind, target, tags }),
        1 => (by(), kind(), handle(), vec(tag_key(), 1..=2))
            .prop_map(|(by, kind, target, keys)| TagStep::UntagResource { by, kind, target, keys }),
        2 => (by(), vec((kind(), handle()), 1..=2)).prop_map(|(by, targets)| TagStep::DescribeTags { by, targets }),
    ]
    .prop_map(Step::Tags)
}

/// Tag a resource, then read its tags back: the pair that shows whether tags are
/// stored as given (random single steps rarely meet on the same resource).
pub fn lifecycle(two_accounts: bool) -> impl Strategy<Value = Vec<Step>> {
    (
        principal(two_accounts),
        kind(),
        handle(),
        tags(3).prop_filter("at least one tag", |t| !t.is_empty()),
    )
        .prop_map(|(by, kind, target, tags)| {
            vec![
                Step::Tags(TagStep::TagResource {
                    by,
                    kind,
                    target,
                    tags,
                }),
                Step::Tags(TagStep::DescribeTags {
                    by,
                    targets: vec![(kind, target)],
                }),
            ]
        })
}
