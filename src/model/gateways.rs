//! Predictions for Direct Connect gateways, their associations with virtual private
//! gateways, association proposals across accounts, and gateway attachments.
//!
//! Sources, cited per rule:
//! - [api] the API reference (amazonSideAsn "The default is 64512"; a proposal is made by
//!   the owner of the virtual private gateway and accepted by the owner of the Direct
//!   Connect gateway; "DeleteDirectConnectGatewayAssociationProposal: deletes the
//!   association proposal request");
//! - [outputs] published outputs (LIFECYCLE.md table: CreateDirectConnectGateway →
//!   available, DeleteDirectConnectGateway → deleting, Create/Update/Delete association →
//!   associating/updating/disassociating, CreateDirectConnectGatewayAssociationProposal →
//!   requested; Describe outputs show attachments `attaching`);
//! - [lifecycle] LIFECYCLE.md: a gateway with associations left is refused deletion or
//!   returns to available.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::lifecycle::{ASSOCIATION_PROPOSAL, DIRECT_CONNECT_GATEWAY, GATEWAY_ASSOCIATION};
use super::prediction::{either, Basis, Prediction, StateCheck, Visibility};
use super::step::GatewayStep;
use super::tags::send_tags;
use super::{Handle, Model, Resource, ResourceKind, StateSet, Tag};
use crate::vocab::{Outcome, Principal};

pub(super) const GATEWAY_MEMBERS: &[&str] = &[
    "directConnectGatewayId",
    "directConnectGatewayName",
    "directConnectGatewayState",
    "ownerAccount",
];
pub(super) const ASSOCIATION_MEMBERS: &[&str] = &[
    "associationId",
    "associationState",
    "directConnectGatewayId",
];
pub(super) const PROPOSAL_MEMBERS: &[&str] =
    &["proposalId", "proposalState", "directConnectGatewayId"];

impl Model {
    /// The body and prediction of a gateway-family step; `None` to skip it.
    pub(super) fn predict_gateway(&self, step: &GatewayStep) -> Option<(Value, Prediction)> {
        use GatewayStep::*;
        match step {
            CreateDirectConnectGateway {
                by,
                name,
                asn,
                tags,
            } => Some(self.create_gateway(*by, name, *asn, tags)),
            DescribeDirectConnectGateways { by, target } => {
                self.describe(ResourceKind::DirectConnectGateway, *by, *target, None)
            }
            UpdateDirectConnectGateway { by, target, name } => {
                self.on_resolved(*target, ResourceKind::DirectConnectGateway, |g| {
                    self.update_gateway(*by, g, name)
                })
            }
            DeleteDirectConnectGateway { by, target } => {
                self.on_resolved(*target, ResourceKind::DirectConnectGateway, |g| {
                    let rule = "only the owner account may delete a Direct Connect gateway";
                    self.owner_only(*by, g, rule, || self.delete_gateway(*by, g))
                })
            }
            CreateDirectConnectGatewayAssociation { by, gateway, vgw } => {
                self.on_resolved(*gateway, ResourceKind::DirectConnectGateway, |g| {
                    self.create_association(*by, g, *vgw)
                })
            }
            DescribeDirectConnectGatewayAssociations {
                by,
                target,
                gateway,
            } => {
                let g = gateway.and_then(|g| self.resolve(g, ResourceKind::DirectConnectGateway));
                self.describe(ResourceKind::GatewayAssociation, *by, *target, g)
            }
            UpdateDirectConnectGatewayAssociation { by, target, prefix } => {
                self.on_resolved(*target, ResourceKind::GatewayAssociation, |a| {
                    self.update_association(*by, a, *prefix)
                })
            }
            DeleteDirectConnectGatewayAssociation { by, target } => {
                self.on_resolved(*target, ResourceKind::GatewayAssociation, |a| {
                    self.delete_association(*by, a)
                })
            }
            CreateDirectConnectGatewayAssociationProposal { by, gateway, vgw } => {
                self.on_resolved(*gateway, ResourceKind::DirectConnectGateway, |g| {
                    self.create_proposal(*by, g, *vgw)
                })
            }
            DescribeDirectConnectGatewayAssociationProposals { by, target } => {
                self.describe(ResourceKind::AssociationProposal, *by, *target, None)
            }
            AcceptDirectConnectGatewayAssociationProposal { by, target } => {
                self.on_resolved(*target, ResourceKind::AssociationProposal, |p| {
                    self.accept_proposal(*by, p)
                })
            }
            DeleteDirectConnectGatewayAssociationProposal { by, target } => {
                self.on_resolved(*target, ResourceKind::AssociationProposal, |p| {
                    self.delete_proposal(*by, p)
                })
            }
            DescribeDirectConnectGatewayAttachments { by, gateway } => {
                let g = self.resolve(*gateway, ResourceKind::DirectConnectGateway)?;
                self.describe(ResourceKind::GatewayAttachment, *by, None, Some(g))
            }
        }
    }

