//! Virtual interfaces and their BGP peers: Create/Allocate/Confirm
//! {Private,Public,Transit}VirtualInterface, DescribeVirtualInterfaces,
//! DeleteVirtualInterface, UpdateVirtualInterfaceAttributes, AssociateVirtualInterface,
//! DescribeRouterConfiguration, ListVirtualInterfaceTestHistory, ListVirtualInterfaceRoutes,
//! StartBgpFailoverTest, StopBgpFailoverTest, DescribeVirtualGateways, CreateBGPPeer,
//! DeleteBGPPeer.
//!
//! Lifecycle (LIFECYCLE.md): created private and transit VIFs answer `pending`, public
//! ones `verifying`, then move on observation (pending ⇢ available, verifying ⇢
//! [pending ⇢] available, with the documented down flaps). An allocated VIF belongs to
//! `ownerAccount` and stays `confirming` until that account confirms it (→ pending, or
//! verifying for public); deleting it while confirming rejects it. Any other delete
//! answers `deleting` ⇢ deleted (deleted VIFs stay listed). A VIF lives in its owner's
//! account; the account owning its connection (the allocator) sees it too.
//! BGP peers: new peers answer `pending` ⇢ [verifying ⇢] available; a delete answers
//! `deleting` ⇢ deleted; the last live peer of a VIF cannot be deleted.
//! BGP failover tests and routes: `virtual_interfaces/failover.rs`.

use std::net::Ipv4Addr;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::dispatch::{Call, Handler, Outcome};
use super::progress::{Progress, DELETING, PROVISIONING};
use super::tags::{tags_in_field, Tags};
use super::world::Deletable;
use super::{ids, paging, ApiError, World};

mod bgp_peers;
mod failover;
mod input;
use bgp_peers::{create_bgp_peer, delete_bgp_peer, BgpPeer};
use failover::{
    list_routes, list_test_history, start_bgp_failover_test, stop_bgp_failover_test, FailoverTest,
};
use input::*;

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreatePrivateVirtualInterface", create::<PRIVATE, false>),
    ("CreatePublicVirtualInterface", create::<PUBLIC, false>),
    ("CreateTransitVirtualInterface", create::<TRANSIT, false>),
    ("AllocatePrivateVirtualInterface", create::<PRIVATE, true>),
    ("AllocatePublicVirtualInterface", create::<PUBLIC, true>),
    ("AllocateTransitVirtualInterface", create::<TRANSIT, true>),
    ("ConfirmPrivateVirtualInterface", confirm_private),
    ("ConfirmPublicVirtualInterface", confirm_public),
    ("ConfirmTransitVirtualInterface", confirm_transit),
    ("DescribeVirtualInterfaces", describe_virtual_interfaces),
    ("DeleteVirtualInterface", delete_virtual_interface),
    ("UpdateVirtualInterfaceAttributes", update_attributes),
    ("AssociateVirtualInterface", associate_virtual_interface),
    ("DescribeRouterConfiguration", describe_router_configuration),
    ("ListVirtualInterfaceTestHistory", list_test_history),
    ("ListVirtualInterfaceRoutes", list_routes),
    ("StartBgpFailoverTest", start_bgp_failover_test),
    ("StopBgpFailoverTest", stop_bgp_failover_test),
    ("DescribeVirtualGateways", describe_virtual_gateways),
    ("CreateBGPPeer", create_bgp_peer),
    ("DeleteBGPPeer", delete_bgp_peer),
];

const CONFIRMING: &[&str] = &["confirming"];
/// An allocated VIF that reports the undocumented `approving` for a while after its
/// allocation answered `confirming` (`Quirks::approving_hosted_vifs`;
/// terraform-provider-aws #11594: the provider's waiter, polling after the
/// allocation, met "unexpected state 'approving'").
const APPROVING: &[&str] = &["confirming", "approving", "confirming"];
/// How long the first state of a chain lasts when only the create's answer shows it.
const ANSWER_ONLY: Duration = Duration::from_nanos(1);
const VERIFYING_VIA_PENDING: &[&str] = &["verifying", "pending", "available"];
const VERIFYING: &[&str] = &["verifying", "available"];
const REJECTED: &[&str] = &["rejected"];
const PEER: &[&str] = &["pending", "available"];
const PEER_VERIFYING: &[&str] = &["pending", "verifying", "available"];
const GONE: &[&str] = &["deleting", "deleted", "rejected"];
const ATTACHING: &[&str] = &["attaching", "attached"];
const DETACHING: &[&str] = &["detaching", "detached"];

