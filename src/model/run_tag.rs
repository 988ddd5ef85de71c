//! The run-ownership tag: on a target that cannot be reset, every resource a run
//! creates with a `tags` member carries `dxconform:run-id = <run id>`, so that
//! `dxconform sweep` can find what a killed run left behind even when the create's
//! answer never reached the journal. The tag is added to the *step* (its creation
//! tags) before the model sees it, so the model predicts it like any other tag:
//! echoed by the create, listed by DescribeTags, counted against the 50-tag limit.
//! Tag steps never remove or change it.

use super::{GatewayStep, InterconnectStep, LagStep, ResiliencyStep, Step, Tag, TagStep, VifStep};

/// The key of the run-ownership tag.
pub const RUN_TAG_KEY: &str = "dxconform:run-id";

/// Key an UntagResource step removes instead of the run tag (absent: a no-op).
const PLACEHOLDER_KEY: &str = "dxconform:none";

/// The creation tags of a step that creates a taggable resource with a `tags` member.
fn creation_tags(step: &mut Step) -> Option<&mut Vec<Tag>> {
    match step {
        Step::Connection(super::ConnectionStep::CreateConnection { tags, .. })
        | Step::Interconnect(
            InterconnectStep::CreateInterconnect { tags, .. }
            | InterconnectStep::AllocateHostedConnection { tags, .. },
        )
        | Step::Lag(LagStep::CreateLag { tags, .. })
        | Step::Gateway(GatewayStep::CreateDirectConnectGateway { tags, .. })
        | Step::Resiliency(ResiliencyStep::CreateResiliencyGroup { tags, .. }) => Some(tags),
        Step::Vif(
            VifStep::CreatePrivateVirtualInterface(v)
            | VifStep::CreatePublicVirtualInterface(v)
            | VifStep::CreateTransitVirtualInterface(v),
        ) => Some(&mut v.tags),
        _ => None,
    }
}

/// `step` as a run with id `run_id` sends it: creates carry the run tag (replacing
/// any earlier run's), TagResource cannot change it and UntagResource cannot remove it.
pub fn with_run_tag(step: &Step, run_id: &str) -> Step {
    let mut step = step.clone();
    if let Some(tags) = creation_tags(&mut step) {
        tags.retain(|t| t.key != RUN_TAG_KEY);
        tags.push(Tag {
            key: RUN_TAG_KEY.to_owned(),
            value: run_id.to_owned(),
        });
        return step;
    }
    match &mut step {
        Step::Tags(TagStep::TagResource { tags, .. }) => {
            for t in tags.iter_mut().filter(|t| t.key == RUN_TAG_KEY) {
                run_id.clone_into(&mut t.value);
            }
        }
        Step::Tags(TagStep::UntagResource { keys, .. }) => {
            keys.retain(|k| k != RUN_TAG_KEY);
            if keys.is_empty() {
                keys.push(PLACEHOLDER_KEY.to_owned());
            }
        }
        _ => {}
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConnectionStep, HandleRef, ResourceKind};
    use crate::vocab::Principal;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn creates_carry_exactly_one_run_tag() {
        let step = Step::Connection(ConnectionStep::CreateConnection {
            by: Principal::Owner,
            location: 0,
            bandwidth: "1Gbps".into(),
            name: "c".into(),
            tags: vec![tag("env", "x"), tag(RUN_TAG_KEY, "old")],
        });
        let Step::Connection(ConnectionStep::CreateConnection { tags, .. }) =
            with_run_tag(&step, "run-1")
        else {
            unreachable!()
        };
        assert_eq!(tags, vec![tag("env", "x"), tag(RUN_TAG_KEY, "run-1")]);
    }

    #[test]
    fn tag_steps_never_remove_or_change_the_run_tag() {
        let untag = Step::Tags(TagStep::UntagResource {
            by: Principal::Owner,
            kind: ResourceKind::Connection,
            target: HandleRef(0),
            keys: vec![RUN_TAG_KEY.to_owned()],
        });
        let Step::Tags(TagStep::UntagResource { keys, .. }) = with_run_tag(&untag, "r") else {
            unreachable!()
        };
        assert_eq!(keys, vec![PLACEHOLDER_KEY.to_owned()]);
        let retag = Step::Tags(TagStep::TagResource {
            by: Principal::Owner,
            kind: ResourceKind::Connection,
            target: HandleRef(0),
            tags: vec![tag(RUN_TAG_KEY, "other"), tag("a", "b")],
        });
        let Step::Tags(TagStep::TagResource { tags, .. }) = with_run_tag(&retag, "r") else {
            unreachable!()
        };
        assert_eq!(tags, vec![tag(RUN_TAG_KEY, "r"), tag("a", "b")]);
    }
}