    fn create_gateway(
        &self,
        by: Principal,
        name: &str,
        asn: Option<u64>,
        tags: &[super::Tag],
    ) -> (Value, Prediction) {
        let mut body = json!({ "directConnectGatewayName": name });
        if let Some(asn) = asn {
            body["amazonSideAsn"] = json!(asn);
        }
        send_tags(&mut body, tags);
        let mut prediction = self.creating(self.created(
            ResourceKind::DirectConnectGateway,
            // [outputs] available at once; [lifecycle] pending | available.
            DIRECT_CONNECT_GATEWAY.set(&["pending", "available"]),
            vec![
                ("directConnectGatewayName", json!(name)),
                // [api] "The default is 64512."
                ("amazonSideAsn", json!(asn.unwrap_or(64512))),
                ("ownerAccount", json!(self.env.accounts.of(by))),
            ],
            tags,
        ));
        prediction.within = Some("directConnectGateway");
        (body, prediction)
    }

    fn update_gateway(&self, by: Principal, g: Handle, name: &str) -> (Value, Prediction) {
        let r = self.resource(g);
        let body = json!({ "directConnectGatewayId": r.id, "newDirectConnectGatewayName": name });
        if r.owner != by {
            return (
                body,
                Prediction::not_owner("only the owner account may update a Direct Connect gateway"),
            );
        }
        let mut prediction = self.acted_on(by, g, None);
        prediction.within = Some("directConnectGateway");
        prediction.resources[0].echo_instead("directConnectGatewayName", json!(name));
        if r.deleted {
            prediction.may_refuse("updating a deleted gateway may be refused");
            prediction.resources[0].expect_nothing();
        }
        (body, prediction)
    }

    /// Live associations and attachments of a gateway.
    fn gateway_users(&self, g: Handle) -> bool {
        self.resources.iter().any(|r| {
            matches!(
                r.kind,
                ResourceKind::GatewayAssociation | ResourceKind::GatewayAttachment
            ) && r.parent == Some(g)
                && r.id.is_some()
                && !r.deleted
        })
    }

    /// The owner's DeleteDirectConnectGateway of `g`.
    fn delete_gateway(&self, by: Principal, g: Handle) -> Prediction {
        let r = self.resource(g);
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.within = Some("directConnectGateway");
        prediction.required_members = GATEWAY_MEMBERS.to_vec();
        let mut view = self.view(by, g);
        view.visibility = Visibility::Must;
        view.state_check = StateCheck::Result;
        view.tags = None;
        if r.deleted {
            prediction.may_refuse("deleting a deleted gateway may be refused");
            view.states = DIRECT_CONNECT_GATEWAY.gone_set();
        } else if self.gateway_users(g) {
            // [lifecycle] with associations left, a delete is refused or the gateway
            // returns to available.
            prediction.expect = either(
                "a gateway with associations or attached virtual interfaces is refused deletion or returns to available",
            );
            prediction.basis = Basis::Documented;
            view.states = DIRECT_CONNECT_GATEWAY.set(&["deleting", "available"]);
        } else {
            // [outputs] DeleteDirectConnectGateway → deleting.
            view.states = DIRECT_CONNECT_GATEWAY.set(&["deleting"]);
        }
        prediction.resources.push(view);
        prediction
    }

    /// Whether a live association holds the virtual private gateway `vgw`.
    fn vgw_associated(&self, vgw: &Value) -> bool {
        self.resources.iter().any(|r| {
            r.kind == ResourceKind::GatewayAssociation
                && r.id.is_some()
                && !r.deleted
                && r.attributes.get("virtualGatewayId") == Some(vgw)
        })
    }

    /// How associations and proposals echo their Direct Connect gateway `g`.
    fn gateway_echo(&self, g: Handle) -> Vec<(&'static str, Value)> {
        let gw = self.resource(g);
        vec![
            ("directConnectGatewayId", json!(gw.id)),
            (
                "directConnectGatewayOwnerAccount",
                json!(self.env.accounts.of(gw.owner)),
            ),
        ]
    }

