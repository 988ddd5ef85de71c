//! Tags on every taggable resource: TagResource, UntagResource, DescribeTags.
//!
//! Sources: [api TagResource] "Each resource can have a maximum of 50 tags";
//! [model] TooManyTagsException and DuplicateTagKeysException are declared by the
//! tagging operations; resources are named by ARN.

use serde_json::{json, Value};

use super::connections::CLIENT_ERROR;
use super::prediction::{Basis, Expect, Expectation, ListSpec, Prediction, StateCheck, Visibility};
use super::step::TagStep;
use super::{Handle, Model, ResourceKind, Tag};
use crate::vocab::{CheckId, Outcome, Principal};

/// At most 50 tags per resource [api TagResource].
pub const MAX_TAGS: usize = 50;

/// `tags` as the API takes them: a list of `{"key", "value"}` objects [api Tag].
pub(super) fn tags_json(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({"key": t.key, "value": t.value}))
            .collect(),
    )
}

/// Give a create's request `body` its `tags` member, when there are tags: every
/// create takes them as an optional member [api], and an absent one is not an empty one.
pub(super) fn send_tags(body: &mut Value, tags: &[Tag]) {
    if !tags.is_empty() {
        body["tags"] = tags_json(tags);
    }
}

impl Model {
    /// The body and prediction of a tag step; `None` to skip it.
    pub(super) fn predict_tags(&self, step: &TagStep) -> Option<(Value, Prediction)> {
        match step {
            TagStep::TagResource {
                by,
                kind,
                target,
                tags,
            } => {
                let handle = self.resolve(*target, *kind)?;
                let body = json!({"resourceArn": self.arn(handle)?, "tags": tags_json(tags)});
                let r = self.resource(handle);
                let mut merged = r.tags.clone();
                for t in tags {
                    merged.insert(t.key.clone(), t.value.clone());
                }
                if r.owner == *by && !r.deleted && merged.len() > MAX_TAGS {
                    let prediction = Prediction::reject(
                        vec!["TooManyTagsException"],
                        format!("a resource has at most {MAX_TAGS} tags"),
                        CheckId::ErrorExpected,
                        Basis::Documented,
                    );
                    return Some((body, prediction));
                }
                Some((body, self.tag_mutation(*by, handle, "tag")))
            }
            TagStep::UntagResource {
                by,
                kind,
                target,
                keys,
            } => {
                let handle = self.resolve(*target, *kind)?;
                let body = json!({"resourceArn": self.arn(handle)?, "tagKeys": keys});
                Some((body, self.tag_mutation(*by, handle, "untag")))
            }
            TagStep::DescribeTags { by, targets } => self.describe_tags(*by, targets),
        }
    }

    /// Prediction for TagResource/UntagResource (empty answers).
    fn tag_mutation(&self, by: Principal, handle: Handle, action: &str) -> Prediction {
        let r = self.resource(handle);
        let kind = r.kind.name();
        if r.owner != by {
            // [api] a caller acts on its own account's resources.
            return Prediction::not_owner(format!("only the owner account may {action} a {kind}"));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        if r.deleted {
            prediction.expect = Expect::Either {
                error_types: vec![CLIENT_ERROR],
                reason: format!("AWS may refuse to {action} a deleted {kind}"),
            };
            prediction.basis = Basis::Assumed;
        }
        prediction
    }

    fn describe_tags(
        &self,
        by: Principal,
        targets: &[(ResourceKind, super::HandleRef)],
    ) -> Option<(Value, Prediction)> {
        let mut handles: Vec<Handle> = Vec::new();
        for (kind, reference) in targets {
            let h = self.resolve(*reference, *kind)?;
            if !handles.contains(&h) {
                handles.push(h);
            }
        }
        if handles.is_empty() {
            return None;
        }
        let arns: Vec<String> = handles.iter().filter_map(|h| self.arn(*h)).collect();
        let body = json!({"resourceArns": arns});
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.list = Some(ListSpec {
            member: "resourceTags",
            id_member: "resourceArn",
            exclusive: true,
        });
        let foreign = handles.iter().any(|h| self.resource(*h).owner != by);
        let deleted = handles.iter().any(|h| self.resource(*h).deleted);
        let uncertain = foreign || deleted;
        if uncertain {
            prediction.expect = Expect::Either {
                error_types: vec![CLIENT_ERROR],
                reason: "tags of another account's or a deleted resource may be refused or answered empty".into(),
            };
            prediction.basis = Basis::Assumed;
        }
        for (h, arn) in handles.iter().zip(&arns) {
            let r = self.resource(*h);
            prediction.resources.push(Expectation {
                handle: *h,
                kind: r.kind,
                id: Some(arn.clone()),
                states: Default::default(),
                state_check: StateCheck::Transition,
                // When any named resource is foreign or deleted, AWS's answer is not
                // documented: every named ARN may be listed, none must be.
                visibility: if uncertain {
                    Visibility::May
                } else {
                    Visibility::Must
                },
                echo: Vec::new(),
                tags: (!uncertain && !r.tags_unknown).then(|| Model::tag_pairs(&r.tags)),
                nested: None,
            });
        }
        Some((body, prediction))
    }

    /// Apply a tag step's answer.
    pub(super) fn apply_tags(&mut self, step: &TagStep, outcome: &Outcome) {
        if !matches!(outcome, Outcome::Success(_)) {
            return;
        }
        match step {
            TagStep::TagResource {
                kind, target, tags, ..
            } => {
                if let Some(h) = self.resolve(*target, *kind) {
                    self.resource_mut(h).tags.extend(Tag::map(tags));
                }
            }
            TagStep::UntagResource {
                kind, target, keys, ..
            } => {
                if let Some(h) = self.resolve(*target, *kind) {
                    let r = self.resource_mut(h);
                    for k in keys {
                        r.tags.remove(k);
                    }
                }
            }
            TagStep::DescribeTags { .. } => {}
        }
    }
}
