//! Predictions for the connection lifecycle (CreateConnection, DescribeConnections,
//! UpdateConnection, DeleteConnection), tags on connections and DescribeLocations.
//!
//! Sources, cited per rule:
//! - [api] the Direct Connect API reference (request/response members, ownership);
//! - [outputs] published outputs of real calls (CreateConnection → `requested`,
//!   DeleteConnection → `deleted`);
//! - [model] the service model (declared errors, `TooManyTagsException` etc.);
//! - [api] UpdateConnectionsBillingMode "Updates the billing mode for the specified
//!   Direct Connect connections. You can update the billing mode for up to 200
//!   connections in a single request"; its answer carries `billingMode` and
//!   `connections` ("The connections with the updated billing mode").

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::prediction::{Basis, ListSpec, Prediction, StateCheck, Visibility};
use super::step::ConnectionStep;
use super::tags::send_tags;
use super::{Handle, Model, Resource, ResourceKind, StateSet, Tag, CONNECTION};
use crate::vocab::{Outcome, Principal};

/// The one error type Direct Connect uses for rejected client calls [model].
pub const CLIENT_ERROR: &str = "DirectConnectClientException";

/// Members every connection answer must carry for the model to follow it.
pub(super) const CONNECTION_MEMBERS: &[&str] = &[
    "connectionId",
    "connectionName",
    "connectionState",
    "ownerAccount",
    "region",
    "location",
    "bandwidth",
];

impl Model {
    /// The body and prediction of a connection step; `None` to skip it.
    pub(super) fn predict_connection(&self, step: &ConnectionStep) -> Option<(Value, Prediction)> {
        match step {
            ConnectionStep::CreateConnection {
                by,
                location,
                bandwidth,
                name,
                tags,
            } => Some(self.create_port(
                ResourceKind::Connection,
                *by,
                *location,
                bandwidth,
                name,
                tags,
            )),
            ConnectionStep::DescribeConnections { by, target } => {
                self.describe(ResourceKind::Connection, *by, *target, None)
            }
            ConnectionStep::UpdateConnection { by, target, name } => {
                self.on_resolved(*target, ResourceKind::Connection, |handle| {
                    self.update_connection(*by, handle, name)
                })
            }
            ConnectionStep::DeleteConnection { by, target } => {
                self.on_resolved(*target, ResourceKind::Connection, |handle| {
                    self.delete_connection(*by, handle)
                })
            }
            ConnectionStep::UpdateConnectionsBillingMode {
                by,
                targets,
                billing_mode,
            } => {
                // Half the references pick among the caller's live dedicated
                // connections, so updates can succeed.
                // (Hosted connections and LAG members have a parent.)
                let own = self.known_where(ResourceKind::Connection, |_, r| {
                    r.owner == *by && !r.deleted && r.parent.is_none()
                });
                let mut handles: Vec<Handle> = Vec::new();
                for t in targets {
                    let h = self.resolve_preferring(*t, ResourceKind::Connection, &own)?;
                    if !handles.contains(&h) {
                        handles.push(h);
                    }
                }
                (!handles.is_empty()).then(|| self.update_billing_mode(*by, &handles, billing_mode))
            }
            ConnectionStep::DescribeLocations { .. } => {
                let mut p = Prediction::succeed(Basis::Documented);
                p.required_members = vec!["locations"];
                Some((json!({}), p))
            }
        }
    }

    pub(super) fn location_code(&self, index: u8) -> String {
        let pool = &self.env.locations;
        pool.get(index as usize % pool.len().max(1))
            .cloned()
            .unwrap_or_default()
    }