    fn create_association(&self, by: Principal, g: Handle, vgw: u8) -> (Value, Prediction) {
        let gw = self.resource(g);
        let vgw = self.vgw_of(by, vgw);
        let body = json!({ "directConnectGatewayId": gw.id, "virtualGatewayId": vgw });
        if gw.owner != by {
            // [api] another account's gateway is reached through a proposal.
            return (
                body,
                Prediction::not_owner("only the gateway's owner account associates it directly"),
            );
        }
        (body, self.new_association(g, &json!(vgw), by))
    }

    /// Associating the virtual private gateway `vgw` of `vgw_owner` with the gateway
    /// `g` (directly or by accepting a proposal).
    fn new_association(&self, g: Handle, vgw: &Value, vgw_owner: Principal) -> Prediction {
        if self.resource(g).deleted {
            return Prediction::refused("a deleted gateway takes no association", Basis::Assumed);
        }
        if self.vgw_associated(vgw) {
            return Prediction::refused(
                "a virtual private gateway is associated with one Direct Connect gateway at a time",
                Basis::Assumed,
            );
        }
        let mut echo = self.gateway_echo(g);
        echo.push(("virtualGatewayId", json!(vgw.as_str().unwrap_or_default())));
        echo.push((
            "virtualGatewayOwnerAccount",
            json!(self.env.accounts.of(vgw_owner)),
        ));
        let mut prediction = self.creating(self.created(
            ResourceKind::GatewayAssociation,
            // [outputs] CreateDirectConnectGatewayAssociation → associating.
            GATEWAY_ASSOCIATION.set(&["associating"]),
            echo,
            &[],
        ));
        prediction.within = Some("directConnectGatewayAssociation");
        prediction
    }

    fn update_association(&self, by: Principal, a: Handle, prefix: u8) -> (Value, Prediction) {
        let r = self.resource(a);
        let cidr = format!("10.{}.0.0/16", prefix);
        let body = json!({
            "associationId": r.id,
            "addAllowedPrefixesToDirectConnectGateway": [{ "cidr": cidr }],
        });
        if r.owner != by {
            return (
                body,
                Prediction::not_owner(
                    "only the gateway's owner account may update its associations",
                ),
            );
        }
        // [outputs] UpdateDirectConnectGatewayAssociation → updating.
        let mut prediction = self.acted_on(by, a, Some(GATEWAY_ASSOCIATION.set(&["updating"])));
        prediction.within = Some("directConnectGatewayAssociation");
        if r.deleted {
            prediction.may_refuse("updating a disassociated association may be refused");
            prediction.resources[0].states = StateSet::EMPTY;
        }
        (body, prediction)
    }

    fn delete_association(&self, by: Principal, a: Handle) -> (Value, Prediction) {
        let r = self.resource(a);
        let body = json!({ "associationId": r.id });
        let vgw_owner = r.peer == Some(by);
        if r.owner != by && !vgw_owner {
            return (
                body,
                Prediction::not_owner(
                    "only the gateway's owner account may delete its associations",
                ),
            );
        }
        // [outputs] DeleteDirectConnectGatewayAssociation → disassociating.
        let disassociating = GATEWAY_ASSOCIATION.set(&["disassociating"]);
        let mut prediction = self.acted_on(by, a, Some(disassociating));
        prediction.within = Some("directConnectGatewayAssociation");
        if r.deleted || vgw_owner {
            prediction.may_refuse("deleting a disassociated association, or by the virtual private gateway's owner, may be refused",);
            prediction.resources[0].states =
                GATEWAY_ASSOCIATION.set(&["disassociating", "disassociated"]);
        }
        (body, prediction)
    }

    fn create_proposal(&self, by: Principal, g: Handle, vgw: u8) -> (Value, Prediction) {
        let gw = self.resource(g);
        let vgw = self.vgw_of(by, vgw);
        let body = json!({
            "directConnectGatewayId": gw.id,
            "directConnectGatewayOwnerAccount": self.env.accounts.of(gw.owner),
            "gatewayId": vgw,
        });
        if gw.deleted {
            return (
                body,
                Prediction::refused(
                    "a deleted gateway takes no association proposal",
                    Basis::Assumed,
                ),
            );
        }
        let mut prediction = self.creating(self.created(
            ResourceKind::AssociationProposal,
            // [outputs] CreateDirectConnectGatewayAssociationProposal → requested.
            ASSOCIATION_PROPOSAL.set(&["requested"]),
            self.gateway_echo(g),
            &[],
        ));
        prediction.within = Some("directConnectGatewayAssociationProposal");
        if gw.owner == by {
            prediction.may_refuse("a proposal for the caller's own gateway may be refused");
        }
        (body, prediction)
    }

