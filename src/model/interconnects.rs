//! The interconnect family: interconnects (CreateInterconnect, DescribeInterconnects,
//! DeleteInterconnect, DescribeInterconnectLoa, DescribeConnectionsOnInterconnect) and
//! the hosted connections partners allocate on them for other accounts
//! (AllocateHostedConnection, AllocateConnectionOnInterconnect, DescribeHostedConnections,
//! ConfirmConnection, AssociateHostedConnection).
//!
//! Sources, cited per rule:
//! - [api] the Direct Connect API reference: AllocateHostedConnection "Creates a hosted
//!   connection on the specified interconnect … Intended for use by Direct Connect
//!   Partners only"; ConfirmConnection "the hosted connection is initially in the Ordering
//!   state, and remains in this state until the owner confirms creation";
//!   AssociateHostedConnection "If the target interconnect or LAG has an existing hosted
//!   connection with a conflicting VLAN number or IP address, the operation fails";
//! - [outputs] published outputs of real calls: CreateInterconnect → `requested`,
//!   Allocate*/AssociateHostedConnection → `ordering`, ConfirmConnection → `pending`,
//!   DeleteInterconnect → `deleted`;
//! - [model] the service model (members, declared errors).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::connections::CONNECTION_MEMBERS;
use super::lifecycle::INTERCONNECT;
use super::prediction::{Basis, ListSpec, Prediction, StateCheck, Visibility};
use super::step::{HostedAllocation, InterconnectStep};
use super::tags::send_tags;
use super::{Handle, HandleRef, Model, Resource, ResourceKind, CONNECTION};
use crate::vocab::{Outcome, Principal};

/// Members every interconnect answer must carry for the model to follow it.
pub(super) const INTERCONNECT_MEMBERS: &[&str] = &[
    "interconnectId",
    "interconnectName",
    "interconnectState",
    "region",
    "location",
    "bandwidth",
];

/// Megabits per second of a bandwidth such as `50Mbps` or `10Gbps`.
pub(super) fn mbps(bandwidth: &str) -> Option<u64> {
    if let Some(n) = bandwidth.strip_suffix("Gbps") {
        return n.parse::<u64>().ok().map(|g| g * 1000);
    }
    bandwidth.strip_suffix("Mbps")?.parse().ok()
}

impl Model {
    /// The body and prediction of an interconnect step; `None` to skip it.
    pub(super) fn predict_interconnect(
        &self,
        step: &InterconnectStep,
    ) -> Option<(Value, Prediction)> {
        match step {
            InterconnectStep::CreateInterconnect {
                by,
                location,
                bandwidth,
                name,
                tags,
            } => Some(self.create_port(
                ResourceKind::Interconnect,
                *by,
                *location,
                bandwidth,
                name,
                tags,
            )),
            InterconnectStep::DescribeInterconnects { by, target } => {
                self.describe(ResourceKind::Interconnect, *by, *target, None)
            }
            InterconnectStep::DeleteInterconnect { by, target } => {
                self.on_resolved(*target, ResourceKind::Interconnect, |h| {
                    // [api] calls act on the caller's resources.
                    let rule = "only the owner account may delete an interconnect";
                    self.owner_only(*by, h, rule, || self.delete_interconnect(h))
                })
            }
            InterconnectStep::DescribeInterconnectLoa { by, target } => {
                let h = self.resolve(*target, ResourceKind::Interconnect)?;
                let r = self.resource(h);
                let body = json!({"interconnectId": r.id});
                let mut p = Prediction::succeed(Basis::Documented);
                p.required_members = vec!["loa"];
                if r.owner != *by {
                    p.may_refuse(
                        "another account's interconnect may be answered as not found or refused",
                    );
                } else if r.deleted {
                    p.may_refuse("AWS may refuse the LOA of a deleted interconnect");
                }
                Some((body, p))
            }
            InterconnectStep::DescribeConnectionsOnInterconnect { by, target } => {
                let h = self.resolve(*target, ResourceKind::Interconnect)?;
                let id = self.resource(h).id.clone();
                Some((json!({"interconnectId": id}), self.hosted_on(*by, h)))
            }
            InterconnectStep::DescribeHostedConnections { by, target } => {
                let h = self.resolve(*target, ResourceKind::Interconnect)?;
                let id = self.resource(h).id.clone();
                Some((json!({"connectionId": id}), self.hosted_on(*by, h)))
            }
            InterconnectStep::AllocateHostedConnection { .. }
            | InterconnectStep::AllocateConnectionOnInterconnect { .. } => {
                let a = step.hosted_allocation()?;
                let h = self.resolve(a.target, ResourceKind::Interconnect)?;
                let mut body = json!({
                    a.parent_member: self.resource(h).id,
                    "ownerAccount": self.env.accounts.of(a.owner),
                    "bandwidth": a.bandwidth,
                    "connectionName": a.name,
                    "vlan": a.vlan,
                });
                send_tags(&mut body, a.tags);
                Some((body, self.allocate(h, &a)))
            }
            InterconnectStep::ConfirmConnection { by, target } => {
                let h = self.resolve_hosted(*target)?;
                // [api] ConfirmConnection: the hosted connection "remains in this state
                // until the owner confirms creation".
                let rule = "only the owner account may confirm a hosted connection";
                Some(self.owner_only(*by, h, rule, || self.confirm_connection(h)))
            }
            InterconnectStep::AssociateHostedConnection {
                by,
                connection,
                parent,
            } => {
                let (h, p) = self.hosted_move(*connection, *parent)?;
                Some(self.associate_hosted(*by, h, p))
            }
        }
    }