/// A virtual interface.
#[derive(Debug, Clone)]
pub(super) struct VirtualInterface {
    id: String,
    owner: String,
    vif_type: &'static str,
    name: String,
    vlan: i64,
    asn: i64,
    mtu: Option<i64>,
    connection_id: String,
    /// The account owning the connection (the allocator, for allocated VIFs).
    connection_owner: String,
    location: String,
    region: String,
    family: String,
    amazon_address: Option<String>,
    customer_address: Option<String>,
    auth_key: String,
    amazon_side_asn: Option<i64>,
    virtual_gateway: Option<String>,
    /// The Direct Connect gateway (id) it is attached to, with the attachment's progress.
    gateway: Option<(String, Progress)>,
    route_filter: Option<Value>,
    device: String,
    progress: Progress,
    peers: Vec<BgpPeer>,
    tags: Tags,
    /// Its BGP failover tests, oldest first.
    tests: Vec<FailoverTest>,
    /// The test running now (an index into `tests`).
    running_test: Option<usize>,
}

tags_in_field!(VirtualInterface, tags);

impl Deletable for VirtualInterface {
    fn gone(&self, now: Duration, delay: Duration) -> bool {
        GONE.contains(&self.current(now, delay))
    }
}

impl VirtualInterface {
    fn current(&self, now: Duration, delay: Duration) -> &'static str {
        self.progress.current(now, delay)
    }

    /// Awaiting its owner's confirmation (`approving` is AWS's undocumented name for
    /// the same wait, #11594: the VIF can be confirmed or rejected alike).
    fn confirming(&self, now: Duration, delay: Duration) -> bool {
        matches!(self.current(now, delay), "confirming" | "approving")
    }

    /// The id of the Direct Connect gateway it is attached to.
    pub(super) fn gateway_id(&self) -> Option<&str> {
        self.gateway.as_ref().map(|(g, _)| g.as_str())
    }

    /// The attachment to its gateway, as DescribeDirectConnectGatewayAttachments lists it
    /// (observing it advances it).
    pub(super) fn observe_attachment(&mut self, now: Duration, delay: Duration) -> Option<Value> {
        let (gateway, progress) = self.gateway.as_mut()?;
        let state = progress.observe(now, delay, false);
        Some(json!({
            "directConnectGatewayId": gateway,
            "virtualInterfaceId": self.id,
            "virtualInterfaceRegion": self.region,
            "virtualInterfaceOwnerAccount": self.owner,
            "attachmentState": state,
            "attachmentType": if self.vif_type == "transit" { "TransitVirtualInterface" } else { "PrivateVirtualInterface" },
        }))
    }

    /// Whether the attachment still holds its gateway (not detached).
    pub(super) fn attached(&self, now: Duration, delay: Duration) -> bool {
        self.gateway
            .as_ref()
            .is_some_and(|(_, p)| p.current(now, delay) != "detached" && !self.gone(now, delay))
    }

    /// Advance the VIF and its peers one observation.
    fn observe(&mut self, now: Duration, delay: Duration) {
        self.progress.observe(now, delay, true);
        for peer in &mut self.peers {
            peer.progress.observe(now, delay, false);
        }
    }

    fn render(&self, now: Duration, delay: Duration) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_owned(), value);
        };
        put("ownerAccount", json!(self.owner));
        put("virtualInterfaceId", json!(self.id));
        put("location", json!(self.location));
        put("connectionId", json!(self.connection_id));
        put("virtualInterfaceType", json!(self.vif_type));
        put("virtualInterfaceName", json!(self.name));
        put("vlan", json!(self.vlan));
        put("asn", json!(self.asn));
        put("asnLong", json!(self.asn));
        if let Some(asn) = self.amazon_side_asn {
            put("amazonSideAsn", json!(asn));
        }
        put("authKey", json!(self.auth_key));
        if let Some(a) = &self.amazon_address {
            put("amazonAddress", json!(a));
        }
        if let Some(c) = &self.customer_address {
            put("customerAddress", json!(c));
        }
        put("addressFamily", json!(self.family));
        put(
            "virtualInterfaceState",
            json!(self.progress.current(now, delay)),
        );
        if let Some(mtu) = self.mtu {
            put("mtu", json!(mtu));
            put("jumboFrameCapable", json!(true));
        }
        if let Some(vgw) = &self.virtual_gateway {
            put("virtualGatewayId", json!(vgw));
        }
        if let Some((gateway, _)) = &self.gateway {
            put("directConnectGatewayId", json!(gateway));
        }
        if let Some(prefixes) = &self.route_filter {
            put("routeFilterPrefixes", prefixes.clone());
        }
        let peers: Vec<Value> = self
            .peers
            .iter()
            .map(|p| p.render(p.progress.current(now, delay), &self.device))
            .collect();
        put("bgpPeers", Value::Array(peers));
        put("region", json!(self.region));
        put("awsDeviceV2", json!(self.device));
        put("awsLogicalDeviceId", json!(self.device));
        put("siteLinkEnabled", json!(false));
        self.tags.render_into(&mut out);
        Value::Object(out)
    }
}

