//! The LAG family: link aggregation groups and their member connections (CreateLag,
//! DescribeLags, UpdateLag, DeleteLag, AssociateConnectionWithLag,
//! DisassociateConnectionFromLag), MACsec keys on connections and LAGs
//! (AssociateMacSecKey, DisassociateMacSecKey), letters of authorization
//! (DescribeLoa, DescribeConnectionLoa) and DescribeCustomerMetadata.
//!
//! Sources, cited per rule:
//! - [api] the Direct Connect API reference: CreateLag "You can have a maximum of four
//!   connections when the port speed is 1 Gbps or 10 Gbps, or two when the port speed is
//!   100 Gbps or 400 Gbps … All connections in the LAG must use the same bandwidth";
//!   AssociateConnectionWithLag "The connection must be hosted on the same Direct Connect
//!   endpoint as the LAG, and its bandwidth must match the bandwidth for the LAG";
//!   DisassociateConnectionFromLag "the connection is not deleted … If all connections
//!   are disassociated, the LAG continues to exist as an empty LAG"; DeleteLag "You
//!   cannot delete a LAG if it has active virtual interfaces or hosted connections";
//!   ConfirmCustomerAgreement answers the agreement's `status`, "signed or unsigned";
//! - [outputs] published outputs: CreateLag → LAG `pending`, new members `requested` (or
//!   `down`); DeleteLag → `deleted`; UpdateLag, Associate/DisassociateConnectionWithLag
//!   → the current state;
//! - [model] the service model (members, declared errors).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::interconnects::observed;
use super::lifecycle::LAG;
use super::prediction::{Basis, Expectation, Prediction, StateCheck, Visibility};
use super::step::LagStep;
use super::tags::{send_tags, tags_json};
use super::{Handle, Model, Resource, ResourceKind, StateSet, Tag, CONNECTION};
use crate::vocab::{Outcome, Principal};

/// Members every LAG answer must carry for the model to follow it.
pub(super) const LAG_MEMBERS: &[&str] = &[
    "lagId",
    "lagName",
    "lagState",
    "ownerAccount",
    "region",
    "location",
    "connectionsBandwidth",
];

/// Dedicated port speeds, the only ones a LAG bundles [api CreateLag].
const DEDICATED: &[&str] = &["1Gbps", "10Gbps", "100Gbps", "400Gbps"];

/// Most connections in a LAG of this bandwidth [api CreateLag].
pub(super) fn max_members(bandwidth: &str) -> usize {
    match bandwidth {
        "100Gbps" | "400Gbps" => 2,
        _ => 4,
    }
}

/// Attribute keys the model keeps but never echoes.
const DEVICE: &str = "awsDeviceV2";
const MAC_SEC: &str = "macSecCapable";
const SECRETS: &str = "macSecSecretArns";