    /// The hosted connection and new parent of an AssociateHostedConnection step.
    fn hosted_move(&self, connection: HandleRef, parent: HandleRef) -> Option<(Handle, Handle)> {
        let h = self.resolve_hosted(connection)?;
        // Half the references pick another interconnect of the same partner.
        let r = self.resource(h);
        let others = self.known_where(ResourceKind::Interconnect, |p, o| {
            Some(p) != r.parent && Some(o.owner) == r.peer
        });
        let p = self.resolve_preferring(parent, ResourceKind::Interconnect, &others)?;
        Some((h, p))
    }

    /// Whether `handle` is a hosted connection (a connection on an interconnect).
    pub(super) fn is_hosted(&self, handle: Handle) -> bool {
        let r = self.resource(handle);
        r.kind == ResourceKind::Connection
            && r.parent
                .is_some_and(|p| self.resource(p).kind == ResourceKind::Interconnect)
    }

    /// Resolve a reference among the case's created hosted connections.
    fn resolve_hosted(&self, reference: HandleRef) -> Option<Handle> {
        let hosted = self.known_where(ResourceKind::Connection, |h, _| self.is_hosted(h));
        reference.pick(&hosted)
    }

    /// Live hosted connections on interconnect `parent` (except `except`).
    fn live_hosted_on(&self, parent: Handle, except: Option<Handle>) -> Vec<Handle> {
        (0..self.resources.len())
            .map(|i| Handle(i as u32))
            .filter(|h| Some(*h) != except)
            .filter(|h| {
                let r = self.resource(*h);
                r.created && !r.deleted && r.parent == Some(parent) && self.is_hosted(*h)
            })
            .collect()
    }

    /// The owner's DeleteInterconnect of `handle`.
    fn delete_interconnect(&self, handle: Handle) -> Prediction {
        let r = self.resource(handle);
        let mut prediction = Prediction::succeed(Basis::Documented);
        // [outputs] DeleteInterconnect answers `deleted`; `deleting` exists too.
        let mut states = INTERCONNECT.set(&["deleting", "deleted"]);
        let mut check = StateCheck::Result;
        if r.deleted {
            prediction.may_refuse(
                "AWS may refuse to delete a deleted interconnect or answer its deleted state",
            );
            states = INTERCONNECT.gone_set();
            check = StateCheck::Gone;
        } else if !self.live_hosted_on(handle, None).is_empty() {
            // Not documented: an interconnect still hosting connections may be refused.
            prediction
                .may_refuse("an interconnect that still hosts connections may be refused deletion");
        }
        prediction
            .resources
            .push(self.answering(handle, states, check));
        prediction.required_members = vec!["interconnectState"];
        prediction
    }

