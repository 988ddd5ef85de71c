//! Predictions for virtual interfaces and their BGP peers: Create/Allocate/Confirm
//! {Private,Public,Transit}VirtualInterface, DescribeVirtualInterfaces,
//! DeleteVirtualInterface, UpdateVirtualInterfaceAttributes, AssociateVirtualInterface,
//! DescribeRouterConfiguration, ListVirtualInterfaceTestHistory, ListVirtualInterfaceRoutes,
//! StartBgpFailoverTest, StopBgpFailoverTest, DescribeVirtualGateways, CreateBGPPeer,
//! DeleteBGPPeer.
//!
//! Sources, cited per rule:
//! - [api] the Direct Connect API reference (ownership: "Confirm…: accepts ownership of a
//!   … virtual interface created by another Amazon Web Services account"; "Allocate…:
//!   provisions a … virtual interface to be owned by the specified Amazon Web Services
//!   account"; AssociateVirtualInterface: "the requester must own either the virtual
//!   interface itself or the connection to which the virtual interface is currently
//!   associated. Additionally, the requester must own the connection or LAG for the
//!   association"; DeleteBGPPeer: "You cannot delete the last BGP peer from a virtual
//!   interface"; MTU default 1500);
//! - [outputs] published outputs of real calls (LIFECYCLE.md table: CreatePrivate/Transit →
//!   pending, CreatePublic → verifying, Allocate* → confirming, Confirm* → pending |
//!   verifying, DeleteVirtualInterface → deleting, CreateBGPPeer → VIF keeps its state and
//!   the new peer pending, DeleteBGPPeer → peer deleting, create answers carry the first
//!   peer in `bgpPeers`);
//! - [user guide] a VLAN is used by one virtual interface per connection;
//! - [api] ListVirtualInterfaceTestHistory "Lists the virtual interface failover test
//!   history": the tests the case started (`failover.rs`, with ListVirtualInterfaceRoutes,
//!   StartBgpFailoverTest and StopBgpFailoverTest).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::connections::CLIENT_ERROR;
use super::lifecycle::{BGP_PEER, GATEWAY_ATTACHMENT, VIRTUAL_INTERFACE};
use super::prediction::{Basis, Expectation, ListSpec, Nested, Prediction, StateCheck, Visibility};
use super::step::FamilyStep;
use super::step::{AddressFamily, NewBgpPeer, NewVif, VifStep};
use super::tags::send_tags;
use super::{Handle, HandleRef, Model, Resource, ResourceKind, StateSet};
use crate::vocab::{CheckId, Outcome, Principal};

mod failover;
mod observe;

pub use failover::MAX_TEST_MINUTES;

/// Members every VIF answer must carry for the model to follow it.
pub(super) const VIF_MEMBERS: &[&str] = &[
    "virtualInterfaceId",
    "virtualInterfaceName",
    "virtualInterfaceState",
    "virtualInterfaceType",
    "ownerAccount",
    "connectionId",
    "vlan",
];

/// Members every failover test history item must carry for the model to follow it.
const TEST_HISTORY_MEMBERS: &[&str] = &["testId", "virtualInterfaceId", "status"];

/// Attributes a VIF answer echoes.
pub(super) const VIF_ECHO: &[&str] = &[
    "virtualInterfaceName",
    "virtualInterfaceType",
    "vlan",
    "asn",
    "connectionId",
    "location",
    "mtu",
    "virtualGatewayId",
    "directConnectGatewayId",
];

/// Where a VIF's peers sit in an answer holding the VIF under `within`.
fn peers_in(within: Option<&'static str>) -> Nested {
    super::view::nested_in(ResourceKind::BgpPeer, within)
}

/// The other principal (an allocation is made for it).
pub fn other_principal(p: Principal) -> Principal {
    match p {
        Principal::Owner => Principal::Partner,
        Principal::Partner => Principal::Owner,
    }
}

/// A public (non-private) /30 pair (amazon, customer): 203.0.113.0/24 or 198.51.100.0/24.
fn public_pair(first_octets: &str, subnet: u8) -> (String, String) {
    let base = u32::from(subnet % 64) * 4;
    (
        format!("{first_octets}.{}/30", base + 1),
        format!("{first_octets}.{}/30", base + 2),
    )
}

