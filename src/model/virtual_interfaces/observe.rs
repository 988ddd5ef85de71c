//! What answers to virtual-interface steps mean for the model: bound ids, observed
//! states, allocations, confirmations, attachments and BGP peers.

use super::*;

impl Model {
    /// The state a success answer shows for the expectation at `index`, as a closure.
    fn observed_closure(
        prediction: &Prediction,
        body: Option<&Value>,
        handle: Handle,
        kind: ResourceKind,
    ) -> Option<(String, StateSet)> {
        let e = prediction
            .resources
            .iter()
            .find(|e| e.handle == handle && e.kind == kind)?;
        Model::answered(prediction, body?, e)
    }

    /// Apply what an answer means for the model.
    pub(in crate::model) fn apply_vif(
        &mut self,
        step: &VifStep,
        prediction: &Prediction,
        outcome: &Outcome,
    ) {
        let succeeded = matches!(outcome, Outcome::Success(_));
        if let Some(n) = step.new_vif() {
            let allocate = step.operation().starts_with("Allocate");
            self.apply_new_vif(n, allocate, prediction, outcome, succeeded);
            return;
        }
        match step {
            VifStep::ConfirmPrivateVirtualInterface { target, .. }
            | VifStep::ConfirmPublicVirtualInterface { target, .. }
            | VifStep::ConfirmTransitVirtualInterface { target, .. }
                if succeeded =>
            {
                let vif_type = match step {
                    VifStep::ConfirmPrivateVirtualInterface { .. } => "private",
                    VifStep::ConfirmPublicVirtualInterface { .. } => "public",
                    _ => "transit",
                };
                let Some(h) = self.resolve_vif(*target, vif_type) else {
                    return;
                };
                if self.resource(h).deleted {
                    return;
                }
                let gateway_id = prediction_body_gateway(step, self);
                let r = self.resource_mut(h);
                if let Some((member, id)) = gateway_id {
                    r.attributes.insert(member.to_owned(), json!(id));
                }
                if r.possible.is_empty() {
                    r.possible =
                        VIRTUAL_INTERFACE.closure(VIRTUAL_INTERFACE.set(&["pending", "verifying"]));
                }
                self.attach(h);
            }
            VifStep::DeleteVirtualInterface { target, .. } if succeeded => {
                let Some(h) = self.resolve(*target, ResourceKind::VirtualInterface) else {
                    return;
                };
                let observed = self.resource(h).possible;
                let r = self.resource_mut(h);
                if r.deleted {
                    return;
                }
                r.deleted = true;
                let gone = observed.intersect(VIRTUAL_INTERFACE.gone_set());
                r.possible = if gone.is_empty() {
                    VIRTUAL_INTERFACE.closure(VIRTUAL_INTERFACE.set(&["deleting", "rejected"]))
                } else {
                    VIRTUAL_INTERFACE.closure(gone)
                };
                let id = r.id.clone();
                for r in &mut self.resources {
                    if r.kind == ResourceKind::BgpPeer && r.parent == Some(h) {
                        r.deleted = true;
                        r.possible = BGP_PEER.closure(BGP_PEER.gone_set());
                    }
                    if r.kind == ResourceKind::GatewayAttachment && r.id == id && !r.deleted {
                        r.deleted = true;
                        r.possible = GATEWAY_ATTACHMENT.closure(GATEWAY_ATTACHMENT.gone_set());
                    }
                }
            }
            VifStep::UpdateVirtualInterfaceAttributes { target, name, .. } if succeeded => {
                let Some(h) = self.resolve(*target, ResourceKind::VirtualInterface) else {
                    return;
                };
                let mtu = prediction
                    .resources
                    .first()
                    .and_then(|e| e.echo.iter().find(|(m, _)| *m == "mtu"))
                    .map(|(_, v)| v.clone());
                let r = self.resource_mut(h);
                if r.deleted {
                    return;
                }
                if let Some(name) = name {
                    r.attributes
                        .insert("virtualInterfaceName".to_owned(), json!(name));
                }
                if let Some(mtu) = mtu {
                    r.attributes.insert("mtu".to_owned(), mtu);
                }
                if let Some(state) = answered_state(outcome) {
                    r.possible = state;
                }
            }
            VifStep::AssociateVirtualInterface {
                target, connection, ..
            } if succeeded => {
                let (Some(h), Some(c)) = (
                    self.resolve(*target, ResourceKind::VirtualInterface),
                    self.resolve(*connection, ResourceKind::Connection),
                ) else {
                    return;
                };
                if self.resource(h).deleted {
                    return;
                }
                let conn = self.resource(c);
                let (id, location) = (conn.id.clone(), conn.attributes.get("location").cloned());
                let r = self.resource_mut(h);
                r.parent = Some(c);
                if let Some(state) = answered_state(outcome) {
                    r.possible = state;
                }
                r.attributes.insert("connectionId".to_owned(), json!(id));
                if let Some(location) = location {
                    r.attributes.insert("location".to_owned(), location);
                }
            }
            VifStep::CreateBgpPeer(peer) if succeeded => {
                let Some(h) = self.resolve(peer.target, ResourceKind::VirtualInterface) else {
                    return;
                };
                let handle = Handle(self.resources.len() as u32);
                let Some((id, possible)) = Self::observed_closure(
                    prediction,
                    outcome.body(),
                    handle,
                    ResourceKind::BgpPeer,
                ) else {
                    return;
                };
                let owner = self.resource(h).owner;
                self.push_peer(id, possible, h, owner, peer.asn, peer.family);
            }
            VifStep::DeleteBgpPeer { target, .. } if succeeded => {
                let Some(p) = self.resolve(*target, ResourceKind::BgpPeer) else {
                    return;
                };
                let r = self.resource_mut(p);
                if r.deleted {
                    return;
                }
                r.deleted = true;
                let gone = r.possible.intersect(BGP_PEER.gone_set());
                r.possible = if gone.is_empty() {
                    BGP_PEER.closure(BGP_PEER.set(&["deleting"]))
                } else {
                    BGP_PEER.closure(gone)
                };
            }
            VifStep::StartBgpFailoverTest { minutes, .. } if succeeded => {
                if let Some(h) = prediction.resources.first().map(|e| e.handle) {
                    let start = Some(failover::test_minutes(*minutes));
                    self.apply_failover(h, start, outcome.body());
                }
            }
            VifStep::StopBgpFailoverTest { .. } if succeeded => {
                if let Some(h) = prediction.resources.first().map(|e| e.handle) {
                    self.apply_failover(h, None, outcome.body());
                }
            }
            _ => {}
        }
    }

