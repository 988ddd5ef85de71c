//! Resources as the model knows them, addressed by symbolic handles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StateSet;
use crate::vocab::Principal;

/// Resource types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    /// A connection: dedicated, hosted, or a LAG member.
    Connection,
    /// An interconnect (a partner's connection that hosts others).
    Interconnect,
    /// A link aggregation group.
    Lag,
    /// A virtual interface (private, public or transit).
    VirtualInterface,
    /// A BGP peer of a virtual interface.
    BgpPeer,
    /// A Direct Connect gateway (global).
    DirectConnectGateway,
    /// An association of a gateway with a virtual or transit gateway.
    GatewayAssociation,
    /// A proposal to associate a gateway across accounts.
    AssociationProposal,
    /// A virtual interface attached to a gateway.
    GatewayAttachment,
    /// A resiliency group of connections (global).
    ResiliencyGroup,
}

impl ResourceKind {
    /// Kinds that carry tags (TagResource/UntagResource/DescribeTags).
    pub const TAGGABLE: &'static [ResourceKind] = &[
        ResourceKind::Connection,
        ResourceKind::VirtualInterface,
        ResourceKind::Interconnect,
        ResourceKind::Lag,
        ResourceKind::DirectConnectGateway,
        ResourceKind::ResiliencyGroup,
    ];

    /// The kebab name (`virtual-interface`), used in budgets, dry runs and messages.
    pub fn name(self) -> &'static str {
        self.descriptor().name()
    }

    /// The lifecycle of this kind.
    pub fn lifecycle(self) -> &'static super::Lifecycle {
        self.descriptor().lifecycle
    }

    /// ARN resource segment and whether the ARN is regional (the descriptor's `arn`);
    /// `None` for kinds without ARNs.
    pub fn arn_segment(self) -> Option<(&'static str, bool)> {
        self.descriptor().arn
    }

    /// The ARN of the resource `id` owned by `account` (`None` for kinds without ARNs).
    pub fn arn(self, region: &str, account: &str, id: &str) -> Option<String> {
        let (segment, regional) = self.arn_segment()?;
        let region = if regional { region } else { "" };
        Some(format!(
            "arn:aws:directconnect:{region}:{account}:{segment}/{id}"
        ))
    }

    /// The Describe operation that lists this kind without arguments, and the list
    /// member of its answer; `None` for kinds listed only under a parent.
    pub fn describe_list(self) -> Option<(&'static str, &'static str)> {
        let d = self.descriptor();
        d.listed_alone.then_some((d.describe, d.list_member))
    }

    /// The member holding the state in this kind's output shape.
    pub fn state_member(self) -> &'static str {
        self.descriptor().state_member
    }

    /// The member holding the id.
    pub fn id_member(self) -> &'static str {
        self.descriptor().id_member
    }

    /// The name reports group this kind's operations under (`virtual interface`).
    pub fn display_name(self) -> &'static str {
        self.descriptor().display
    }

    /// The id an answer's `item` (an object of this kind) shows in the id member.
    pub fn shown_id(self, item: Option<&Value>) -> Option<String> {
        item.and_then(|i| i.get(self.id_member()))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// The states an answer's `item` leaves a resource of this kind in: the state its
    /// state member shows and every state that one reaches on its own, or `unseen` when
    /// it shows no state this kind knows.
    pub fn shown_states(self, item: Option<&Value>, unseen: StateSet) -> StateSet {
        let lifecycle = self.lifecycle();
        item.and_then(|i| i.get(self.state_member()))
            .and_then(Value::as_str)
            .and_then(|s| lifecycle.index(s))
            .map_or(unseen, |i| lifecycle.closure(StateSet(1 << i)))
    }
}

/// A resource created within one case: the n-th create of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Handle(pub u32);

/// A reference from a step to an earlier resource of a kind: resolved as the
/// `index % count`-th such resource created before the step. Shrinking that
/// removes a create therefore re-targets the reference instead of breaking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandleRef(pub u8);

impl HandleRef {
    /// The resource this reference picks among `handles` (`None` if there are none).
    pub fn pick(self, handles: &[Handle]) -> Option<Handle> {
        (!handles.is_empty()).then(|| handles[self.0 as usize % handles.len()])
    }
}

/// A tag (key, value).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

impl Tag {
    /// Tags as a key → value map, the way a resource keeps them.
    pub fn map(tags: &[Tag]) -> BTreeMap<String, String> {
        tags.iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect()
    }
}