/// The MTU a VIF of `vif_type` is given for a generated value: private 1500|9001,
/// transit 1500|8500 [api NewTransitVirtualInterface.mtu], public none.
fn mtu_for(vif_type: &str, mtu: Option<u16>) -> Option<u16> {
    match (vif_type, mtu) {
        ("public", _) | (_, None) => None,
        ("transit", Some(9001)) => Some(8500),
        (_, Some(m)) => Some(m),
    }
}

impl Model {
    /// The body and prediction of a VIF-family step; `None` to skip it.
    pub(super) fn predict_vif(&self, step: &VifStep) -> Option<(Value, Prediction)> {
        match step {
            VifStep::CreatePrivateVirtualInterface(n) => self.new_vif(n, "private", false),
            VifStep::CreatePublicVirtualInterface(n) => self.new_vif(n, "public", false),
            VifStep::CreateTransitVirtualInterface(n) => self.new_vif(n, "transit", false),
            VifStep::AllocatePrivateVirtualInterface(n) => self.new_vif(n, "private", true),
            VifStep::AllocatePublicVirtualInterface(n) => self.new_vif(n, "public", true),
            VifStep::AllocateTransitVirtualInterface(n) => self.new_vif(n, "transit", true),
            VifStep::ConfirmPrivateVirtualInterface {
                by,
                target,
                gateway,
                vgw,
            } => self.confirm_vif(*by, *target, "private", *gateway, *vgw),
            VifStep::ConfirmPublicVirtualInterface { by, target } => {
                self.confirm_vif(*by, *target, "public", None, 0)
            }
            VifStep::ConfirmTransitVirtualInterface {
                by,
                target,
                gateway,
            } => self.confirm_vif(*by, *target, "transit", Some(*gateway), 0),
            VifStep::DescribeVirtualInterfaces { by, target } => {
                self.describe(ResourceKind::VirtualInterface, *by, *target, None)
            }
            VifStep::DeleteVirtualInterface { by, target } => {
                self.on_resolved(*target, ResourceKind::VirtualInterface, |h| {
                    self.delete_vif(*by, h)
                })
            }
            VifStep::UpdateVirtualInterfaceAttributes {
                by,
                target,
                name,
                mtu,
            } => self.on_resolved(*target, ResourceKind::VirtualInterface, |h| {
                self.update_vif(*by, h, name.as_deref(), *mtu)
            }),
            VifStep::AssociateVirtualInterface {
                by,
                target,
                connection,
            } => {
                let h = self.resolve(*target, ResourceKind::VirtualInterface)?;
                let c = self.resolve(*connection, ResourceKind::Connection)?;
                Some(self.associate_vif(*by, h, c))
            }
            VifStep::DescribeRouterConfiguration { by, target } => {
                self.on_resolved(*target, ResourceKind::VirtualInterface, |h| {
                    self.router_configuration(*by, h)
                })
            }
            VifStep::ListVirtualInterfaceTestHistory { by, target } => {
                self.test_history(*by, *target)
            }
            VifStep::ListVirtualInterfaceRoutes {
                by,
                target,
                accepted,
            } => self.on_resolved(*target, ResourceKind::VirtualInterface, |h| {
                self.routes(*by, h, *accepted)
            }),
            VifStep::StartBgpFailoverTest {
                by,
                target,
                minutes,
                peers,
            } => {
                // Half the references pick among VIFs that may be available.
                let available = self.available_vifs();
                let h =
                    self.resolve_preferring(*target, ResourceKind::VirtualInterface, &available)?;
                Some(self.start_failover_test(*by, h, *minutes, *peers))
            }
            VifStep::StopBgpFailoverTest { by, target } => {
                // Half the references pick among VIFs with a running test.
                let testing = self.testing_vifs();
                let h =
                    self.resolve_preferring(*target, ResourceKind::VirtualInterface, &testing)?;
                Some(self.stop_failover_test(*by, h))
            }
            VifStep::DescribeVirtualGateways { .. } => {
                let mut p = Prediction::succeed(Basis::Spec);
                p.required_members = vec!["virtualGateways"];
                Some((json!({}), p))
            }
            VifStep::CreateBgpPeer(peer) => {
                self.on_resolved(peer.target, ResourceKind::VirtualInterface, |h| {
                    self.create_bgp_peer(h, peer)
                })
            }
            VifStep::DeleteBgpPeer { by, target } => {
                let p = self.resolve(*target, ResourceKind::BgpPeer)?;
                self.delete_bgp_peer(*by, p)
            }
        }
    }

