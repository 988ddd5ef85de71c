//! How a caller sees the resources the case knows in Describe answers: one path for
//! every kind, driven by the kind's descriptor (list, id and state members) and the
//! few facts in which kinds differ (who else may see one, what it echoes, what is
//! uncertain when one is asked for by id).

use serde_json::{json, Value};

use super::connections::CONNECTION_MEMBERS;
use super::gateways::{ASSOCIATION_MEMBERS, GATEWAY_MEMBERS, PROPOSAL_MEMBERS};
use super::interconnects::INTERCONNECT_MEMBERS;
use super::lags::LAG_MEMBERS;
use super::prediction::{either, Expectation, Nested};
use super::resiliency::RESILIENCY_GROUP_MEMBERS;
use super::virtual_interfaces::{VIF_ECHO, VIF_MEMBERS};
use super::{
    Basis, Handle, HandleRef, ListSpec, Model, Prediction, Resource, ResourceKind, StateCheck,
    StateSet, Tag, Visibility,
};
use crate::vocab::Principal;

/// Members a gateway attachment answer must carry.
const ATTACHMENT_MEMBERS: &[&str] = &["attachmentState", "virtualInterfaceId"];

/// What a kind's answers echo of what the case knows.
struct Echoed {
    /// Attributes echoed as given when the resource was made or changed.
    attributes: &'static [&'static str],
    /// The parent's id, under the parent kind's id member.
    parent_id: bool,
    /// The owner's account id (`ownerAccount`).
    owner: bool,
    /// The region (`region`).
    region: bool,
    /// The resource's own id.
    id: bool,
}

fn echoed(kind: ResourceKind) -> Echoed {
    let only = |attributes| Echoed {
        attributes,
        parent_id: false,
        owner: false,
        region: false,
        id: true,
    };
    match kind {
        // Hosted connections echo their VLAN, LAG members their LAG ([api] Connection.vlan, .lagId).
        ResourceKind::Connection => Echoed {
            owner: true,
            region: true,
            // billingMode once the case set it ([api] UpdateConnectionsBillingMode).
            ..only(&[
                "connectionName",
                "bandwidth",
                "location",
                "vlan",
                "lagId",
                "billingMode",
            ])
        },
        ResourceKind::Interconnect => Echoed {
            region: true,
            ..only(&["interconnectName", "bandwidth", "location"])
        },
        ResourceKind::Lag => Echoed {
            owner: true,
            region: true,
            ..only(&["lagName", "location", "connectionsBandwidth"])
        },
        ResourceKind::VirtualInterface => Echoed {
            owner: true,
            region: true,
            ..only(VIF_ECHO)
        },
        ResourceKind::BgpPeer => Echoed {
            id: false,
            ..only(&["asn", "addressFamily"])
        },
        ResourceKind::DirectConnectGateway => Echoed {
            owner: true,
            ..only(&["directConnectGatewayName", "amazonSideAsn"])
        },
        ResourceKind::GatewayAssociation => only(&["directConnectGatewayId", "virtualGatewayId"]),
        ResourceKind::AssociationProposal => only(&["directConnectGatewayId"]),
        ResourceKind::GatewayAttachment => Echoed {
            parent_id: true,
            id: false,
            ..only(&[])
        },
        ResourceKind::ResiliencyGroup => Echoed {
            owner: true,
            ..only(&["resiliencyGroupName"])
        },
    }
}

/// Members the model requires in a Describe answer's items of `kind`.
fn required_members(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::Connection => CONNECTION_MEMBERS,
        ResourceKind::Interconnect => INTERCONNECT_MEMBERS,
        ResourceKind::Lag => LAG_MEMBERS,
        ResourceKind::VirtualInterface => VIF_MEMBERS,
        ResourceKind::DirectConnectGateway => GATEWAY_MEMBERS,
        ResourceKind::GatewayAssociation => ASSOCIATION_MEMBERS,
        ResourceKind::AssociationProposal => PROPOSAL_MEMBERS,
        ResourceKind::GatewayAttachment => ATTACHMENT_MEMBERS,
        ResourceKind::ResiliencyGroup => RESILIENCY_GROUP_MEMBERS,
        ResourceKind::BgpPeer => &[],
    }
}