/// What kind of VIF a create or allocate call makes.
#[derive(Clone, Copy)]
struct Kind {
    vif_type: &'static str,
    allocate: bool,
}

impl Kind {
    fn member(self) -> &'static str {
        crate::vocab::new_vif_member(self.vif_type, self.allocate)
    }
}

/// The VIF types, indexed by the `TYPE` of [`create`].
const VIF_TYPES: [&str; 3] = ["private", "public", "transit"];
const PRIVATE: usize = 0;
const PUBLIC: usize = 1;
const TRANSIT: usize = 2;

/// Create…VirtualInterface (`ALLOCATE` false) and Allocate…VirtualInterface (true) of
/// the VIF type `VIF_TYPES[TYPE]`. Transit VIFs are answered wrapped in
/// `virtualInterface`, the others bare (the operations' output shapes).
fn create<const TYPE: usize, const ALLOCATE: bool>(world: &mut World, call: &Call<'_>) -> Outcome {
    let kind = Kind {
        vif_type: VIF_TYPES[TYPE],
        allocate: ALLOCATE,
    };
    let (vif, _) = new_vif(world, call, kind)?;
    Ok(if TYPE == TRANSIT {
        json!({ "virtualInterface": vif })
    } else {
        vif
    })
}

/// Every VIF of every account, by (account, id).
fn all_vifs(world: &World) -> Vec<(String, String)> {
    world
        .account_ids()
        .into_iter()
        .flat_map(|a| {
            world
                .account(&a)
                .map(|acc| {
                    acc.virtual_interfaces
                        .iter()
                        .map(|v| (a.clone(), v.id.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// The VIF `id`, wherever it lives.
fn find<'w>(world: &'w mut World, id: &str) -> Option<&'w mut VirtualInterface> {
    let account = all_vifs(world)
        .into_iter()
        .find(|(_, v)| v == id)
        .map(|(a, _)| a)?;
    world.account_mut(&account).virtual_interfaces.get_mut(id)
}

/// A VIF the caller owns or whose connection the caller owns.
fn visible<'w>(
    world: &'w mut World,
    call: &Call<'_>,
    id: &str,
) -> Result<&'w mut VirtualInterface, ApiError> {
    match find(world, id) {
        Some(v) if v.owner == call.account || v.connection_owner == call.account => Ok(v),
        _ => Err(ApiError::not_found("VirtualInterface", id)),
    }
}

/// Whether a live VIF other than `except` uses `vlan` on `connection`.
fn vlan_taken(
    world: &World,
    connection: &str,
    vlan: i64,
    except: Option<&str>,
    now: Duration,
) -> bool {
    let delay = world.config.async_delay;
    world.account_ids().iter().any(|a| {
        world.account(a).is_some_and(|acc| {
            acc.virtual_interfaces.iter().any(|v| {
                v.connection_id == connection
                    && v.vlan == vlan
                    && Some(v.id.as_str()) != except
                    && !v.gone(now, delay)
            })
        })
    })
}

/// The caller's live connection `id`, with its location.
fn live_connection(world: &mut World, call: &Call<'_>, id: &str) -> Result<String, ApiError> {
    let delay = world.config.async_delay;
    let needs_available = world.config.quirks.vif_needs_available_connection;
    let connection = world
        .account_mut(call.account)
        .connections
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("Connection", id))?;
    let state = connection.current(call.now, delay);
    if matches!(state, "deleted" | "deleting" | "rejected") {
        return Err(ApiError::client(format!(
            "Connection {id} is in the deleted state and cannot take virtual interfaces"
        )));
    }
    // equinix/terraform-provider-equinix #26, terraform-provider-aws #3252: a VIF needs
    // a provisioned connection.
    if needs_available && !matches!(state, "available" | "down") {
        return Err(
            ApiError::client("The specified Connection ID is not available")
                .by_quirk(super::profile::played::VIF_NEEDS_AVAILABLE),
        );
    }
    Ok(connection.location().to_owned())
}

/// The synthetic virtual private gateways of an account: two, deterministic.
pub(super) fn virtual_gateways_of(account: &str) -> Vec<String> {
    (0..2)
        .map(|i| format!("vgw-{:08x}", ids::seed(&format!("{account}/vgw/{i}"))))
        .collect()
}

/// The Amazon-side ASN of the caller's live Direct Connect gateway `id`.
fn live_gateway(
    world: &mut World,
    account: &str,
    id: &str,
    now: Duration,
) -> Result<i64, ApiError> {
    let delay = world.config.async_delay;
    let gateway = world
        .account_mut(account)
        .gateways
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("DirectConnectGateway", id))?;
    if !gateway.live(now, delay) {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {id} is being deleted and cannot take virtual interfaces"
        )));
    }
    Ok(gateway.amazon_side_asn())
}