    /// A virtual private gateway id of `principal`'s account (from DescribeVirtualGateways
    /// at run start; a placeholder where the target has none).
    fn vgw(&self, principal: Principal, index: u8) -> String {
        self.env
            .virtual_gateways
            .get(&principal)
            .filter(|v| !v.is_empty())
            .map(|v| v[index as usize % v.len()].clone())
            .unwrap_or_else(|| "vgw-0a1b2c3d".to_owned())
    }

    /// The `reference`-th created VIF of a type.
    fn resolve_vif(&self, reference: HandleRef, vif_type: &str) -> Option<Handle> {
        let matching = self.known_where(ResourceKind::VirtualInterface, |_, r| {
            r.attributes.get("virtualInterfaceType") == Some(&json!(vif_type))
        });
        reference.pick(&matching)
    }

    /// Live VIFs on `connection` using `vlan`, and whether deleted ones use it.
    fn vlan_users(&self, connection: Handle, vlan: &Value, except: Option<Handle>) -> (bool, bool) {
        let mut live = false;
        let mut gone = false;
        for (i, r) in self.resources.iter().enumerate() {
            if r.kind != ResourceKind::VirtualInterface
                || r.id.is_none()
                || r.parent != Some(connection)
                || Some(Handle(i as u32)) == except
                || r.attributes.get("vlan") != Some(vlan)
            {
                continue;
            }
            if r.deleted {
                gone = true;
            } else {
                live = true;
            }
        }
        (live, gone)
    }

    /// Why a Direct Connect gateway cannot take a VIF of `owner`, if it cannot.
    fn gateway_refusal(&self, gateway: Handle, owner: Principal) -> Option<String> {
        let g = self.resource(gateway);
        if g.owner != owner {
            // [api] a VIF attaches to a Direct Connect gateway of its own account;
            // other accounts' gateways are reached through association proposals.
            return Some(
                "a virtual interface attaches only to its own account's Direct Connect gateway"
                    .into(),
            );
        }
        g.deleted
            .then(|| "a deleted Direct Connect gateway takes no virtual interface".into())
    }