/// What the model knows of one resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Type.
    pub kind: ResourceKind,
    /// Creating principal.
    pub owner: Principal,
    /// Real id once the target answered the create.
    pub id: Option<String>,
    /// States the resource may be in now.
    pub possible: StateSet,
    /// The create succeeded.
    pub created: bool,
    /// A delete succeeded.
    pub deleted: bool,
    /// Echoed attributes (member → value) the target must report.
    pub attributes: BTreeMap<String, Value>,
    /// Current tags.
    pub tags: BTreeMap<String, String>,
    /// The resource this one lives on (a VIF's connection, a peer's VIF, a member's LAG).
    pub parent: Option<Handle>,
    /// The other account involved: who allocated it for `owner` (hosted connections,
    /// allocated VIFs) or who proposed it (proposals).
    pub peer: Option<Principal>,
    /// The state last observed, for transition coverage.
    pub last_state: Option<&'static str>,
    /// A target accepted invalid tags for it: the model no longer predicts its tags.
    pub tags_unknown: bool,
    /// A call that moved it without showing its state (StartBgpFailoverTest puts a VIF
    /// in `testing` and answers the test): the next change observed is that call's
    /// edge, not an asynchronous one.
    pub moved_by: Option<&'static str>,
}

impl Resource {
    /// Whether deleting it can succeed from a state it may be in now: not when every
    /// such state is gone (deleted, rejected) or, where the lifecycle names the states
    /// its delete starts from, none of them is possible (an accepted association
    /// proposal is consumed, [api] DeleteDirectConnectGatewayAssociationProposal
    /// deletes a proposal that is `requested`). Teardown skips such deletes instead of
    /// retrying them; an unknown state (nothing observed) may still be deletable.
    pub fn delete_may_succeed(&self) -> bool {
        if self.possible.is_empty() {
            return true;
        }
        let lifecycle = self.kind.lifecycle();
        let may_be = |state: &str| lifecycle.index(state).is_some_and(|i| self.possible.has(i));
        let all_gone = lifecycle
            .states
            .iter()
            .filter(|s| may_be(s))
            .all(|s| lifecycle.gone.contains(s));
        if all_gone {
            return false;
        }
        let Some(delete) = self.kind.descriptor().deleting else {
            return false;
        };
        let mut starts = lifecycle
            .calls
            .iter()
            .filter(|(_, _, call)| *call == delete)
            .map(|(from, _, _)| *from)
            .peekable();
        starts.peek().is_none() || starts.any(|from| from == "*" || may_be(from))
    }

    /// A resource the case is about to create: no id yet, no state, no tags.
    pub fn new(kind: ResourceKind, owner: Principal) -> Resource {
        Resource {
            kind,
            owner,
            id: None,
            possible: StateSet::EMPTY,
            created: false,
            deleted: false,
            attributes: BTreeMap::new(),
            tags: BTreeMap::new(),
            parent: None,
            peer: None,
            last_state: None,
            tags_unknown: false,
            moved_by: None,
        }
    }

    /// The resource of `kind` a create by `owner` with `tags` made, or tried to: bound
    /// to the id its answer `item` shows only when the create `succeeded`, in the states
    /// the answer shows (`unseen`, when it shows none). Attributes are the caller's.
    pub fn from_create(
        kind: ResourceKind,
        owner: Principal,
        tags: &[Tag],
        succeeded: bool,
        item: Option<&Value>,
        unseen: StateSet,
    ) -> Resource {
        Resource {
            id: if succeeded { kind.shown_id(item) } else { None },
            possible: kind.shown_states(item, unseen),
            created: succeeded,
            tags: Tag::map(tags),
            ..Resource::new(kind, owner)
        }
    }

    /// A delete succeeded: the resource is in the gone states its answer showed (its
    /// possible states are already narrowed to the answer), or else in `otherwise`.
    pub fn settle_deleted(&mut self, otherwise: StateSet) {
        self.deleted = true;
        let gone = self.possible.intersect(self.kind.lifecycle().gone_set());
        self.possible = if gone.is_empty() { otherwise } else { gone };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::unobserved(ResourceKind::Connection, &[], true)]
    #[case::available(ResourceKind::Connection, &["available"], true)]
    #[case::deleted(ResourceKind::Connection, &["deleted"], false)]
    #[case::deleting_or_deleted(ResourceKind::Connection, &["deleting", "deleted"], false)]
    #[case::requested_proposal(ResourceKind::AssociationProposal, &["requested"], true)]
    #[case::accepted_proposal(ResourceKind::AssociationProposal, &["accepted"], false)]
    #[case::maybe_accepted(ResourceKind::AssociationProposal, &["requested", "accepted"], true)]
    fn teardown_skips_deletes_that_cannot_succeed(
        #[case] kind: ResourceKind,
        #[case] states: &[&str],
        #[case] deletable: bool,
    ) {
        let mut resource = Resource::new(kind, Principal::Owner);
        resource.possible = kind.lifecycle().set(states);
        assert_eq!(resource.delete_may_succeed(), deletable, "{states:?}");
    }
}