/// Where a VIF routes: a virtual private gateway or a Direct Connect gateway.
type Target = (Option<String>, Option<String>, Option<i64>);

/// The routing target named by `object` for a VIF owned by `owner`.
fn routing_target(
    world: &mut World,
    owner: &str,
    object: &Map<String, Value>,
    vif_type: &str,
    now: Duration,
) -> Result<Target, ApiError> {
    let vgw = string(object, "virtualGatewayId");
    let dxgw = string(object, "directConnectGatewayId");
    match (vif_type, vgw, dxgw) {
        ("public", None, None) => Ok((None, None, None)),
        ("public", _, _) => Err(ApiError::client(
            "A public virtual interface takes no virtual or Direct Connect gateway",
        )),
        ("transit", None, Some(g)) => {
            let asn = live_gateway(world, owner, g, now)?;
            Ok((None, Some(g.to_owned()), Some(asn)))
        }
        ("transit", _, _) => Err(ApiError::client(
            "A transit virtual interface needs a directConnectGatewayId",
        )),
        (_, Some(v), None) => {
            if !virtual_gateways_of(owner).iter().any(|x| x == v) {
                return Err(ApiError::not_found("VirtualGateway", v));
            }
            Ok((Some(v.to_owned()), None, Some(64512)))
        }
        (_, None, Some(g)) => {
            let asn = live_gateway(world, owner, g, now)?;
            Ok((None, Some(g.to_owned()), Some(asn)))
        }
        _ => Err(ApiError::client(
            "A private virtual interface needs exactly one of virtualGatewayId and directConnectGatewayId",
        )),
    }
}

fn mtu(vif_type: &str, given: Option<i64>) -> Result<Option<i64>, ApiError> {
    let allowed: &[i64] = match vif_type {
        "private" => &[1500, 8500, 9001],
        "transit" => &[1500, 8500],
        _ => &[],
    };
    match given {
        None if allowed.is_empty() => Ok(None),
        None => Ok(Some(1500)),
        Some(m) if allowed.contains(&m) => Ok(Some(m)),
        Some(m) => Err(ApiError::client(format!(
            "MTU {m} is not valid for a {vif_type} virtual interface"
        ))),
    }
}

fn name(object: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    let name = string(object, key).unwrap_or_default();
    let valid = !name.is_empty()
        && name.chars().count() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(ApiError::client(format!(
            "Virtual interface name {name:?} is not valid: use up to 100 characters of a-z, 0-9 and hyphens"
        )));
    }
    Ok(name.to_owned())
}