    fn new_vif(&self, n: &NewVif, vif_type: &str, allocate: bool) -> Option<(Value, Prediction)> {
        let conn = self.resolve(n.connection, ResourceKind::Connection)?;
        let c = self.resource(conn);
        let conn_id = c.id.clone()?;
        let owner = if allocate {
            other_principal(n.by)
        } else {
            n.by
        };
        let family = if vif_type == "public" {
            n.family
        } else {
            AddressFamily::Ipv4
        };
        let mut inner = json!({
            "virtualInterfaceName": n.name,
            "vlan": n.vlan,
            "asn": n.asn,
            "addressFamily": family.name(),
        });
        if let Some(key) = &n.auth_key {
            inner["authKey"] = json!(key);
        }
        let mtu = mtu_for(vif_type, n.mtu);
        if let Some(m) = mtu {
            inner["mtu"] = json!(m);
        }
        if vif_type == "public" && family == AddressFamily::Ipv4 {
            // [api] public IPv4 VIFs need public addresses in one subnet.
            let (amazon, customer) = public_pair("203.0.113", n.subnet);
            inner["amazonAddress"] = json!(amazon);
            inner["customerAddress"] = json!(customer);
            let network = format!("203.0.113.{}/30", u32::from(n.subnet % 64) * 4);
            inner["routeFilterPrefixes"] = json!([{ "cidr": network }]);
        }
        let mut attributes = BTreeMap::from([
            ("virtualInterfaceName".to_owned(), json!(n.name)),
            ("virtualInterfaceType".to_owned(), json!(vif_type)),
            ("vlan".to_owned(), json!(n.vlan)),
            ("asn".to_owned(), json!(n.asn)),
            ("connectionId".to_owned(), json!(conn_id)),
            ("addressFamily".to_owned(), json!(family.name())),
        ]);
        if let Some(location) = c.attributes.get("location") {
            attributes.insert("location".to_owned(), location.clone());
        }
        if vif_type != "public" {
            // [api] "The default value is 1500."
            attributes.insert("mtu".to_owned(), json!(mtu.unwrap_or(1500)));
        }
        let mut refusal: Option<(String, CheckId, Basis)> = None;
        let mut gateway: Option<Handle> = None;
        if !allocate {
            let dxgw = match vif_type {
                "transit" => Some(self.resolve(
                    n.gateway.unwrap_or(HandleRef(n.vgw)),
                    ResourceKind::DirectConnectGateway,
                )?),
                "private" => n
                    .gateway
                    .and_then(|g| self.resolve(g, ResourceKind::DirectConnectGateway)),
                _ => None,
            };
            if let Some(g) = dxgw {
                let id = self.resource(g).id.clone();
                inner["directConnectGatewayId"] = json!(id);
                attributes.insert("directConnectGatewayId".to_owned(), json!(id));
                if let Some(why) = self.gateway_refusal(g, owner) {
                    refusal = Some((why, CheckId::ErrorExpected, Basis::Assumed));
                }
                gateway = Some(g);
            } else if vif_type == "private" {
                let vgw = self.vgw(owner, n.vgw);
                inner["virtualGatewayId"] = json!(vgw);
                attributes.insert("virtualGatewayId".to_owned(), json!(vgw));
            }
            send_tags(&mut inner, &n.tags);
        }
        let member = crate::vocab::new_vif_member(vif_type, allocate);
        let mut body = json!({ "connectionId": conn_id });
        body[member] = inner;
        if allocate {
            body["ownerAccount"] = json!(self.env.accounts.of(owner));
        }
        let (vlan_live, vlan_gone) = self.vlan_users(conn, &json!(n.vlan), None);
        if c.owner != n.by {
            // [api] virtual interfaces are created and allocated on the caller's connection.
            refusal = Some((
                "only the connection's owner account may create or allocate virtual interfaces on it".into(),
                CheckId::ModelOwnership,
                Basis::Documented,
            ));
        } else if c.deleted {
            refusal = Some((
                "a deleted connection takes no new virtual interface".into(),
                CheckId::ErrorExpected,
                Basis::Assumed,
            ));
        } else if vlan_live {
            // [user guide] the VLAN must not be in use on the connection.
            refusal = Some((
                format!("VLAN {} is already used on this connection", n.vlan),
                CheckId::ErrorExpected,
                Basis::Documented,
            ));
        }
        if let Some((rule, check, basis)) = refusal {
            return Some((
                body,
                Prediction::reject(vec![CLIENT_ERROR], rule, check, basis),
            ));
        }
        let within = (vif_type == "transit").then_some("virtualInterface");
        let handle = Handle(self.resources.len() as u32);
        let states = match (allocate, vif_type) {
            // [outputs] Allocate* → confirming; LIFECYCLE: pending is also seen first.
            (true, _) => VIRTUAL_INTERFACE.set(&["confirming", "pending"]),
            // [outputs] CreatePublic → verifying; LIFECYCLE: pending | verifying.
            (false, "public") => VIRTUAL_INTERFACE.set(&["verifying", "pending"]),
            // [outputs] CreatePrivate/CreateTransit → pending.
            _ => VIRTUAL_INTERFACE.set(&["pending"]),
        };
        let mut echo: Vec<(&'static str, Value)> = VIF_ECHO
            .iter()
            .filter_map(|m| Some((*m, attributes.get(*m)?.clone())))
            .collect();
        echo.push(("ownerAccount", json!(self.env.accounts.of(owner))));
        echo.push(("region", json!(self.env.region)));
        let mut prediction = self.creating(self.created(
            ResourceKind::VirtualInterface,
            states,
            echo,
            if allocate { &[] } else { &n.tags },
        ));
        if vlan_gone {
            prediction.may_refuse("a VLAN of a deleted virtual interface may still be in use");
        }
        // A VIF needs a physically provisioned connection: AWS refuses one on a connection
        // not yet available ("The specified Connection ID is not available",
        // equinix/terraform-provider-equinix #26; terraform-provider-aws #3252, #3956:
        // provisioning "might take up to 72 hours").
        let provisioned = c.kind.lifecycle().set(&["available", "down"]);
        if c.possible.intersect(provisioned) != c.possible {
            prediction.may_refuse("a connection not yet available may refuse virtual interfaces");
        }
        prediction.within = within;
        // [outputs] the answer carries the first BGP peer, pending (allocated transit VIF);
        // public peers may verify first.
        let mut peer = self.created(
            ResourceKind::BgpPeer,
            BGP_PEER.set(&["pending", "verifying"]),
            vec![
                ("asn", json!(n.asn)),
                ("addressFamily", json!(family.name())),
            ],
            &[],
        );
        peer.handle = Handle(handle.0 + 1);
        peer.nested = Some(peers_in(within));
        prediction.resources.push(peer);
        let _ = gateway;
        Some((body, prediction))
    }

    /// The BGP peers the case knows on a VIF.
    fn peers_of(&self, vif: Handle) -> Vec<Handle> {
        self.known_where(ResourceKind::BgpPeer, |_, r| r.parent == Some(vif))
    }

    fn ownership(action: &str) -> Prediction {
        Prediction::not_owner(format!(
            "only the owner account of a virtual interface may {action} it"
        ))
    }

    fn confirming(r: &Resource) -> bool {
        r.possible
            .has(VIRTUAL_INTERFACE.index("confirming").unwrap_or(0))
    }

    fn confirm_vif(
        &self,
        by: Principal,
        target: HandleRef,
        vif_type: &str,
        gateway: Option<HandleRef>,
        vgw: u8,
    ) -> Option<(Value, Prediction)> {
        let h = self.resolve_vif(target, vif_type)?;
        let r = self.resource(h);
        let mut body = json!({ "virtualInterfaceId": r.id });
        let dxgw = match vif_type {
            "transit" => Some(self.resolve(gateway?, ResourceKind::DirectConnectGateway)?),
            "private" => gateway.and_then(|g| self.resolve(g, ResourceKind::DirectConnectGateway)),
            _ => None,
        };
        if let Some(g) = dxgw {
            body["directConnectGatewayId"] = json!(self.resource(g).id);
        } else if vif_type == "private" {
            body["virtualGatewayId"] = json!(self.vgw(by, vgw));
        }
        if r.owner != by {
            // [api] Confirm* "accepts ownership of a … virtual interface created by another
            // Amazon Web Services account": only the account it was allocated to.
            return Some((body, Self::ownership("confirm")));
        }
        if let Some(why) = dxgw.and_then(|g| self.gateway_refusal(g, by)) {
            let p = Prediction::refused(why, Basis::Assumed);
            return Some((body, p));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = vec!["virtualInterfaceState"];
        // [outputs] ConfirmPrivate/Transit → pending; ConfirmPublic → verifying.
        let states = if vif_type == "public" {
            VIRTUAL_INTERFACE.set(&["verifying", "pending"])
        } else {
            VIRTUAL_INTERFACE.set(&["pending"])
        };
        if r.deleted || !Self::confirming(r) {
            prediction.may_refuse("confirming a virtual interface that is not awaiting confirmation may be refused or answered with its state",);
        }
        prediction.resources.push(self.answering(
            h,
            if Self::confirming(r) && !r.deleted {
                states
            } else {
                StateSet::EMPTY
            },
            StateCheck::Result,
        ));
        Some((body, prediction))
    }

    fn delete_vif(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let body = json!({ "virtualInterfaceId": r.id });
        let allocator = r.peer == Some(by);
        if r.owner != by && !allocator {
            return (body, Self::ownership("delete"));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = vec!["virtualInterfaceState"];
        let states = if r.deleted {
            prediction.may_refuse(
                "deleting a deleted virtual interface may be refused or answered with its state",
            );
            VIRTUAL_INTERFACE.gone_set()
        } else {
            let confirming = VIRTUAL_INTERFACE.set(&["confirming"]);
            let mut s = StateSet::EMPTY;
            if !r.possible.intersect(confirming).is_empty() {
                // [api VirtualInterfaceState] "rejected: the virtual interface owner has
                // declined creation" — deleting a confirming VIF.
                s = s.union(VIRTUAL_INTERFACE.set(&["rejected"]));
            }
            if r.possible != confirming {
                // [outputs] DeleteVirtualInterface → deleting.
                s = s.union(VIRTUAL_INTERFACE.set(&["deleting"]));
            }
            if allocator {
                prediction.may_refuse("whether the connection owner may delete a virtual interface it allocated is not documented",);
                s = s.union(VIRTUAL_INTERFACE.set(&["deleting", "rejected"]));
            }
            s
        };
        prediction
            .resources
            .push(self.answering(h, states, StateCheck::Result));
        (body, prediction)
    }

    fn update_vif(
        &self,
        by: Principal,
        h: Handle,
        name: Option<&str>,
        mtu: Option<u16>,
    ) -> (Value, Prediction) {
        let r = self.resource(h);
        let vif_type = r
            .attributes
            .get("virtualInterfaceType")
            .and_then(Value::as_str)
            .unwrap_or("private");
        let mut body = json!({ "virtualInterfaceId": r.id });
        if let Some(name) = name {
            body["virtualInterfaceName"] = json!(name);
        }
        let mtu = mtu_for(vif_type, mtu);
        if let Some(m) = mtu {
            body["mtu"] = json!(m);
        }
        if r.owner != by {
            return (body, Self::ownership("update"));
        }
        // [outputs] the VIF's current state; LIFECYCLE: an update → pending ⇢ available.
        let states = r.possible.union(VIRTUAL_INTERFACE.set(&["pending"]));
        let mut prediction = self.acted_on(by, h, Some(states));
        let view = &mut prediction.resources[0];
        if let Some(name) = name {
            view.echo_instead("virtualInterfaceName", json!(name));
        }
        if let Some(m) = mtu {
            view.echo_instead("mtu", json!(m));
        }
        if r.deleted || Self::confirming(r) {
            prediction
                .may_refuse("updating a deleted or unconfirmed virtual interface may be refused");
            prediction.resources[0].expect_nothing();
        }
        (body, prediction)
    }

    fn associate_vif(&self, by: Principal, h: Handle, conn: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let c = self.resource(conn);
        let body = json!({ "virtualInterfaceId": r.id, "connectionId": c.id });
        let owns_current = r.parent.is_some_and(|p| self.resource(p).owner == by);
        if c.owner != by || (r.owner != by && !owns_current) {
            // [api AssociateVirtualInterface] the requester must own the VIF or its current
            // connection, and the target connection.
            let p = Prediction::not_owner("only an account owning the virtual interface (or its connection) and the target connection may associate them");
            return (body, p);
        }
        if c.deleted {
            let p = Prediction::refused(
                "a deleted connection takes no virtual interface",
                Basis::Assumed,
            );
            return (body, p);
        }
        let (vlan_live, vlan_gone) = self.vlan_users(
            conn,
            r.attributes.get("vlan").unwrap_or(&Value::Null),
            Some(h),
        );
        if vlan_live && r.parent != Some(conn) {
            let p = Prediction::refused(
                "the VLAN of the virtual interface is already used on the target connection",
                Basis::Documented,
            );
            return (body, p);
        }
        // [outputs] AssociateVirtualInterface → pending.
        let mut prediction = self.acted_on(by, h, Some(VIRTUAL_INTERFACE.set(&["pending"])));
        let view = &mut prediction.resources[0];
        view.echo.retain(|(m, _)| *m != "location");
        view.echo_instead("connectionId", json!(c.id));
        if r.owner != by {
            view.tags = None;
        }
        if r.deleted || Self::confirming(r) || r.parent == Some(conn) || vlan_gone {
            prediction.may_refuse("associating a deleted or unconfirmed virtual interface, or with its own connection, may be refused or answered with its state",);
            prediction.resources[0].expect_nothing();
        }
        (body, prediction)
    }

    fn router_configuration(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let body = json!({ "virtualInterfaceId": r.id });
        let mut prediction = Prediction::succeed(Basis::Documented);
        if r.owner != by || r.deleted || Self::confirming(r) {
            prediction.may_refuse("the router configuration of another account's, a deleted or an unconfirmed virtual interface may be refused",);
            return (body, prediction);
        }
        prediction.required_members = vec!["virtualInterfaceId", "customerRouterConfig"];
        prediction.resources.push(Expectation {
            handle: h,
            kind: ResourceKind::VirtualInterface,
            id: r.id.clone(),
            states: StateSet::EMPTY,
            state_check: StateCheck::Result,
            visibility: Visibility::Must,
            echo: ["virtualInterfaceName"]
                .into_iter()
                .filter_map(|m| Some((m, r.attributes.get(m)?.clone())))
                .chain([("virtualInterfaceId", json!(r.id))])
                .collect(),
            tags: None,
            nested: None,
        });
        (body, prediction)
    }

    fn create_bgp_peer(&self, h: Handle, new: &NewBgpPeer) -> (Value, Prediction) {
        let NewBgpPeer {
            by,
            asn,
            family,
            subnet,
            ..
        } = *new;
        let auth_key = new.auth_key.as_deref();
        let r = self.resource(h);
        let mut peer = json!({ "asn": asn, "addressFamily": family.name() });
        if let Some(key) = auth_key {
            peer["authKey"] = json!(key);
        }
        let public = r.attributes.get("virtualInterfaceType") == Some(&json!("public"));
        if public && family == AddressFamily::Ipv4 {
            let (amazon, customer) = public_pair("198.51.100", subnet);
            peer["amazonAddress"] = json!(amazon);
            peer["customerAddress"] = json!(customer);
        }
        let body = json!({ "virtualInterfaceId": r.id, "newBGPPeer": peer });
        if r.owner != by {
            return (body, Self::ownership("add a BGP peer to"));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.within = Some("virtualInterface");
        let same_family = self.peers_of(h).into_iter().any(|p| {
            let p = self.resource(p);
            !p.deleted && p.attributes.get("addressFamily") == Some(&json!(family.name()))
        });
        if r.deleted || Self::confirming(r) || same_family {
            prediction.may_refuse("a second peer of one address family, or a peer on a deleted or unconfirmed virtual interface, may be refused",);
        }
        if !r.deleted {
            // [outputs] the VIF keeps its state.
            let mut view = self.view(by, h);
            view.visibility = Visibility::Must;
            prediction.resources.push(view);
        }
        let mut peer = self.created(
            ResourceKind::BgpPeer,
            // [outputs] the new peer is pending.
            BGP_PEER.set(&["pending"]),
            vec![("asn", json!(asn)), ("addressFamily", json!(family.name()))],
            &[],
        );
        peer.nested = Some(peers_in(Some("virtualInterface")));
        prediction.resources.push(peer);
        prediction.required_members = VIF_MEMBERS.to_vec();
        prediction.taken_ids = self.taken_ids();
        (body, prediction)
    }

    fn delete_bgp_peer(&self, by: Principal, p: Handle) -> Option<(Value, Prediction)> {
        let peer = self.resource(p);
        let vif = peer.parent?;
        let r = self.resource(vif);
        let body = json!({ "virtualInterfaceId": r.id, "bgpPeerId": peer.id });
        if r.owner != by {
            return Some((body, Self::ownership("delete a BGP peer of")));
        }
        let live: Vec<Handle> = self
            .peers_of(vif)
            .into_iter()
            .filter(|h| !self.resource(*h).deleted)
            .collect();
        if !r.deleted && !peer.deleted && live == [p] {
            // [api DeleteBGPPeer] "You cannot delete the last BGP peer from a virtual
            // interface" (message: "The last BGP Peer on a Virtual Interface cannot be deleted").
            let prediction = Prediction::refused(
                "The last BGP Peer on a Virtual Interface cannot be deleted",
                Basis::Documented,
            );
            return Some((body, prediction));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.within = Some("virtualInterface");
        prediction.required_members = VIF_MEMBERS.to_vec();
        if r.deleted || peer.deleted {
            prediction.may_refuse(
                "deleting a deleted peer, or a peer of a deleted virtual interface, may be refused",
            );
            return Some((body, prediction));
        }
        let mut view = self.view(by, vif);
        view.visibility = Visibility::Must;
        prediction.resources.push(view);
        let mut peer_view =
            self.nested_view(p, peers_in(Some("virtualInterface")), Visibility::Must);
        // [outputs] DeleteBGPPeer → the peer deleting.
        peer_view.states = BGP_PEER.set(&["deleting"]);
        peer_view.state_check = StateCheck::Result;
        prediction.resources.push(peer_view);
        Some((body, prediction))
    }
}

#[cfg(test)]
mod tests;