    /// DescribeHostedConnections / DescribeConnectionsOnInterconnect of `parent`.
    fn hosted_on(&self, by: Principal, parent: Handle) -> Prediction {
        let p = self.resource(parent);
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = CONNECTION_MEMBERS.to_vec();
        prediction.list = Some(ListSpec {
            member: "connections",
            id_member: "connectionId",
            exclusive: true,
        });
        if p.owner != by {
            prediction.may_refuse(
                "another account's interconnect may be answered as not found or as an empty list",
            );
            return prediction;
        }
        if p.deleted {
            prediction.may_refuse("a deleted interconnect's hosted connections may be refused");
        }
        for (i, r) in self.resources.iter().enumerate() {
            let h = Handle(i as u32);
            if r.id.is_none() || r.parent != Some(parent) || !self.is_hosted(h) {
                continue;
            }
            // The partner sees the hosted connections it allocated [api
            // DescribeHostedConnections "Lists the hosted connections that have been
            // provisioned on the specified interconnect or LAG"].
            let mut view = self.view(r.owner, h);
            view.visibility = if r.deleted || p.deleted {
                Visibility::May
            } else {
                Visibility::Must
            };
            // Tags are the owner's business; the partner's view need not show them.
            view.tags = None;
            prediction.resources.push(view);
        }
        prediction
    }

    fn allocate(&self, parent: Handle, allocation: &HostedAllocation<'_>) -> Prediction {
        let p = self.resource(parent);
        if p.owner != allocation.by {
            // [api] AllocateHostedConnection: the connection is created on the caller's
            // interconnect ("Intended for use by Direct Connect Partners only").
            return Prediction::not_owner(
                "only the interconnect's owner may allocate hosted connections on it",
            );
        }
        let location = p.attributes.get("location").cloned().unwrap_or(Value::Null);
        let vlan_taken = self
            .live_hosted_on(parent, None)
            .iter()
            .any(|h| self.resource(*h).attributes.get("vlan") == Some(&json!(allocation.vlan)));
        let too_wide = match (
            mbps(allocation.bandwidth),
            p.attributes
                .get("bandwidth")
                .and_then(Value::as_str)
                .and_then(mbps),
        ) {
            (Some(want), Some(have)) => want > have,
            _ => false,
        };
        let mut prediction = self.creating(self.created(
            ResourceKind::Connection,
            // [outputs] Allocate* answer `ordering`; [api] "ordering: the initial state of
            // a hosted connection provisioned on an interconnect".
            CONNECTION.set(&["ordering"]),
            vec![
                ("connectionName", json!(allocation.name)),
                ("bandwidth", json!(allocation.bandwidth)),
                ("location", location),
                (
                    "ownerAccount",
                    json!(self.env.accounts.of(allocation.owner)),
                ),
                ("region", json!(self.env.region)),
                ("vlan", json!(allocation.vlan)),
            ],
            allocation.tags,
        ));
        if p.deleted {
            prediction.may_refuse("a deleted interconnect cannot host new connections");
        } else if vlan_taken {
            prediction
                .may_refuse("the VLAN is already used by a hosted connection on this interconnect");
        } else if too_wide {
            prediction.may_refuse("a hosted connection wider than its interconnect may be refused");
        }
        prediction
    }

    /// The owner's ConfirmConnection of the hosted connection `handle`.
    fn confirm_connection(&self, handle: Handle) -> Prediction {
        let r = self.resource(handle);
        let ordering = CONNECTION.set(&["ordering"]);
        let pending = CONNECTION.set(&["pending"]);
        let mut prediction = Prediction::succeed(Basis::Documented);
        let mut states = pending;
        if r.deleted {
            prediction.may_refuse("a deleted hosted connection cannot be confirmed");
            states = CONNECTION.gone_set().union(pending);
        } else if r.possible != ordering {
            prediction.may_refuse(
                "confirming a connection no longer in ordering may be refused or answer its state",
            );
            states = r.possible.union(pending);
        }
        prediction.resources.push(self.answering(
            handle,
            // [outputs] ConfirmConnection answers `{"connectionState": "pending"}`.
            states,
            StateCheck::Result,
        ));
        prediction.required_members = vec!["connectionState"];
        prediction
    }