    /// A dedicated port made at a location with a bandwidth: a connection, or a partner's
    /// interconnect.
    pub(super) fn create_port(
        &self,
        kind: ResourceKind,
        by: Principal,
        location: u8,
        bandwidth: &str,
        name: &str,
        tags: &[Tag],
    ) -> (Value, Prediction) {
        let name_member = match kind {
            ResourceKind::Interconnect => "interconnectName",
            _ => "connectionName",
        };
        let location = self.location_code(location);
        let mut body = json!({"location": location, "bandwidth": bandwidth, name_member: name});
        send_tags(&mut body, tags);
        let mut echo = vec![
            (name_member, json!(name)),
            ("bandwidth", json!(bandwidth)),
            ("location", json!(location)),
        ];
        // A connection's answer names its owner account; an interconnect's does not.
        if kind == ResourceKind::Connection {
            echo.push(("ownerAccount", json!(self.env.accounts.of(by))));
        }
        echo.push(("region", json!(self.env.region)));
        let prediction = self.creating(self.created(
            kind,
            // [outputs] CreateConnection and CreateInterconnect answer `requested`; [api]
            // "requested: the initial state of a standard connection".
            // [api] Connection.tags: "The tags associated with the connection."
            kind.lifecycle().set(&["requested"]),
            echo,
            tags,
        ));
        (body, prediction)
    }

    /// Prediction for a call acting on one connection as a whole (update, delete).
    fn on_connection(&self, by: Principal, handle: Handle, action: &str) -> Prediction {
        let r = self.resource(handle);
        if r.owner != by && r.peer == Some(by) {
            // The partner that allocated a hosted connection manages it too; whether it
            // may {action} it is not documented [api DeleteConnection, UpdateConnection].
            let mut p = Prediction::succeed(Basis::Documented);
            p.may_refuse(format!(
                "the allocating partner may or may not {action} a hosted connection it allocated"
            ));
            return p;
        }
        if r.owner != by {
            // [api] calls act on the caller's resources; another account's connection
            // is not theirs to change.
            return Prediction::not_owner(format!(
                "only the owner account may {action} a connection"
            ));
        }
        let mut prediction = self.acted_on(by, handle, None);
        if r.deleted {
            prediction.may_refuse(format!(
                "AWS may refuse to {action} a deleted connection or answer with its deleted state"
            ));
            prediction.resources[0].states = CONNECTION.gone_set();
        }
        prediction
    }

    fn update_connection(&self, by: Principal, handle: Handle, name: &str) -> (Value, Prediction) {
        let prediction = self.on_connection(by, handle, "update");
        self.renaming(handle, "connectionName", name, prediction)
    }

    fn delete_connection(&self, by: Principal, handle: Handle) -> (Value, Prediction) {
        let r = self.resource(handle);
        let body = json!({"connectionId": r.id});
        let mut prediction = self.on_connection(by, handle, "delete");
        if let Some(view) = prediction.resources.first_mut() {
            if !r.deleted {
                // [outputs] DeleteConnection answers `deleted`; [api] `deleting` also exists.
                view.states = CONNECTION.set(&["deleting", "deleted"]);
                // [api] "rejected: a hosted connection in the ordering state enters the
                // rejected state if it is deleted by the customer".
                let ordering = CONNECTION.set(&["ordering"]);
                if r.possible == ordering {
                    view.states = CONNECTION.set(&["rejected"]);
                } else if !r.possible.intersect(ordering).is_empty() {
                    view.states = view.states.union(CONNECTION.set(&["rejected"]));
                }
                view.state_check = StateCheck::Result;
            }
            view.tags = None;
        }
        (body, prediction)
    }