fn new_vif(world: &mut World, call: &Call<'_>, kind: Kind) -> Result<(Value, String), ApiError> {
    let delay = world.config.async_delay;
    let connection_id = call.required_string("connectionId")?;
    let object = call
        .member(kind.member())
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::client(format!("{} is required", kind.member())))?;
    let location = live_connection(world, call, connection_id)?;
    let owner = if kind.allocate {
        let owner = call.required_string("ownerAccount")?;
        if owner.len() != 12 || !owner.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApiError::client(format!("Account {owner} is not valid")));
        }
        owner.to_owned()
    } else {
        call.account.to_owned()
    };
    let vif_name = name(object, "virtualInterfaceName")?;
    let vlan = int(object, "vlan").unwrap_or(0);
    if !(1..=4094).contains(&vlan) {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is not valid: it must be within 1-4094"
        )));
    }
    let asn = peer_asn(object)?;
    let family = family(object)?;
    let mtu = mtu(kind.vif_type, int(object, "mtu"))?;
    let tags = Tags::from_request(object.get("tags").and_then(Value::as_array))?;
    let (virtual_gateway, gateway, amazon_side_asn) = if kind.allocate {
        (None, None, None)
    } else {
        routing_target(world, &owner, object, kind.vif_type, call.now)?
    };
    let (amazon, customer) = match (kind.vif_type, family.as_str()) {
        ("public", "ipv4") => {
            let (a, c) = public_addresses(
                string(object, "amazonAddress"),
                string(object, "customerAddress"),
            )?;
            (Some(a), Some(c))
        }
        (_, "ipv6")
            if object.contains_key("amazonAddress") || object.contains_key("customerAddress") =>
        {
            return Err(ApiError::client(
                "IPv6 peering addresses are assigned by AWS and cannot be specified",
            ));
        }
        _ => (
            string(object, "amazonAddress").map(str::to_owned),
            string(object, "customerAddress").map(str::to_owned),
        ),
    };
    if vlan_taken(world, connection_id, vlan, None, call.now) {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is already in use on connection {connection_id}"
        )));
    }
    let id = world.ids.next(call.account, "dxvif");
    let seed = world.ids.seed(&id);
    let (auto_amazon, auto_customer) = assigned_addresses(&family, seed);
    let amazon = amazon.unwrap_or(auto_amazon);
    let customer = customer.unwrap_or(auto_customer);
    let key = auth_key(object, seed)?;
    // Ids restart with every reset, so behaviour varies with the inputs too.
    let variety = world.ids.seed(&format!("{id}/{vlan}/{asn}/{vif_name}"));
    let chain = if kind.allocate && world.config.quirks.approving_hosted_vifs {
        world.played.add(super::profile::played::APPROVING);
        APPROVING
    } else if kind.allocate {
        CONFIRMING
    } else {
        live_chain(kind.vif_type, variety)
    };
    let peer_id = world.ids.next(call.account, "dxpeer");
    let peer = BgpPeer {
        progress: Progress::new(
            peer_chain(kind.vif_type, variety >> 4),
            call.now,
            world.ids.seed(&peer_id),
        ),
        id: peer_id,
        asn,
        family: family.clone(),
        amazon_address: amazon.clone(),
        customer_address: customer.clone(),
        auth_key: key.clone(),
    };
    let vif = VirtualInterface {
        id: id.clone(),
        owner: owner.clone(),
        vif_type: kind.vif_type,
        name: vif_name,
        vlan,
        asn,
        mtu,
        connection_id: connection_id.to_owned(),
        connection_owner: call.account.to_owned(),
        device: ids::device(&location, "vif"),
        location,
        region: world.region().to_owned(),
        family,
        amazon_address: Some(amazon),
        customer_address: Some(customer),
        auth_key: key,
        amazon_side_asn,
        virtual_gateway,
        gateway: gateway.map(|g| (g, Progress::new(ATTACHING, call.now, seed))),
        route_filter: object.get("routeFilterPrefixes").cloned(),
        // With a clock, `confirming` is the allocation's answer only and `approving`
        // lasts the first delay from there (one held instant stands for the answer).
        progress: Progress::new(chain, call.now, variety).first_held(if chain == APPROVING {
            ANSWER_ONLY
        } else {
            Duration::ZERO
        }),
        peers: vec![peer],
        tags,
        tests: Vec::new(),
        running_test: None,
    };
    let output = vif.render(call.now, delay);
    world
        .account_mut(&owner)
        .virtual_interfaces
        .insert(id.clone(), vif);
    Ok((output, id))
}

/// The provisioning chain of a confirmed or created VIF: public VIFs verify first.
fn live_chain(vif_type: &str, seed: u32) -> &'static [&'static str] {
    // Public VIFs usually verify their addresses first; LIFECYCLE: pending | verifying.
    // (Independent of the flap offset, which uses `seed % 3`.)
    match (vif_type, (seed >> 8) % 3) {
        ("public", 0) => VERIFYING_VIA_PENDING,
        ("public", 1) => VERIFYING,
        _ => PROVISIONING,
    }
}