impl Model {
    /// The body and prediction of a LAG step; `None` to skip it.
    pub(super) fn predict_lag(&self, step: &LagStep) -> Option<(Value, Prediction)> {
        match step {
            LagStep::CreateLag {
                by,
                location,
                bandwidth,
                count,
                name,
                tags,
                mac_sec,
                connection,
            } => {
                let existing = connection.and_then(|c| self.resolve(c, ResourceKind::Connection));
                Some(self.create_lag(
                    *by, *location, bandwidth, *count, name, tags, *mac_sec, existing,
                ))
            }
            LagStep::DescribeLags { by, target } => {
                self.describe(ResourceKind::Lag, *by, *target, None)
            }
            LagStep::UpdateLag { by, target, name } => {
                self.on_resolved(*target, ResourceKind::Lag, |h| {
                    self.update_lag(*by, h, name)
                })
            }
            LagStep::DeleteLag { by, target } => {
                self.on_resolved(*target, ResourceKind::Lag, |h| self.delete_lag(*by, h))
            }
            LagStep::AssociateConnectionWithLag {
                by,
                connection,
                lag,
            } => {
                let l = self.resolve(*lag, ResourceKind::Lag)?;
                // Half the references pick among connections that fit the LAG (same
                // location and bandwidth, not in it), so associations can succeed.
                let fitting = self.fitting(l);
                let c = self.resolve_preferring(*connection, ResourceKind::Connection, &fitting)?;
                Some(self.associate_with_lag(*by, c, l))
            }
            LagStep::DisassociateConnectionFromLag {
                by,
                connection,
                lag,
            } => {
                let l = self.resolve(*lag, ResourceKind::Lag)?;
                let members = self.members(l);
                let c = *members.get(connection.0 as usize % members.len().max(1))?;
                Some(self.disassociate_from_lag(*by, c, l))
            }
            LagStep::AssociateMacSecKey {
                by,
                kind,
                target,
                ckn,
                cak,
            } => {
                // Half the references pick among MACsec-capable resources of the kind.
                let capable = self.known_where(*kind, |_, r| {
                    r.attributes.get(MAC_SEC) == Some(&json!(true))
                });
                let h = self.resolve_preferring(*target, *kind, &capable)?;
                Some(self.associate_mac_sec_key(*by, h, ckn, cak))
            }
            LagStep::DisassociateMacSecKey { by, kind, target } => {
                // Prefer a resource that has a key the case associated.
                let keyed = self.known_where(*kind, |_, r| {
                    r.attributes
                        .get(SECRETS)
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                });
                let h = target
                    .pick(&keyed)
                    .or_else(|| self.resolve(*target, *kind))?;
                Some(self.disassociate_mac_sec_key(*by, h))
            }
            LagStep::DescribeLoa { by, kind, target } => {
                let h = self.resolve(*target, *kind)?;
                let body = json!({"connectionId": self.resource(h).id});
                Some((body, self.loa(*by, h, "loaContent")))
            }
            LagStep::DescribeConnectionLoa { by, target } => {
                let h = self.resolve(*target, ResourceKind::Connection)?;
                let body = json!({"connectionId": self.resource(h).id});
                Some((body, self.loa(*by, h, "loa")))
            }
            LagStep::DescribeCustomerMetadata { .. } => {
                // [api] DescribeCustomerMetadata: the account's agreements and NNI partner
                // type; nothing of it is modelled beyond success.
                Some((json!({}), Prediction::succeed(Basis::Documented)))
            }
            LagStep::ConfirmCustomerAgreement { name, .. } => {
                // [api] ConfirmCustomerAgreement: "The confirmation of the terms of
                // agreement when creating the connection/link aggregation group (LAG)";
                // the answer's `status` is "either signed or unsigned". Which agreement
                // names AWS knows is not documented: an unknown one may be refused.
                let mut p = Prediction::succeed(Basis::Documented);
                p.required_members = vec!["status"];
                p.may_refuse("an agreement name AWS does not know may be refused");
                Some((json!({ "agreementName": name }), p))
            }
        }
    }

    /// Live member connections of a LAG, by handle order.
    pub(super) fn members(&self, lag: Handle) -> Vec<Handle> {
        (0..self.resources.len())
            .map(|i| Handle(i as u32))
            .filter(|h| {
                let r = self.resource(*h);
                r.kind == ResourceKind::Connection
                    && r.created
                    && !r.deleted
                    && r.parent == Some(lag)
            })
            .collect()
    }