    fn apply_new_vif(
        &mut self,
        n: &NewVif,
        allocate: bool,
        prediction: &Prediction,
        outcome: &Outcome,
        succeeded: bool,
    ) {
        let handle = Handle(self.resources.len() as u32);
        let owner = if allocate {
            other_principal(n.by)
        } else {
            n.by
        };
        let created = if succeeded {
            Self::observed_closure(
                prediction,
                outcome.body(),
                handle,
                ResourceKind::VirtualInterface,
            )
        } else {
            None
        };
        let peer = if succeeded {
            Self::observed_closure(
                prediction,
                outcome.body(),
                Handle(handle.0 + 1),
                ResourceKind::BgpPeer,
            )
        } else {
            None
        };
        let mut vif = Resource::new(ResourceKind::VirtualInterface, owner);
        if let Some(e) = prediction.resources.first() {
            for (m, v) in &e.echo {
                if !matches!(*m, "ownerAccount" | "region") {
                    vif.attributes.insert((*m).to_owned(), v.clone());
                }
            }
        }
        let family = if vif.attributes.get("virtualInterfaceType") == Some(&json!("public")) {
            n.family
        } else {
            AddressFamily::Ipv4
        };
        vif.attributes
            .insert("addressFamily".to_owned(), json!(family.name()));
        vif.parent = self.resolve(n.connection, ResourceKind::Connection);
        if allocate {
            vif.peer = Some(n.by);
        } else {
            vif.tags = crate::model::Tag::map(&n.tags);
        }
        if let Some((id, possible)) = created {
            vif.id = Some(id);
            vif.possible = possible;
            vif.created = true;
        }
        let ok = vif.created;
        self.resources.push(vif);
        if !ok {
            return;
        }
        if let Some((id, possible)) = peer {
            self.push_peer(id, possible, handle, owner, n.asn, family);
        }
        if !allocate {
            self.attach(handle);
        }
    }

    /// Keep a BGP peer the answer shows on `vif`, with its id and possible states.
    fn push_peer(
        &mut self,
        id: String,
        possible: StateSet,
        vif: Handle,
        owner: Principal,
        asn: u32,
        family: AddressFamily,
    ) {
        self.resources.push(Resource {
            id: Some(id),
            possible,
            created: true,
            parent: Some(vif),
            attributes: BTreeMap::from([
                ("asn".to_owned(), json!(asn)),
                ("addressFamily".to_owned(), json!(family.name())),
            ]),
            ..Resource::new(ResourceKind::BgpPeer, owner)
        });
    }

    /// Record the gateway attachment of a VIF attached to a Direct Connect gateway.
    fn attach(&mut self, vif: Handle) {
        let r = self.resource(vif);
        let Some(gateway_id) = r.attributes.get("directConnectGatewayId").cloned() else {
            return;
        };
        let gateway = self.resources.iter().position(|g| {
            g.kind == ResourceKind::DirectConnectGateway
                && g.id.as_ref().map(|id| json!(id)) == Some(gateway_id.clone())
        });
        let attachment = Resource {
            id: r.id.clone(),
            // Published Describe outputs show attachments `attaching`.
            possible: GATEWAY_ATTACHMENT.closure(GATEWAY_ATTACHMENT.set(&["attaching"])),
            created: false,
            parent: gateway.map(|g| Handle(g as u32)),
            attributes: BTreeMap::from([("directConnectGatewayId".to_owned(), gateway_id)]),
            ..Resource::new(ResourceKind::GatewayAttachment, r.owner)
        };
        self.resources.push(attachment);
    }
}

/// What a VIF answer's state can reach (writes that may re-provision it, answered
/// even where the model accepted either outcome).
fn answered_state(outcome: &Outcome) -> Option<StateSet> {
    let vif = ResourceKind::VirtualInterface;
    let shown = vif.shown_states(outcome.body(), StateSet::EMPTY);
    (!shown.is_empty()).then_some(shown)
}

/// The gateway a Confirm step named, from the model's view (member, id).
fn prediction_body_gateway(step: &VifStep, model: &Model) -> Option<(&'static str, String)> {
    match step {
        VifStep::ConfirmPrivateVirtualInterface {
            by, gateway, vgw, ..
        } => match gateway.and_then(|g| model.resolve(g, ResourceKind::DirectConnectGateway)) {
            Some(g) => Some(("directConnectGatewayId", model.resource(g).id.clone()?)),
            None => Some(("virtualGatewayId", model.vgw(*by, *vgw))),
        },
        VifStep::ConfirmTransitVirtualInterface { gateway, .. } => {
            let g = model.resolve(*gateway, ResourceKind::DirectConnectGateway)?;
            Some(("directConnectGatewayId", model.resource(g).id.clone()?))
        }
        _ => None,
    }
}