/// Whether the other account involved (who allocated a VIF, the gateway owner a
/// proposal or association was made to) may see the resource too: undocumented, so
/// it may, and must not be required to.
fn peer_may_see(kind: ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::VirtualInterface
            | ResourceKind::GatewayAssociation
            | ResourceKind::AssociationProposal
    )
}

/// Why a Describe by id may answer otherwise than with the resource, and whether
/// that is assumed rather than documented; `None` when the answer is certain.
fn doubt(kind: ResourceKind, visibility: Visibility) -> Option<(&'static str, bool)> {
    use ResourceKind::*;
    use Visibility::*;
    // [api] Describe* list the caller's resources; another account's id is either not
    // found or an empty list, a deleted one may linger or vanish.
    Some(match (kind, visibility) {
        (_, Must) => return None,
        (Connection, MustNot) => (
            "another account's connection may be answered as not found or as an empty list",
            true,
        ),
        (Connection, May) => (
            "a deleted connection may be listed as deleted, vanish, or be not found",
            false,
        ),
        (Interconnect, MustNot) => (
            "another account's interconnect may be answered as not found or as an empty list",
            true,
        ),
        (Interconnect, May) => (
            "a deleted interconnect may be listed as deleted, vanish, or be not found",
            false,
        ),
        (Lag, MustNot) => (
            "another account's LAG may be answered as not found or as an empty list",
            true,
        ),
        (Lag, May) => (
            "a deleted LAG may be listed as deleted, vanish, or be not found",
            false,
        ),
        (VirtualInterface, MustNot) => (
            "another account's virtual interface may be answered as not found or as an empty list",
            true,
        ),
        (VirtualInterface, May) => (
            "a deleted or allocated virtual interface may be listed, absent, or not found",
            true,
        ),
        (DirectConnectGateway, _) => (
            "another account's or a deleted gateway may be not found, listed or absent",
            true,
        ),
        (GatewayAssociation, _) => (
            "another account's or a deleted association may be not found, listed or absent",
            true,
        ),
        (AssociationProposal, _) => (
            "another account's or a deleted proposal may be not found, listed or absent",
            true,
        ),
        (ResiliencyGroup, MustNot) => (
            "another account's resiliency group may be answered as not found or left out",
            true,
        ),
        (ResiliencyGroup, May) => (
            "a deleted resiliency group may be listed as deleted, vanish, or be not found",
            false,
        ),
        (BgpPeer | GatewayAttachment, _) => return None,
    })
}

/// Where a kind listed inside another sits in an answer holding the parent under
/// `within` (a VIF's peers in `bgpPeers`).
pub(super) fn nested_in(kind: ResourceKind, within: Option<&'static str>) -> Nested {
    let d = kind.descriptor();
    Nested {
        within,
        member: d.list_member,
        id_member: d.id_member,
    }
}