    fn accept_proposal(&self, by: Principal, p: Handle) -> (Value, Prediction) {
        let r = self.resource(p);
        let gateway = r.parent;
        let gateway_id = r.attributes.get("directConnectGatewayId").cloned();
        let body = json!({
            "directConnectGatewayId": gateway_id,
            "proposalId": r.id,
            "associatedGatewayOwnerAccount": self.env.accounts.of(r.owner),
        });
        if r.peer != Some(by) || r.owner == by {
            // [api] the owner of the Direct Connect gateway accepts a proposal.
            return (
                body,
                Prediction::not_owner("only the gateway's owner account may accept a proposal"),
            );
        }
        let requested = ASSOCIATION_PROPOSAL.set(&["requested"]);
        let vgw = r
            .attributes
            .get("virtualGatewayId")
            .cloned()
            .unwrap_or(Value::Null);
        let Some(g) = gateway else {
            return (body, Prediction::succeed(Basis::Assumed));
        };
        if r.deleted || r.possible != requested {
            let mut p = Prediction::succeed(Basis::Assumed);
            p.expect = either("a proposal no longer requested may be refused");
            return (body, p);
        }
        (body, self.new_association(g, &vgw, r.owner))
    }

    fn delete_proposal(&self, by: Principal, p: Handle) -> (Value, Prediction) {
        let r = self.resource(p);
        let body = json!({ "proposalId": r.id });
        let gateway_owner = r.peer == Some(by) && r.owner != by;
        if r.owner != by && !gateway_owner {
            return (
                body,
                Prediction::not_owner("only the proposing account may delete a proposal"),
            );
        }
        let mut prediction = self.acted_on(by, p, Some(ASSOCIATION_PROPOSAL.set(&["deleted"])));
        prediction.within = Some("directConnectGatewayAssociationProposal");
        if gateway_owner || r.deleted || r.possible != ASSOCIATION_PROPOSAL.set(&["requested"]) {
            prediction.may_refuse("deleting a proposal no longer requested, or by the gateway's owner, may be refused",);
            prediction.resources[0].states = StateSet::EMPTY;
        }
        (body, prediction)
    }

    /// Bind the id and state of a resource this call created.
    fn created_from(
        prediction: &Prediction,
        outcome: &Outcome,
        kind: ResourceKind,
    ) -> Option<(String, StateSet)> {
        let e = prediction
            .resources
            .iter()
            .find(|e| e.id.is_none() && e.kind == kind)?;
        Model::answered(prediction, outcome.body()?, e)
    }

    /// Keep the resource `r` a create call made, bound to the id and state its answer
    /// shows when the call succeeded.
    fn push_made(&mut self, mut r: Resource, prediction: &Prediction, outcome: &Outcome) {
        let made = matches!(outcome, Outcome::Success(_))
            .then(|| Self::created_from(prediction, outcome, r.kind))
            .flatten();
        if let Some((id, possible)) = made {
            r.id = Some(id);
            r.possible = possible;
            r.created = true;
        }
        self.resources.push(r);
    }

