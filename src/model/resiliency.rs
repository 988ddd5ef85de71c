//! The resiliency-group family: resiliency groups (CreateResiliencyGroup,
//! GetResiliencyGroup, UpdateResiliencyGroup, DeleteResiliencyGroup,
//! ListResiliencyGroups) and the connections associated with them
//! (AssociateConnectionsToResiliencyGroup, DisassociateConnectionsFromResiliencyGroup,
//! ListResiliencyGroupAssociations).
//!
//! Sources, cited per rule:
//! - [api] CreateResiliencyGroup "A resiliency group lets you group Direct Connect
//!   connections together and manage them as a single unit"; DeleteResiliencyGroup
//!   "Deletion is asynchronous: the resiliency group transitions through the deleting
//!   state before it reaches the deleted state. The response returns the resiliency
//!   group so you can observe its current state"; Associate…/Disassociate… "This
//!   operation is atomic: either all of the specified connections are associated [or
//!   disassociated], or the operation fails and no changes are made"; connections are
//!   named by "IDs or ARNs"; ResiliencyGroupAssociation: the connection's ARN, the
//!   group's id and a state (associating | associated | disassociating | disassociated);
//! - [spec] answers: `resiliencyGroup` (GetResiliencyGroup, Create, Update, Delete),
//!   `items` (ListResiliencyGroups: summaries, without tags; ListResiliencyGroupAssociations),
//!   `resiliencyGroupAssociations` (Associate, Disassociate);
//! - [api] calls act on the caller's resources: another account's group or connection
//!   is refused;
//! - assumed: the state a new group is answered in (pending or available), whether a
//!   group with connections can be deleted, whether a connection already associated,
//!   deleted, hosted or bundled in a LAG can be associated, and whether a disassociated
//!   connection lingers in the list as `disassociated`: either answer is accepted.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::lifecycle::RESILIENCY_GROUP;
use super::prediction::{Basis, Expectation, ListSpec, Prediction, StateCheck, Visibility};
use super::step::ResiliencyStep;
use super::tags::send_tags;
use super::{Handle, HandleRef, Model, Resource, ResourceKind, StateSet, Tag};
use crate::vocab::{Outcome, Principal};

/// Members every resiliency group answer must carry for the model to follow it.
pub(super) const RESILIENCY_GROUP_MEMBERS: &[&str] = &[
    "resiliencyGroupId",
    "resiliencyGroupName",
    "state",
    "ownerAccount",
];

/// Members every association must carry.
const ASSOCIATION_MEMBERS: &[&str] = &["connectionArn", "resiliencyGroupId", "state"];

/// The answer's group.
const GROUP: &str = "resiliencyGroup";

/// Attribute keys the model keeps on a group (never echoed): the connections
/// associated with it, and those disassociated from it (which may linger), by handle.
const ASSOCIATED: &str = "associatedConnections";
const DISASSOCIATED: &str = "disassociatedConnections";

impl Model {
    /// The body and prediction of a resiliency-group step; `None` to skip it.
    pub(super) fn predict_resiliency(&self, step: &ResiliencyStep) -> Option<(Value, Prediction)> {
        use ResiliencyStep::*;
        match step {
            CreateResiliencyGroup {
                by,
                name,
                model,
                tags,
            } => Some(self.create_group(*by, name, model, tags)),
            GetResiliencyGroup { by, target } => {
                self.on_resolved(*target, ResourceKind::ResiliencyGroup, |h| {
                    self.get_group(*by, h)
                })
            }
            UpdateResiliencyGroup { by, target, name } => {
                self.on_resolved(*target, ResourceKind::ResiliencyGroup, |h| {
                    self.update_group(*by, h, name)
                })
            }
            DeleteResiliencyGroup { by, target } => {
                self.on_resolved(*target, ResourceKind::ResiliencyGroup, |h| {
                    self.delete_group(*by, h)
                })
            }
            ListResiliencyGroups { by } => {
                let (body, mut p) =
                    self.describe(ResourceKind::ResiliencyGroup, *by, None, None)?;
                // [spec] ResiliencyGroupSummary has no tags.
                for e in &mut p.resources {
                    e.tags = None;
                }
                Some((body, p))
            }
            AssociateConnectionsToResiliencyGroup {
                by,
                target,
                connections,
            } => {
                let g = self.resolve(*target, ResourceKind::ResiliencyGroup)?;
                // Half the references pick among the caller's live connections.
                let own = self.known_where(ResourceKind::Connection, |_, r| {
                    r.owner == *by && !r.deleted
                });
                let picked = self.pick_connections(connections, &own)?;
                Some(self.associate(*by, g, &picked, true))
            }
            DisassociateConnectionsFromResiliencyGroup {
                by,
                target,
                connections,
            } => {
                let g = self.resolve(*target, ResourceKind::ResiliencyGroup)?;
                // Half the references pick among the group's connections.
                let members = self.group_connections(g, ASSOCIATED);
                let picked = self.pick_connections(connections, &members)?;
                Some(self.associate(*by, g, &picked, false))
            }
            ListResiliencyGroupAssociations { by, target } => {
                self.on_resolved(*target, ResourceKind::ResiliencyGroup, |g| {
                    let rule = "only the owner account may list a resiliency group's connections";
                    self.owner_only(*by, g, rule, || self.list_associations(g))
                })
            }
        }
    }