fn peer_chain(vif_type: &str, seed: u32) -> &'static [&'static str] {
    if vif_type == "public" || seed % 3 == 0 {
        PEER_VERIFYING
    } else {
        PEER
    }
}

fn confirm(world: &mut World, call: &Call<'_>, vif_type: &str) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    if vif.vif_type != vif_type {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is a {} virtual interface, not a {vif_type} one",
            vif.vif_type
        )));
    }
    if !vif.confirming(call.now, delay) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {} state and is not awaiting confirmation",
            vif.current(call.now, delay)
        )));
    }
    let (vgw, gateway, asn) = routing_target(world, call.account, call.input, vif_type, call.now)?;
    let canonical = world.ids.canonical(id);
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    let seed = ids::seed(&format!(
        "{canonical}/{}/{}/{}",
        vif.vlan, vif.asn, vif.name
    ));
    vif.virtual_gateway = vgw;
    vif.amazon_side_asn = asn;
    vif.gateway = gateway.map(|g| (g, Progress::new(ATTACHING, call.now, seed)));
    vif.progress.restart(live_chain(vif_type, seed), call.now);
    Ok(json!({ "virtualInterfaceState": vif.current(call.now, delay) }))
}

fn confirm_private(world: &mut World, call: &Call<'_>) -> Outcome {
    confirm(world, call, "private")
}

fn confirm_public(world: &mut World, call: &Call<'_>) -> Outcome {
    confirm(world, call, "public")
}

fn confirm_transit(world: &mut World, call: &Call<'_>) -> Outcome {
    confirm(world, call, "transit")
}

/// DescribeVirtualInterfaces: the caller's VIFs and those on its connections, or the
/// ones named (by VIF or connection).
fn describe_virtual_interfaces(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    if let Some(id) = call.string("virtualInterfaceId") {
        let vif = visible(world, call, id)?;
        vif.observe(call.now, delay);
        return Ok(json!({ "virtualInterfaces": [vif.render(call.now, delay)] }));
    }
    let connection = call.string("connectionId");
    let mut listed: Vec<(String, String)> = Vec::new();
    for (account, id) in all_vifs(world) {
        if let Some(v) = world
            .account(&account)
            .and_then(|a| a.virtual_interfaces.get(&id))
        {
            let mine = v.owner == call.account || v.connection_owner == call.account;
            if mine && connection.is_none_or(|c| c == v.connection_id) {
                listed.push((account, id));
            }
        }
    }
    let (page, next) = paging::page(&listed, call)?;
    let mut out = Vec::with_capacity(page.len());
    for (account, id) in page {
        if let Some(v) = world.account_mut(account).virtual_interfaces.get_mut(id) {
            v.observe(call.now, delay);
            out.push(v.render(call.now, delay));
        }
    }
    Ok(paging::answer("virtualInterfaces", out, next))
}

/// DeleteVirtualInterface: by its owner or its connection's owner; a confirming VIF is
/// rejected, any other goes deleting ⇢ deleted.
fn delete_virtual_interface(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let not_found = world.config.quirks.deleted_not_found;
    let id = call.required_string("virtualInterfaceId")?;
    let vif = visible(world, call, id)?;
    if vif.gone(call.now, delay) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {} state and cannot be deleted",
            vif.current(call.now, delay)
        ))
        .gone_as_not_found(not_found, "VirtualInterface", id));
    }
    let chain = if vif.confirming(call.now, delay) {
        REJECTED
    } else {
        DELETING
    };
    vif.progress.restart(chain, call.now);
    for peer in &mut vif.peers {
        if !peer.gone(call.now, delay) {
            peer.progress.restart(DELETING, call.now);
        }
    }
    if let Some((_, attachment)) = &mut vif.gateway {
        attachment.restart(DETACHING, call.now);
    }
    Ok(json!({ "virtualInterfaceState": vif.current(call.now, delay) }))
}