    /// Apply a gateway-family answer.
    pub(super) fn apply_gateway(
        &mut self,
        step: &GatewayStep,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        use GatewayStep::*;
        let succeeded = matches!(outcome, Outcome::Success(_));
        match step {
            CreateDirectConnectGateway { by, tags, .. } => {
                let mut r = Resource::new(ResourceKind::DirectConnectGateway, *by);
                // Kept as the create's answer must show them: the name, and the ASN
                // asked for or its default.
                r.attributes = ["directConnectGatewayName", "amazonSideAsn"]
                    .into_iter()
                    .map(|member| (member.to_owned(), prediction.echoed(member)))
                    .collect();
                r.tags = Tag::map(tags);
                self.push_made(r, prediction, outcome);
            }
            UpdateDirectConnectGateway { target, name, .. } if succeeded => {
                let member = "directConnectGatewayName";
                self.rename(*target, ResourceKind::DirectConnectGateway, member, name);
            }
            DeleteDirectConnectGateway { target, .. } if succeeded => {
                if let Some(g) = self.resolve(*target, ResourceKind::DirectConnectGateway) {
                    let r = self.resource_mut(g);
                    let gone = r.possible.intersect(DIRECT_CONNECT_GATEWAY.gone_set());
                    if !gone.is_empty() {
                        r.deleted = true;
                        r.possible = DIRECT_CONNECT_GATEWAY.closure(gone);
                    }
                }
            }
            CreateDirectConnectGatewayAssociation { by, gateway, vgw } if succeeded => {
                let Some(g) = self.resolve(*gateway, ResourceKind::DirectConnectGateway) else {
                    return;
                };
                let vgw = self.vgw_of(*by, *vgw);
                self.push_association(prediction, outcome, g, *by, None, vgw);
            }
            AcceptDirectConnectGatewayAssociationProposal { by, target } if succeeded => {
                let Some(p) = self.resolve(*target, ResourceKind::AssociationProposal) else {
                    return;
                };
                let r = self.resource(p);
                let (Some(g), proposer) = (r.parent, r.owner) else {
                    return;
                };
                let vgw = r
                    .attributes
                    .get("virtualGatewayId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let r = self.resource_mut(p);
                r.possible = ASSOCIATION_PROPOSAL.set(&["accepted"]);
                self.push_association(prediction, outcome, g, *by, Some(proposer), vgw);
            }
            DeleteDirectConnectGatewayAssociation { target, .. } if succeeded => {
                if let Some(a) = self.resolve(*target, ResourceKind::GatewayAssociation) {
                    let r = self.resource_mut(a);
                    r.deleted = true;
                    let gone = r.possible.intersect(GATEWAY_ASSOCIATION.gone_set());
                    r.possible = GATEWAY_ASSOCIATION.closure(if gone.is_empty() {
                        GATEWAY_ASSOCIATION.set(&["disassociating"])
                    } else {
                        gone
                    });
                }
            }
            CreateDirectConnectGatewayAssociationProposal { by, gateway, vgw } => {
                let g = self.resolve(*gateway, ResourceKind::DirectConnectGateway);
                let vgw = self.vgw_of(*by, *vgw);
                let mut r = Resource::new(ResourceKind::AssociationProposal, *by);
                r.parent = g;
                if let Some(g) = g {
                    r.peer = Some(self.resource(g).owner);
                    r.attributes.insert(
                        "directConnectGatewayId".to_owned(),
                        json!(self.resource(g).id),
                    );
                }
                r.attributes
                    .insert("virtualGatewayId".to_owned(), json!(vgw));
                self.push_made(r, prediction, outcome);
            }
            DeleteDirectConnectGatewayAssociationProposal { target, .. } if succeeded => {
                if let Some(p) = self.resolve(*target, ResourceKind::AssociationProposal) {
                    let r = self.resource_mut(p);
                    r.deleted = true;
                    r.possible = ASSOCIATION_PROPOSAL.set(&["deleted"]);
                }
            }
            _ => {}
        }
    }

    fn push_association(
        &mut self,
        prediction: &Prediction,
        outcome: &Outcome,
        g: Handle,
        owner: Principal,
        vgw_owner: Option<Principal>,
        vgw: String,
    ) {
        let Some((id, possible)) =
            Self::created_from(prediction, outcome, ResourceKind::GatewayAssociation)
        else {
            return;
        };
        let gateway_id = self.resource(g).id.clone();
        let mut r = Resource::new(ResourceKind::GatewayAssociation, owner);
        r.id = Some(id);
        r.possible = possible;
        r.created = true;
        r.parent = Some(g);
        r.peer = vgw_owner.filter(|p| *p != owner);
        r.attributes = BTreeMap::from([
            ("directConnectGatewayId".to_owned(), json!(gateway_id)),
            ("virtualGatewayId".to_owned(), json!(vgw)),
        ]);
        self.resources.push(r);
    }

    /// A virtual private gateway id of `principal`.
    pub(super) fn vgw_of(&self, principal: Principal, index: u8) -> String {
        self.env
            .virtual_gateways
            .get(&principal)
            .filter(|v| !v.is_empty())
            .map(|v| v[index as usize % v.len()].clone())
            .unwrap_or_else(|| format!("vgw-0a1b2c3{}", index % 10))
    }
}

#[cfg(test)]
mod tests;