    fn associate_hosted(
        &self,
        by: Principal,
        handle: Handle,
        parent: Handle,
    ) -> (Value, Prediction) {
        let r = self.resource(handle);
        let p = self.resource(parent);
        let body = json!({"connectionId": r.id, "parentConnectionId": p.id});
        let allocator = r.peer.unwrap_or(r.owner);
        if allocator != by || p.owner != by {
            // [api] AssociateHostedConnection is "intended for use by Direct Connect
            // Partners only": the partner that allocated it, onto its own interconnect.
            let p = Prediction::not_owner("only the allocating partner may move a hosted connection, onto its own interconnect");
            return (body, p);
        }
        let vlan = r.attributes.get("vlan");
        let conflict = self
            .live_hosted_on(parent, Some(handle))
            .iter()
            .any(|h| self.resource(*h).attributes.get("vlan") == vlan);
        if conflict && !r.deleted && !p.deleted && r.parent != Some(parent) {
            // [api] "If the target interconnect or LAG has an existing hosted connection
            // with a conflicting VLAN number or IP address, the operation fails."
            let p = Prediction::refused(
                "the target interconnect already has a hosted connection on this VLAN",
                Basis::Documented,
            );
            return (body, p);
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        if r.deleted || p.deleted {
            prediction
                .may_refuse("a deleted hosted connection or interconnect cannot be associated");
        } else if r.parent == Some(parent) || conflict {
            prediction.may_refuse(
                "associating a hosted connection with its current parent may be refused",
            );
        }
        let mut view = self.view(r.owner, handle);
        view.visibility = Visibility::Must;
        view.tags = None;
        // [outputs] AssociateHostedConnection answered `ordering`; a connection keeps its
        // state otherwise (not documented), so both are accepted.
        view.states = if r.deleted {
            CONNECTION.gone_set()
        } else {
            r.possible.union(CONNECTION.set(&["ordering"]))
        };
        view.state_check = StateCheck::Result;
        view.echo.retain(|(m, _)| *m != "location");
        prediction.resources.push(view);
        prediction.required_members = CONNECTION_MEMBERS.to_vec();
        (body, prediction)
    }

    /// Apply an interconnect step's answer (after states were narrowed).
    pub(super) fn apply_interconnect(
        &mut self,
        step: &InterconnectStep,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        let succeeded = matches!(outcome, Outcome::Success(_));
        let body = outcome.body();
        match step {
            InterconnectStep::CreateInterconnect {
                by,
                bandwidth,
                name,
                tags,
                ..
            } => {
                let location = prediction.echoed("location");
                let requested = INTERCONNECT.closure(INTERCONNECT.set(&["requested"]));
                self.resources.push(Resource {
                    attributes: BTreeMap::from([
                        ("interconnectName".to_owned(), json!(name)),
                        ("bandwidth".to_owned(), json!(bandwidth)),
                        ("location".to_owned(), location),
                    ]),
                    ..Resource::from_create(
                        ResourceKind::Interconnect,
                        *by,
                        tags,
                        succeeded,
                        body,
                        requested,
                    )
                });
            }
            InterconnectStep::DeleteInterconnect { target, .. } if succeeded => {
                if let Some(h) = self.resolve(*target, ResourceKind::Interconnect) {
                    let deleting = INTERCONNECT.closure(INTERCONNECT.set(&["deleting", "deleted"]));
                    self.resource_mut(h).settle_deleted(deleting);
                }
            }
            InterconnectStep::AllocateHostedConnection { .. }
            | InterconnectStep::AllocateConnectionOnInterconnect { .. } => {
                if let Some(a) = step.hosted_allocation() {
                    self.push_hosted(&a, prediction, outcome);
                }
            }
            InterconnectStep::AssociateHostedConnection {
                connection, parent, ..
            } if succeeded => {
                if let Some((h, p)) = self.hosted_move(*connection, *parent) {
                    let location = self.resource(p).attributes.get("location").cloned();
                    let r = self.resource_mut(h);
                    r.parent = Some(p);
                    if let Some(location) = location {
                        r.attributes.insert("location".to_owned(), location);
                    }
                }
            }
            _ => {}
        }
    }

    fn push_hosted(
        &mut self,
        allocation: &HostedAllocation<'_>,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        let succeeded = matches!(outcome, Outcome::Success(_));
        let body = outcome.body();
        let parent = self.resolve(allocation.target, ResourceKind::Interconnect);
        self.resources.push(Resource {
            attributes: BTreeMap::from([
                ("connectionName".to_owned(), json!(allocation.name)),
                ("bandwidth".to_owned(), json!(allocation.bandwidth)),
                ("location".to_owned(), prediction.echoed("location")),
                ("vlan".to_owned(), json!(allocation.vlan)),
            ]),
            parent,
            peer: Some(allocation.by),
            ..Resource::from_create(
                ResourceKind::Connection,
                allocation.owner,
                allocation.tags,
                succeeded,
                body,
                CONNECTION.set(&["ordering"]),
            )
        });
    }
}

/// The state index an answer shows in `member`.
pub(super) fn observed(
    body: Option<&Value>,
    member: &str,
    index: impl Fn(&str) -> Option<usize>,
) -> Option<usize> {
    body.and_then(|b| b.get(member))
        .and_then(Value::as_str)
        .and_then(index)
}

#[cfg(test)]
mod tests;