/// UpdateVirtualInterfaceAttributes: rename; an MTU change re-provisions (pending ⇢ available).
fn update_attributes(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let new_name = match call.member("virtualInterfaceName") {
        Some(_) => Some(name(call.input, "virtualInterfaceName")?),
        None => None,
    };
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    if vif.gone(call.now, delay) || vif.confirming(call.now, delay) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {} state and cannot be updated",
            vif.current(call.now, delay)
        )));
    }
    let new_mtu = match call.integer("mtu") {
        Some(m) if vif.vif_type == "public" => {
            return Err(ApiError::client(format!(
                "MTU {m} cannot be set on a public virtual interface"
            )))
        }
        Some(m) => mtu(vif.vif_type, Some(m))?,
        None => None,
    };
    if let Some(name) = new_name {
        vif.name = name;
    }
    if let Some(m) = new_mtu {
        if vif.mtu != Some(m) {
            vif.mtu = Some(m);
            vif.progress.restart(PROVISIONING, call.now);
        }
    }
    Ok(vif.render(call.now, delay))
}

/// AssociateVirtualInterface: move a VIF to another of the caller's connections.
fn associate_virtual_interface(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let connection_id = call.required_string("connectionId")?;
    let location = live_connection(world, call, connection_id)?;
    let (vlan, owner) = {
        let vif = visible(world, call, id)?;
        if vif.gone(call.now, delay) || vif.confirming(call.now, delay) {
            return Err(ApiError::client(format!(
                "Virtual interface {id} is in the {} state and cannot be associated",
                vif.current(call.now, delay)
            )));
        }
        (vif.vlan, vif.owner.clone())
    };
    if vlan_taken(world, connection_id, vlan, Some(id), call.now) {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is already in use on connection {connection_id}"
        )));
    }
    let vif = world
        .account_mut(&owner)
        .virtual_interfaces
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("VirtualInterface", id))?;
    vif.connection_id = connection_id.to_owned();
    vif.connection_owner = call.account.to_owned();
    vif.device = ids::device(&location, "vif");
    vif.location = location;
    vif.progress.restart(PROVISIONING, call.now);
    Ok(vif.render(call.now, delay))
}

/// DescribeRouterConfiguration: a sample configuration for the caller's VIF.
fn describe_router_configuration(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    if vif.gone(call.now, delay) || vif.confirming(call.now, delay) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {} state and has no router configuration",
            vif.current(call.now, delay)
        )));
    }
    let peer = vif.peers.iter().find(|p| !p.gone(call.now, delay));
    let config = format!(
        "! Amazon Web Services Direct Connect virtual interface {id}\ninterface vlan {}\n router bgp {}\n  neighbor {} remote-as {}\n",
        vif.vlan,
        vif.asn,
        peer.map_or("", |p| p.amazon_address.as_str()),
        vif.amazon_side_asn.unwrap_or(7224),
    );
    let mut out = json!({
        "customerRouterConfig": config,
        "virtualInterfaceId": id,
        "virtualInterfaceName": vif.name,
    });
    if let Some(router) = call.string("routerTypeIdentifier") {
        out["router"] = json!({ "routerTypeIdentifier": router });
    }
    Ok(out)
}

/// DescribeVirtualGateways: the caller's (synthetic) virtual private gateways.
fn describe_virtual_gateways(_world: &mut World, call: &Call<'_>) -> Outcome {
    let gateways: Vec<Value> = virtual_gateways_of(call.account)
        .into_iter()
        .map(|id| json!({ "virtualGatewayId": id, "virtualGatewayState": "available" }))
        .collect();
    Ok(json!({ "virtualGateways": gateways }))
}

/// Every attachment of a gateway (`gateway`) or of a VIF (`vif`) visible to `account`.
pub(super) fn attachments(
    world: &mut World,
    account: &str,
    gateway: Option<&str>,
    vif: Option<&str>,
    now: Duration,
) -> Vec<Value> {
    let delay = world.config.async_delay;
    let mut out = Vec::new();
    for (owner, id) in all_vifs(world) {
        if owner != account || vif.is_some_and(|v| v != id) {
            continue;
        }
        if let Some(v) = world.account_mut(&owner).virtual_interfaces.get_mut(&id) {
            if gateway.is_some_and(|g| v.gateway_id() != Some(g)) {
                continue;
            }
            if let Some(a) = v.observe_attachment(now, delay) {
                out.push(a);
            }
        }
    }
    out
}

/// Whether a live VIF of `account` is attached to gateway `gateway`.
pub(super) fn gateway_in_use(world: &World, account: &str, gateway: &str, now: Duration) -> bool {
    let delay = world.config.async_delay;
    world.account(account).is_some_and(|a| {
        a.virtual_interfaces
            .iter()
            .any(|v| v.gateway_id() == Some(gateway) && v.attached(now, delay))
    })
}

#[cfg(test)]
mod tests;