    /// Distinct connections for `references`, preferring `candidates`.
    fn pick_connections(
        &self,
        references: &[HandleRef],
        candidates: &[Handle],
    ) -> Option<Vec<Handle>> {
        let mut picked = Vec::new();
        for r in references {
            let h = self.resolve_preferring(*r, ResourceKind::Connection, candidates)?;
            if !picked.contains(&h) {
                picked.push(h);
            }
        }
        (!picked.is_empty()).then_some(picked)
    }

    /// The connections a group keeps under `key` (associated or disassociated).
    fn group_connections(&self, group: Handle, key: &str) -> Vec<Handle> {
        self.resource(group)
            .attributes
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .map(|i| Handle(i as u32))
            .collect()
    }

    fn create_group(
        &self,
        by: Principal,
        name: &str,
        model: &str,
        tags: &[Tag],
    ) -> (Value, Prediction) {
        let mut body = json!({"resiliencyGroupName": name, "intendedResiliencyModel": model});
        send_tags(&mut body, tags);
        let mut prediction = self.creating(self.created(
            ResourceKind::ResiliencyGroup,
            // Not documented: a new group may be answered pending or available.
            RESILIENCY_GROUP.set(&["pending", "available"]),
            vec![
                ("resiliencyGroupName", json!(name)),
                ("ownerAccount", json!(self.env.accounts.of(by))),
            ],
            tags,
        ));
        prediction.within = Some(GROUP);
        (body, prediction)
    }

    /// A call on one group as a whole, answered with the group: refused to another
    /// account; a deleted group may be refused.
    fn on_group(&self, by: Principal, h: Handle, action: &str) -> Prediction {
        let r = self.resource(h);
        if r.owner != by {
            return Prediction::not_owner(format!(
                "only the owner account may {action} a resiliency group"
            ));
        }
        let mut prediction = self.acted_on(by, h, None);
        prediction.within = Some(GROUP);
        if r.deleted {
            prediction.may_refuse(format!(
                "AWS may refuse to {action} a deleted resiliency group or answer it deleted"
            ));
            prediction.resources[0].states = RESILIENCY_GROUP.gone_set();
            prediction.resources[0].state_check = StateCheck::Gone;
            prediction.resources[0].tags = None;
        }
        prediction
    }

    fn get_group(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let body = json!({"resiliencyGroupId": self.resource(h).id});
        (body, self.on_group(by, h, "get"))
    }

    fn update_group(&self, by: Principal, h: Handle, name: &str) -> (Value, Prediction) {
        let body = json!({"resiliencyGroupId": self.resource(h).id, "resiliencyGroupName": name});
        let mut prediction = self.on_group(by, h, "rename");
        if let Some(view) = prediction.resources.first_mut() {
            if !self.resource(h).deleted {
                view.echo_instead("resiliencyGroupName", json!(name));
            }
        }
        (body, prediction)
    }

    fn delete_group(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let body = json!({"resiliencyGroupId": r.id});
        let mut prediction = self.on_group(by, h, "delete");
        if r.owner == by && !r.deleted {
            let view = &mut prediction.resources[0];
            // [api] "transitions through the deleting state before it reaches the
            // deleted state … The response returns the resiliency group so you can
            // observe its current state".
            view.states = RESILIENCY_GROUP.set(&["deleting", "deleted"]);
            view.state_check = StateCheck::Result;
            view.tags = None;
            if !self.group_connections(h, ASSOCIATED).is_empty() {
                prediction.may_refuse("a resiliency group with connections may not be deletable");
            }
        }
        (body, prediction)
    }

    /// Associate (`associate`) or disassociate `connections`: [api] atomic; the answer
    /// lists one association per connection, by its ARN.
    fn associate(
        &self,
        by: Principal,
        g: Handle,
        connections: &[Handle],
        associate: bool,
    ) -> (Value, Prediction) {
        let group = self.resource(g);
        let ids: Vec<Value> = connections
            .iter()
            .map(|c| json!(self.resource(*c).id))
            .collect();
        let body = json!({"resiliencyGroupId": group.id, "connectionIdentifiers": ids});
        let foreign = connections.iter().any(|c| self.resource(*c).owner != by);
        if group.owner != by || foreign {
            let action = if associate {
                "associate"
            } else {
                "disassociate"
            };
            let rule = format!(
                "only the owner account may {action} its connections and its resiliency group"
            );
            return (body, Prediction::not_owner(rule));
        }
        let mut prediction = association_list("resiliencyGroupAssociations");
        for c in connections {
            prediction
                .resources
                .push(self.association(g, *c, Visibility::Must));
        }
        let associated = self.group_connections(g, ASSOCIATED);
        let doubtful = group.deleted
            || connections.iter().any(|c| {
                let r = self.resource(*c);
                r.deleted || r.parent.is_some() || associated.contains(c) == associate
            });
        if doubtful {
            prediction.may_refuse(if associate {
                "associating a deleted group, or a connection deleted, hosted, in a LAG or already associated, may be refused"
            } else {
                "disassociating from a deleted group, or a connection deleted or not associated, may be refused"
            });
        }
        (body, prediction)
    }