impl Model {
    /// What a Describe answer echoes of `r`.
    fn echo(&self, r: &Resource) -> Vec<(&'static str, Value)> {
        let echoed = echoed(r.kind);
        let mut echo: Vec<(&'static str, Value)> = echoed
            .attributes
            .iter()
            .filter_map(|m| Some((*m, r.attributes.get(*m)?.clone())))
            .collect();
        if let (true, Some(parent)) = (echoed.parent_id, r.parent) {
            let parent = self.resource(parent);
            echo.push((parent.kind.id_member(), json!(parent.id)));
        }
        if echoed.owner {
            echo.push(("ownerAccount", json!(self.env.accounts.of(r.owner))));
        }
        if echoed.region {
            echo.push(("region", json!(self.env.region)));
        }
        if let (true, Some(id)) = (echoed.id, &r.id) {
            echo.push((r.kind.id_member(), json!(id)));
        }
        echo
    }

    /// The expectation of `handle` as seen with `visibility`: its states, echoed
    /// attributes, no tags.
    fn seen(&self, handle: Handle, visibility: Visibility) -> Expectation {
        let r = self.resource(handle);
        Expectation {
            handle,
            kind: r.kind,
            id: r.id.clone(),
            states: r.possible,
            state_check: if r.deleted {
                StateCheck::Gone
            } else {
                StateCheck::Transition
            },
            visibility,
            echo: self.echo(r),
            tags: None,
            nested: None,
        }
    }

    /// How `by` sees a resource: its owner must see it (unless deleted: it may linger
    /// or vanish); the other account involved may, for kinds shared with it; any
    /// other account must not. Tags are the owner's to see.
    pub(super) fn view(&self, by: Principal, handle: Handle) -> Expectation {
        let r = self.resource(handle);
        let visibility = if r.owner == by {
            if r.deleted {
                Visibility::May
            } else {
                Visibility::Must
            }
        } else if peer_may_see(r.kind) && r.peer == Some(by) {
            Visibility::May
        } else {
            Visibility::MustNot
        };
        let mut view = self.seen(handle, visibility);
        let taggable = ResourceKind::TAGGABLE.contains(&r.kind);
        view.tags = (taggable && r.owner == by && !r.deleted && !r.tags_unknown)
            .then(|| Model::tag_pairs(&r.tags));
        view
    }

    /// How a resource listed inside its parent shows (located by `nested`): as its
    /// parent does, or, deleted, it may linger as deleted or vanish.
    pub(super) fn nested_view(
        &self,
        handle: Handle,
        nested: Nested,
        parent_visibility: Visibility,
    ) -> Expectation {
        let visibility = if self.resource(handle).deleted {
            Visibility::May
        } else {
            parent_visibility
        };
        let mut view = self.seen(handle, visibility);
        view.nested = Some(nested);
        view
    }

    /// The resource a create call makes, as its answer must show it: the next handle,
    /// in `states`, echoing `echo`, with the `tags` given.
    pub(super) fn created(
        &self,
        kind: ResourceKind,
        states: StateSet,
        echo: Vec<(&'static str, Value)>,
        tags: &[Tag],
    ) -> Expectation {
        Expectation {
            handle: Handle(self.resources.len() as u32),
            kind,
            id: None,
            states,
            state_check: StateCheck::Result,
            visibility: Visibility::Must,
            echo,
            tags: (!tags.is_empty()).then(|| {
                tags.iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect()
            }),
            nested: None,
        }
    }

    /// A resource as a write's answer must show it: its id and `states`, checked as
    /// `check`, nothing echoed.
    pub(super) fn answering(
        &self,
        handle: Handle,
        states: StateSet,
        check: StateCheck,
    ) -> Expectation {
        let r = self.resource(handle);
        Expectation {
            handle,
            kind: r.kind,
            id: r.id.clone(),
            states,
            state_check: check,
            visibility: Visibility::Must,
            echo: Vec::new(),
            tags: None,
            nested: None,
        }
    }

    /// A create answered with the resource it makes (`new`): a success requiring the
    /// members its kind requires, and no id the case already holds.
    pub(super) fn creating(&self, new: Expectation) -> Prediction {
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = required_members(new.kind).to_vec();
        prediction.taken_ids = self.taken_ids();
        prediction.resources.push(new);
        prediction
    }

    /// A write answered with the resource it acts on: `by`'s view of `handle`, which the
    /// answer must show with the members its kind requires; in `states` when given (the
    /// answer's own state, checked as such), else as the case knows it.
    pub(super) fn acted_on(
        &self,
        by: Principal,
        handle: Handle,
        states: Option<StateSet>,
    ) -> Prediction {
        let mut view = self.view(by, handle);
        view.visibility = Visibility::Must;
        if let Some(states) = states {
            view.states = states;
            view.state_check = StateCheck::Result;
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = required_members(view.kind).to_vec();
        prediction.resources.push(view);
        prediction
    }

    /// The id and the possible states an answer `body` shows for the expectation `e`:
    /// the closure of the state it shows, or of the predicted states if it shows none.
    pub(super) fn answered(
        prediction: &Prediction,
        body: &Value,
        e: &Expectation,
    ) -> Option<(String, StateSet)> {
        let (_, item) = prediction.locate(e, body)?;
        let id = e.kind.shown_id(Some(item))?;
        let set = e
            .kind
            .shown_states(Some(item), e.kind.lifecycle().closure(e.states));
        Some((id, set))
    }

    /// The resources of `kind` the case knows (those the target gave an id).
    pub(super) fn handles_of(&self, kind: ResourceKind) -> Vec<Handle> {
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == kind && r.id.is_some())
            .map(|(i, _)| Handle(i as u32))
            .collect()
    }

    /// The resources of `kind` the case knows for which `keep` holds, in handle order.
    pub(super) fn known_where(
        &self,
        kind: ResourceKind,
        keep: impl Fn(Handle, &Resource) -> bool,
    ) -> Vec<Handle> {
        self.handles_of(kind)
            .into_iter()
            .filter(|h| keep(*h, self.resource(*h)))
            .collect()
    }

    /// The resources listed inside `parent` (a VIF's BGP peers).
    fn children(&self, parent: Handle) -> Vec<(ResourceKind, Handle)> {
        let kind = self.resource(parent).kind;
        ResourceKind::ALL
            .into_iter()
            .filter(|child| child.descriptor().nested_in == Some(kind))
            .flat_map(|child| {
                self.handles_of(child)
                    .into_iter()
                    .filter(move |h| self.resource(*h).parent == Some(parent))
                    .map(move |h| (child, h))
            })
            .collect()
    }

    /// A Describe of `kind`: one resource by id (`target`), or every one the caller
    /// may see, all of them or those under `parent` (a gateway's associations). A
    /// listed resource brings the resources listed inside it.
    pub(super) fn describe(
        &self,
        kind: ResourceKind,
        by: Principal,
        target: Option<HandleRef>,
        parent: Option<Handle>,
    ) -> Option<(Value, Prediction)> {
        let d = kind.descriptor();
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = required_members(kind).to_vec();
        prediction.list = Some(ListSpec {
            member: d.list_member,
            id_member: d.id_member,
            exclusive: target.is_some(),
        });
        let handles = match target {
            Some(reference) => vec![self.resolve(reference, kind)?],
            None => self
                .handles_of(kind)
                .into_iter()
                .filter(|h| parent.is_none() || self.resource(*h).parent == parent)
                .collect(),
        };
        for h in handles {
            let view = self.view(by, h);
            let visibility = view.visibility;
            prediction.resources.push(view);
            if visibility != Visibility::MustNot && !self.resource(h).deleted {
                for (child, c) in self.children(h) {
                    let nested = nested_in(child, None);
                    prediction
                        .resources
                        .push(self.nested_view(c, nested, visibility));
                }
            }
        }
        let body = match (target, parent) {
            (Some(_), _) => {
                let view = &prediction.resources[0];
                let body = json!({ d.id_member: view.id });
                if let Some((reason, assumed)) = doubt(kind, view.visibility) {
                    prediction.expect = either(reason);
                    if assumed {
                        prediction.basis = Basis::Assumed;
                    }
                }
                body
            }
            (None, Some(p)) => {
                let p = self.resource(p);
                json!({ p.kind.id_member(): p.id })
            }
            (None, None) => json!({}),
        };
        Some((body, prediction))
    }
}