    /// UpdateConnectionsBillingMode: [api] the answer lists the connections "with the
    /// updated billing mode", each showing it, and names the mode applied.
    fn update_billing_mode(
        &self,
        by: Principal,
        handles: &[Handle],
        mode: &str,
    ) -> (Value, Prediction) {
        let ids: Vec<Value> = handles
            .iter()
            .map(|h| json!(self.resource(*h).id))
            .collect();
        let body = json!({"connectionIds": ids, "billingMode": mode});
        if handles.iter().any(|h| self.resource(*h).owner != by) {
            // [api] calls act on the caller's resources.
            return (
                body,
                Prediction::not_owner(
                    "only the owner account may change a connection's billing mode",
                ),
            );
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        // Each listed connection shows its id, state and the mode applied.
        prediction.required_members = vec!["connectionId", "connectionState", "billingMode"];
        prediction.list = Some(ListSpec {
            member: "connections",
            id_member: "connectionId",
            exclusive: true,
        });
        for h in handles {
            let mut view = self.view(by, *h);
            view.visibility = Visibility::Must;
            view.tags = None;
            view.states = StateSet::EMPTY;
            view.echo_instead("billingMode", json!(mode));
            prediction.resources.push(view);
        }
        if handles.iter().any(|h| {
            let r = self.resource(*h);
            r.deleted || r.parent.is_some()
        }) {
            // Not documented: billing modes of deleted, hosted or bundled connections
            // (hosted connections and LAG members have a parent).
            prediction.may_refuse(
                "the billing mode of a deleted, hosted or LAG member connection may not be changeable",
            );
        }
        (body, prediction)
    }

    /// Apply what an answer means for the model (after states were narrowed).
    pub(super) fn apply_connection(
        &mut self,
        step: &ConnectionStep,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        let succeeded = matches!(outcome, Outcome::Success(_));
        match step {
            ConnectionStep::CreateConnection {
                by,
                location: _,
                bandwidth,
                name,
                tags,
            } => {
                let body = outcome.body();
                let location = prediction.echoed("location");
                let mut attributes = BTreeMap::from([
                    ("connectionName".to_owned(), json!(name)),
                    ("bandwidth".to_owned(), json!(bandwidth)),
                    ("location".to_owned(), location),
                ]);
                // Kept, not echoed: the device (LAG membership needs the same endpoint)
                // and MACsec capability (MACsec keys), as the target answered them.
                for key in ["awsDeviceV2", "macSecCapable"] {
                    if let Some(v) = body.and_then(|b| b.get(key)) {
                        attributes.insert(key.to_owned(), v.clone());
                    }
                }
                let requested = CONNECTION.closure(CONNECTION.set(&["requested"]));
                self.resources.push(Resource {
                    attributes,
                    ..Resource::from_create(
                        ResourceKind::Connection,
                        *by,
                        tags,
                        succeeded,
                        body,
                        requested,
                    )
                });
            }
            ConnectionStep::UpdateConnection { target, name, .. } if succeeded => {
                self.rename(*target, ResourceKind::Connection, "connectionName", name);
            }
            ConnectionStep::UpdateConnectionsBillingMode { billing_mode, .. } if succeeded => {
                for e in &prediction.resources {
                    let r = self.resource_mut(e.handle);
                    if !r.deleted {
                        r.attributes
                            .insert("billingMode".to_owned(), json!(billing_mode));
                    }
                }
            }
            ConnectionStep::DeleteConnection { target, .. } if succeeded => {
                if let Some(h) = self.resolve(*target, ResourceKind::Connection) {
                    let deleting = CONNECTION.closure(CONNECTION.set(&["deleting", "deleted"]));
                    self.resource_mut(h).settle_deleted(deleting);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{assert_not_owner, model, owner_connection, run};
    use crate::model::{Expect, HandleRef, Step};

    #[test]
    fn a_billing_mode_applied_is_echoed_by_the_answer_and_later_describes() {
        let mut m = model();
        let create = owner_connection("10Gbps");
        run(
            &mut m,
            create,
            Outcome::Success(
                json!({"connectionId": "dxcon-aaaaaaaa", "connectionState": "requested"}),
            ),
        );
        let update = |by| {
            Step::Connection(ConnectionStep::UpdateConnectionsBillingMode {
                by,
                targets: vec![HandleRef(0), HandleRef(0)],
                billing_mode: "FlatRateTier3".into(),
            })
        };
        let (call, p) = m.call(&update(Principal::Owner)).unwrap();
        assert_eq!(
            call.body,
            json!({"connectionIds": ["dxcon-aaaaaaaa"], "billingMode": "FlatRateTier3"})
        );
        assert_eq!(p.expect, Expect::Succeed);
        assert!(p.list.as_ref().unwrap().exclusive);
        assert!(p.resources[0]
            .echo
            .contains(&("billingMode", json!("FlatRateTier3"))));
        assert_not_owner(&m, &update(Principal::Partner));
        m.observe(&update(Principal::Owner), &p, &Outcome::Success(json!({})));
        let describe = Step::Connection(ConnectionStep::DescribeConnections {
            by: Principal::Owner,
            target: None,
        });
        let (_, p) = m.call(&describe).unwrap();
        assert!(p.resources[0]
            .echo
            .contains(&("billingMode", json!("FlatRateTier3"))));
    }
}