    /// How an association of connection `c` with group `g` shows: the connection's
    /// ARN, the group's id.
    fn association(&self, g: Handle, c: Handle, visibility: Visibility) -> Expectation {
        Expectation {
            handle: c,
            kind: ResourceKind::Connection,
            id: self.arn(c),
            states: StateSet::EMPTY,
            state_check: StateCheck::Result,
            visibility,
            echo: vec![("resiliencyGroupId", json!(self.resource(g).id))],
            tags: None,
            nested: None,
        }
    }

    /// The owner's ListResiliencyGroupAssociations of `g`.
    fn list_associations(&self, g: Handle) -> Prediction {
        let group = self.resource(g);
        let mut prediction = association_list("items");
        for c in self.group_connections(g, ASSOCIATED) {
            let visibility = if self.resource(c).deleted || group.deleted {
                Visibility::May
            } else {
                Visibility::Must
            };
            prediction
                .resources
                .push(self.association(g, c, visibility));
        }
        // A disassociated connection may linger as `disassociated` (not documented).
        for c in self.group_connections(g, DISASSOCIATED) {
            prediction
                .resources
                .push(self.association(g, c, Visibility::May));
        }
        if group.deleted {
            prediction.may_refuse("the connections of a deleted resiliency group may be refused");
        }
        prediction
    }

    /// Apply a resiliency-group step's answer (after states were narrowed).
    pub(super) fn apply_resiliency(
        &mut self,
        step: &ResiliencyStep,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        use ResiliencyStep::*;
        let succeeded = matches!(outcome, Outcome::Success(_));
        match step {
            CreateResiliencyGroup { by, name, tags, .. } => {
                let group = outcome.body().and_then(|b| b.get(GROUP));
                let pending = RESILIENCY_GROUP.closure(RESILIENCY_GROUP.set(&["pending"]));
                self.resources.push(Resource {
                    attributes: BTreeMap::from([("resiliencyGroupName".to_owned(), json!(name))]),
                    ..Resource::from_create(
                        ResourceKind::ResiliencyGroup,
                        *by,
                        tags,
                        succeeded,
                        group,
                        pending,
                    )
                });
            }
            UpdateResiliencyGroup { target, name, .. } if succeeded => {
                self.rename(
                    *target,
                    ResourceKind::ResiliencyGroup,
                    "resiliencyGroupName",
                    name,
                );
            }
            DeleteResiliencyGroup { target, .. } if succeeded => {
                if let Some(h) = self.resolve(*target, ResourceKind::ResiliencyGroup) {
                    let deleting =
                        RESILIENCY_GROUP.closure(RESILIENCY_GROUP.set(&["deleting", "deleted"]));
                    self.resource_mut(h).settle_deleted(deleting);
                }
            }
            AssociateConnectionsToResiliencyGroup { target, .. }
            | DisassociateConnectionsFromResiliencyGroup { target, .. }
                if succeeded =>
            {
                let associate = matches!(step, AssociateConnectionsToResiliencyGroup { .. });
                let Some(g) = self.resolve(*target, ResourceKind::ResiliencyGroup) else {
                    return;
                };
                let moved: Vec<Handle> = prediction.resources.iter().map(|e| e.handle).collect();
                let (to, from) = if associate {
                    (ASSOCIATED, DISASSOCIATED)
                } else {
                    (DISASSOCIATED, ASSOCIATED)
                };
                let mut into = self.group_connections(g, to);
                let mut out = self.group_connections(g, from);
                for c in moved {
                    out.retain(|h| *h != c);
                    if !into.contains(&c) {
                        into.push(c);
                    }
                }
                let list = |hs: Vec<Handle>| json!(hs.iter().map(|h| h.0).collect::<Vec<_>>());
                let r = self.resource_mut(g);
                r.attributes.insert(to.to_owned(), list(into));
                r.attributes.insert(from.to_owned(), list(out));
            }
            _ => {}
        }
    }
}

/// A success that answers the group's associations in list `member`, one item per
/// connection by its ARN, each with the association members AWS documents.
fn association_list(member: &'static str) -> Prediction {
    let mut prediction = Prediction::succeed(Basis::Documented);
    prediction.required_members = ASSOCIATION_MEMBERS.to_vec();
    prediction.list = Some(ListSpec {
        member,
        id_member: "connectionArn",
        exclusive: true,
    });
    prediction
}

#[cfg(test)]
mod tests;