    /// Live dedicated connections that could join `lag`: the same location and
    /// bandwidth, not already in it.
    fn fitting(&self, lag: Handle) -> Vec<Handle> {
        let l = self.resource(lag);
        self.known_where(ResourceKind::Connection, |h, r| {
            !r.deleted
                && r.parent != Some(lag)
                && !self.is_hosted(h)
                && r.attributes.get("location") == l.attributes.get("location")
                && r.attributes.get("bandwidth") == l.attributes.get("connectionsBandwidth")
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn create_lag(
        &self,
        by: Principal,
        location: u8,
        bandwidth: &str,
        count: u8,
        name: &str,
        tags: &[Tag],
        mac_sec: bool,
        existing: Option<Handle>,
    ) -> (Value, Prediction) {
        let mut location = self.location_code(location);
        let mut bandwidth = bandwidth;
        if let Some(c) = existing {
            // [api CreateLag] "All connections in the LAG must use the same bandwidth …
            // and must terminate at the same Direct Connect endpoint": the LAG is made
            // where the bundled connection is.
            let r = self.resource(c);
            if let Some(l) = r.attributes.get("location").and_then(Value::as_str) {
                location = l.to_owned();
            }
            if let Some(b) = r.attributes.get("bandwidth").and_then(Value::as_str) {
                bandwidth = b;
            }
        }
        let mut body = json!({
            "location": location,
            "connectionsBandwidth": bandwidth,
            "numberOfConnections": count,
            "lagName": name,
        });
        send_tags(&mut body, tags);
        // The run-ownership tag (model::run_tag) goes on the new member connections too.
        let run_tag: Vec<Tag> = tags
            .iter()
            .filter(|t| t.key == super::RUN_TAG_KEY)
            .cloned()
            .collect();
        if !run_tag.is_empty() {
            body["childConnectionTags"] = tags_json(&run_tag);
        }
        if mac_sec {
            body["requestMACSec"] = json!(true);
        }
        if let Some(c) = existing {
            body["connectionId"] = json!(self.resource(c).id);
        }
        let limit = max_members(bandwidth);
        if usize::from(count) > limit {
            let p = Prediction::refused(
                format!("a {bandwidth} LAG has at most {limit} connections"),
                Basis::Documented,
            );
            return (body, p);
        }
        let mut prediction = self.creating(self.created(
            ResourceKind::Lag,
            // [outputs] CreateLag answered `pending`; LIFECYCLE: requested | pending | available.
            LAG.set(&["requested", "pending", "available"]),
            vec![
                ("lagName", json!(name)),
                ("location", json!(location)),
                ("connectionsBandwidth", json!(bandwidth)),
                ("numberOfConnections", json!(count)),
                ("ownerAccount", json!(self.env.accounts.of(by))),
                ("region", json!(self.env.region)),
            ],
            tags,
        ));
        if let Some(c) = existing {
            let r = self.resource(c);
            if r.owner != by {
                return (
                    body,
                    Prediction::not_owner(
                        "only the owner account may bundle its connection in a LAG",
                    ),
                );
            }
            if r.deleted || r.parent.is_some() || !DEDICATED.contains(&bandwidth) {
                // Not documented: a deleted, hosted or already bundled connection.
                prediction.may_refuse(
                    "a deleted, hosted or already bundled connection may not start a LAG",
                );
            }
        }
        if mac_sec {
            // The location must offer MACsec ports at this speed (DescribeLocations'
            // availableMacSecPortSpeeds); the model does not track that.
            prediction.may_refuse("MACsec is offered only at some locations and port speeds");
        }
        (body, prediction)
    }

    /// A write on a LAG as a whole, answered with the LAG in its current state.
    fn on_lag(&self, by: Principal, handle: Handle, action: &str) -> Prediction {
        let r = self.resource(handle);
        if r.owner != by {
            return Prediction::not_owner(format!("only the owner account may {action} a LAG"));
        }
        let mut prediction = self.acted_on(by, handle, Some(r.possible));
        if r.deleted {
            prediction.may_refuse(format!("AWS may refuse to {action} a deleted LAG"));
            prediction.resources[0].states = LAG.gone_set();
        }
        prediction
    }

    fn update_lag(&self, by: Principal, handle: Handle, name: &str) -> (Value, Prediction) {
        // [outputs] UpdateLag answers the LAG's current state.
        let prediction = self.on_lag(by, handle, "update");
        self.renaming(handle, "lagName", name, prediction)
    }

    fn delete_lag(&self, by: Principal, handle: Handle) -> (Value, Prediction) {
        let r = self.resource(handle);
        let body = json!({"lagId": r.id});
        let blockers = self.resources.iter().any(|c| {
            c.parent == Some(handle)
                && c.created
                && !c.deleted
                && c.kind == ResourceKind::VirtualInterface
        });
        if r.owner == by && !r.deleted && blockers {
            // [api] DeleteLag: "You cannot delete a LAG if it has active virtual
            // interfaces or hosted connections."
            let p = Prediction::refused(
                "a LAG with active virtual interfaces cannot be deleted",
                Basis::Documented,
            );
            return (body, p);
        }
        let mut prediction = self.on_lag(by, handle, "delete");
        if let Some(view) = prediction.resources.first_mut() {
            if !r.deleted {
                // [outputs] DeleteLag answers `deleted`; `deleting` exists too.
                view.states = LAG.set(&["deleting", "deleted"]);
            }
            view.tags = None;
        }
        (body, prediction)
    }

    /// A call moving connection `c` into or out of LAG `l`: its body, and either its
    /// refusal for `rule` unless `by` owns both, or the connection as the answer shows
    /// it: [outputs] in its current state, without tags.
    fn membership(
        &self,
        by: Principal,
        c: Handle,
        l: Handle,
        rule: &str,
    ) -> Result<(Value, Prediction), Box<(Value, Prediction)>> {
        let conn = self.resource(c);
        let lag = self.resource(l);
        let body = json!({"connectionId": conn.id, "lagId": lag.id});
        if conn.owner != by || lag.owner != by {
            return Err(Box::new((body, Prediction::not_owner(rule))));
        }
        let mut prediction = self.acted_on(by, c, Some(conn.possible));
        prediction.resources[0].tags = None;
        Ok((body, prediction))
    }

    fn associate_with_lag(&self, by: Principal, c: Handle, l: Handle) -> (Value, Prediction) {
        let rule = "only the owner account may put its connection in its LAG";
        let (body, mut prediction) = match self.membership(by, c, l, rule) {
            Ok(call) => call,
            Err(refused) => return *refused,
        };
        let (conn, lag) = (self.resource(c), self.resource(l));
        let same = |m: &str| {
            conn.attributes.contains_key(m) && conn.attributes.get(m) == lag.attributes.get(m)
        };
        let bandwidth_matches = conn.attributes.contains_key("bandwidth")
            && conn.attributes.get("bandwidth") == lag.attributes.get("connectionsBandwidth");
        let live_members = self.members(l).into_iter().filter(|h| *h != c).count();
        let limit = lag
            .attributes
            .get("connectionsBandwidth")
            .and_then(Value::as_str)
            .map_or(4, max_members);
        if conn.deleted || lag.deleted {
            prediction.may_refuse("a deleted connection or LAG cannot be associated");
        } else if self.is_hosted(c) {
            prediction
                .may_refuse("a hosted connection's membership in a customer LAG is not documented");
        } else if !same("location") || !bandwidth_matches {
            // [api] "The connection must be hosted on the same Direct Connect endpoint as
            // the LAG, and its bandwidth must match the bandwidth for the LAG."
            let rule = "the connection must be at the LAG's endpoint with the LAG's bandwidth";
            let p = Prediction::refused(rule, Basis::Documented);
            return (body, p);
        } else if live_members + 1 > limit {
            // [api CreateLag] at most four (1G/10G) or two (100G/400G) connections.
            let rule = format!("a LAG of this bandwidth has at most {limit} connections");
            let p = Prediction::refused(rule, Basis::Documented);
            return (body, p);
        } else if !same(DEVICE) {
            // Same location is not always the same device (endpoint).
            prediction.may_refuse("the connection may sit on another AWS device than the LAG");
        } else if conn.parent == Some(l) {
            prediction.may_refuse("associating a member with its own LAG again may be refused");
        }
        prediction.resources[0].echo_instead("lagId", json!(lag.id));
        (body, prediction)
    }

    fn disassociate_from_lag(&self, by: Principal, c: Handle, l: Handle) -> (Value, Prediction) {
        let rule = "only the owner account may take its connection out of its LAG";
        let (body, mut prediction) = match self.membership(by, c, l, rule) {
            Ok(call) => call,
            Err(refused) => return *refused,
        };
        if self.resource(l).deleted {
            prediction.may_refuse("a deleted LAG's members may not be disassociated");
        }
        // [api] with minimumLinks at its default (0) the request cannot fail on it; the
        // model never sets minimumLinks.
        prediction.resources[0].echo.retain(|(m, _)| *m != "lagId");
        (body, prediction)
    }

    fn mac_sec_target(
        &self,
        by: Principal,
        h: Handle,
        action: &str,
    ) -> Result<Prediction, Box<Prediction>> {
        let r = self.resource(h);
        if r.owner != by {
            return Err(Box::new(Prediction::not_owner(format!(
                "only the owner account may {action} a MACsec key of its {}",
                r.kind.name()
            ))));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        if r.deleted {
            prediction.may_refuse(format!(
                "AWS may refuse to {action} a key of a deleted resource"
            ));
        } else if r.attributes.get(MAC_SEC) != Some(&json!(true)) {
            // Keys go on MACsec-capable connections and LAGs; what happens otherwise is
            // not documented per operation.
            prediction.may_refuse("the resource may not be MACsec capable");
        }
        prediction.required_members = vec!["connectionId"];
        prediction.resources.push(Expectation {
            handle: h,
            kind: r.kind,
            id: r.id.clone(),
            states: StateSet::EMPTY,
            state_check: StateCheck::Result,
            visibility: Visibility::Must,
            echo: vec![("connectionId", json!(r.id))],
            tags: None,
            nested: None,
        });
        Ok(prediction)
    }

    fn associate_mac_sec_key(
        &self,
        by: Principal,
        h: Handle,
        ckn: &str,
        cak: &str,
    ) -> (Value, Prediction) {
        let r = self.resource(h);
        let body = json!({"connectionId": r.id, "ckn": ckn, "cak": cak});
        let prediction = match self.mac_sec_target(by, h, "associate") {
            Ok(mut p) => {
                p.required_members.push("macSecKeys");
                p
            }
            Err(p) => *p,
        };
        (body, prediction)
    }

    fn disassociate_mac_sec_key(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let known = r
            .attributes
            .get(SECRETS)
            .and_then(Value::as_array)
            .and_then(|a| a.last())
            .and_then(Value::as_str)
            .map(str::to_owned);
        let secret = known.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:secretsmanager:{}:{}:secret:directconnect!dxconform-unknown-AbCdEf",
                self.env.region,
                self.env.accounts.of(r.owner)
            )
        });
        let body = json!({"connectionId": r.id, "secretARN": secret});
        let prediction = match self.mac_sec_target(by, h, "disassociate") {
            Ok(mut p) => {
                if known.is_none() {
                    p.may_refuse("no such key is associated with the resource");
                }
                p
            }
            Err(p) => *p,
        };
        (body, prediction)
    }

    fn loa(&self, by: Principal, h: Handle, member: &'static str) -> Prediction {
        let r = self.resource(h);
        let mut p = Prediction::succeed(Basis::Documented);
        p.required_members = vec![member];
        if r.owner != by {
            p.may_refuse("another account's resource may be answered as not found or refused");
        } else if r.deleted || self.is_hosted(h) {
            p.may_refuse("the LOA of a deleted or hosted connection may be refused");
        }
        p
    }

    /// Apply a LAG step's answer (after states were narrowed).
    pub(super) fn apply_lag(&mut self, step: &LagStep, prediction: &Prediction, outcome: &Outcome) {
        let succeeded = matches!(outcome, Outcome::Success(_));
        let body = outcome.body().cloned();
        let body = body.as_ref();
        match step {
            LagStep::CreateLag {
                by,
                bandwidth,
                name,
                tags,
                ..
            } => self.push_lag(*by, bandwidth, name, tags, prediction, succeeded, body),
            LagStep::UpdateLag { target, name, .. } if succeeded => {
                self.rename(*target, ResourceKind::Lag, "lagName", name);
            }
            LagStep::DeleteLag { target, .. } if succeeded => {
                if let Some(h) = self.resolve(*target, ResourceKind::Lag) {
                    // Members stay as standalone connections, as DisassociateConnectionFromLag
                    // documents for a LAG's connections (assumed: DeleteLag says nothing).
                    for m in self.members(h) {
                        let r = self.resource_mut(m);
                        r.parent = None;
                        r.attributes.remove("lagId");
                    }
                    let deleting = LAG.closure(LAG.set(&["deleting", "deleted"]));
                    self.resource_mut(h).settle_deleted(deleting);
                }
            }
            LagStep::AssociateConnectionWithLag { lag, .. } if succeeded => {
                // The connection the prediction chose (it may come from the fitting ones).
                if let (Some(c), Some(l)) = (
                    prediction.resources.first().map(|e| e.handle),
                    self.resolve(*lag, ResourceKind::Lag),
                ) {
                    let id = self.resource(l).id.clone();
                    let r = self.resource_mut(c);
                    r.parent = Some(l);
                    r.attributes.insert("lagId".to_owned(), json!(id));
                }
            }
            LagStep::DisassociateConnectionFromLag { .. } if succeeded => {
                if let Some(e) = prediction.resources.first() {
                    let r = self.resource_mut(e.handle);
                    r.parent = None;
                    r.attributes.remove("lagId");
                }
            }
            LagStep::AssociateMacSecKey { ckn, .. } if succeeded => {
                let secret = body
                    .and_then(|b| b.get("macSecKeys"))
                    .and_then(Value::as_array)
                    .and_then(|keys| {
                        keys.iter()
                            .find(|k| k.get("ckn").and_then(Value::as_str) == Some(ckn.as_str()))
                            .or(keys.last())
                    })
                    .and_then(|k| k.get("secretARN"))
                    .cloned();
                let chosen = prediction.resources.first().map(|e| e.handle);
                if let (Some(h), Some(secret)) = (chosen, secret) {
                    let r = self.resource_mut(h);
                    let list = r.attributes.entry(SECRETS.to_owned()).or_insert(json!([]));
                    if let Some(a) = list.as_array_mut() {
                        a.push(secret);
                    }
                }
            }
            LagStep::DisassociateMacSecKey { .. } if succeeded => {
                if let Some(h) = prediction.resources.first().map(|e| e.handle) {
                    if let Some(a) = self
                        .resource_mut(h)
                        .attributes
                        .get_mut(SECRETS)
                        .and_then(Value::as_array_mut)
                    {
                        a.pop();
                    }
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_lag(
        &mut self,
        by: Principal,
        bandwidth: &str,
        name: &str,
        tags: &[Tag],
        prediction: &Prediction,
        succeeded: bool,
        body: Option<&Value>,
    ) {
        let location = prediction.echoed("location");
        let bandwidth = match prediction.echoed("connectionsBandwidth") {
            Value::String(b) => b,
            _ => bandwidth.to_owned(),
        };
        let bandwidth = bandwidth.as_str();
        let mut attributes = BTreeMap::from([
            ("lagName".to_owned(), json!(name)),
            ("connectionsBandwidth".to_owned(), json!(bandwidth)),
            ("location".to_owned(), location.clone()),
        ]);
        for key in [DEVICE, MAC_SEC] {
            if let Some(v) = body.and_then(|b| b.get(key)) {
                attributes.insert(key.to_owned(), v.clone());
            }
        }
        let lag_id = body.and_then(|b| b.get("lagId")).cloned();
        let lag = Handle(self.resources.len() as u32);
        let unseen = LAG.closure(LAG.set(&["requested", "pending", "available"]));
        self.resources.push(Resource {
            attributes,
            ..Resource::from_create(ResourceKind::Lag, by, tags, succeeded, body, unseen)
        });
        if !succeeded {
            return;
        }
        // The new member connections, listed in the answer's `connections`.
        let members: Vec<Value> = body
            .and_then(|b| b.get("connections"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in members {
            let Some(id) = item.get("connectionId").and_then(Value::as_str) else {
                continue;
            };
            // A bundled existing connection is already known: it joins the LAG.
            if let Some(i) = self
                .resources
                .iter()
                .position(|r| r.id.as_deref() == Some(id))
            {
                let r = &mut self.resources[i];
                r.parent = Some(lag);
                r.attributes
                    .insert("lagId".to_owned(), lag_id.clone().unwrap_or(Value::Null));
                continue;
            }
            let state = observed(Some(&item), "connectionState", |s| CONNECTION.index(s));
            // [outputs] new LAG members are seen `requested` or `down`.
            let possible = match state {
                Some(i) => CONNECTION.closure(StateSet(1 << i)),
                None => CONNECTION.closure(CONNECTION.set(&["requested", "down"])),
            };
            let mut attributes = BTreeMap::from([
                ("bandwidth".to_owned(), json!(bandwidth)),
                ("location".to_owned(), location.clone()),
                ("lagId".to_owned(), lag_id.clone().unwrap_or(Value::Null)),
            ]);
            for key in ["connectionName", DEVICE, MAC_SEC] {
                if let Some(v) = item.get(key) {
                    attributes.insert(key.to_owned(), v.clone());
                }
            }
            let to = state.map(|i| CONNECTION.states[i]);
            self.resources.push(Resource {
                id: Some(id.to_owned()),
                possible,
                created: true,
                attributes,
                parent: Some(lag),
                last_state: to,
                tags: tags
                    .iter()
                    .filter(|t| t.key == super::RUN_TAG_KEY)
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                ..Resource::new(ResourceKind::Connection, by)
            });
            if let Some(to) = to {
                self.record_edge(ResourceKind::Connection, "[*]", to, "CreateLag");
            }
        }
    }
}

#[cfg(test)]
mod tests;
