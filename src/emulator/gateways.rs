//! Direct Connect gateways, their associations with virtual private gateways,
//! association proposals across accounts, and gateway attachments of VIFs.
//!
//! Lifecycle (LIFECYCLE.md): CreateDirectConnectGateway answers `available` (as AWS's
//! published outputs do), every third gateway `pending` first; DeleteDirectConnectGateway answers `deleting` ⇢ deleted and is
//! refused while associations or attached virtual interfaces remain. Associations:
//! create (or accept a proposal) → associating ⇢ associated; update → updating ⇢
//! associated; delete → disassociating ⇢ disassociated. Proposals: requested →
//! accepted (by the gateway's owner) | deleted (by the proposer). A virtual private
//! gateway is associated with at most one gateway at a time. Gateways are global: their
//! ARNs have no region (`arn:aws:directconnect::account:dx-gateway/id`).

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::dispatch::{Call, Handler, Outcome};
use super::progress::{self, Progress, ASSOCIATING, DELETING};
use super::store::{describe, Observed};
use super::tags::{tags_in_field, Tags};
use super::{ids, paging, virtual_interfaces, ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateDirectConnectGateway", create_gateway),
    ("DescribeDirectConnectGateways", describe::<Gateway>),
    ("UpdateDirectConnectGateway", update_gateway),
    ("DeleteDirectConnectGateway", delete_gateway),
    ("CreateDirectConnectGatewayAssociation", create_association),
    (
        "DescribeDirectConnectGatewayAssociations",
        describe_associations,
    ),
    ("UpdateDirectConnectGatewayAssociation", update_association),
    ("DeleteDirectConnectGatewayAssociation", delete_association),
    (
        "CreateDirectConnectGatewayAssociationProposal",
        create_proposal,
    ),
    (
        "DescribeDirectConnectGatewayAssociationProposals",
        describe_proposals,
    ),
    (
        "AcceptDirectConnectGatewayAssociationProposal",
        accept_proposal,
    ),
    (
        "DeleteDirectConnectGatewayAssociationProposal",
        delete_proposal,
    ),
    (
        "DescribeDirectConnectGatewayAttachments",
        describe_attachments,
    ),
];

const UPDATING: &[&str] = &["updating", "associated"];
const DISASSOCIATING: &[&str] = &["disassociating", "disassociated"];

/// A Direct Connect gateway.
#[derive(Debug, Clone)]
pub(super) struct Gateway {
    id: String,
    owner: String,
    name: String,
    asn: i64,
    progress: Progress,
    tags: Tags,
}

impl Gateway {
    /// Whether it can take associations and VIFs (not deleting or deleted).
    pub(super) fn live(&self, now: Duration, delay: Duration) -> bool {
        !matches!(self.progress.current(now, delay), "deleting" | "deleted")
    }

    /// Its Amazon-side ASN.
    pub(super) fn amazon_side_asn(&self) -> i64 {
        self.asn
    }

    fn render(&self, state: &str) -> Value {
        let mut out = Map::new();
        out.insert("directConnectGatewayId".into(), json!(self.id));
        out.insert("directConnectGatewayName".into(), json!(self.name));
        out.insert("amazonSideAsn".into(), json!(self.asn));
        out.insert("ownerAccount".into(), json!(self.owner));
        out.insert("directConnectGatewayState".into(), json!(state));
        self.tags.render_into(&mut out);
        Value::Object(out)
    }
}

tags_in_field!(Gateway, tags);

impl Observed for Gateway {
    fn observed(&mut self, now: Duration, delay: Duration) -> Value {
        let state = self.progress.observe(now, delay, false);
        self.render(state)
    }
}

/// An association of a gateway with a virtual private gateway.
#[derive(Debug, Clone)]
pub(super) struct Association {
    id: String,
    gateway: String,
    gateway_owner: String,
    vgw: String,
    vgw_owner: String,
    region: String,
    prefixes: Vec<Value>,
    progress: Progress,
}

impl Association {
    pub(super) fn live(&self, now: Duration, delay: Duration) -> bool {
        !matches!(
            self.progress.current(now, delay),
            "disassociating" | "disassociated"
        )
    }

    fn render(&self, state: &str) -> Value {
        let mut out = json!({
            "associationId": self.id,
            "associationState": state,
            "directConnectGatewayId": self.gateway,
            "directConnectGatewayOwnerAccount": self.gateway_owner,
            "virtualGatewayId": self.vgw,
            "virtualGatewayOwnerAccount": self.vgw_owner,
            "virtualGatewayRegion": self.region,
            "associatedGateway": {
                "id": self.vgw,
                "type": "virtualPrivateGateway",
                "ownerAccount": self.vgw_owner,
                "region": self.region,
            },
        });
        if !self.prefixes.is_empty() {
            out["allowedPrefixesToDirectConnectGateway"] = Value::Array(self.prefixes.clone());
        }
        out
    }
}

/// A proposal to associate another account's gateway with the proposer's VGW.
#[derive(Debug, Clone)]
pub(super) struct Proposal {
    id: String,
    gateway: String,
    gateway_owner: String,
    vgw: String,
    proposer: String,
    region: String,
    prefixes: Vec<Value>,
    state: &'static str,
}

impl Proposal {
    /// Whether it can still be accepted or deleted (`requested`): an accepted
    /// proposal is consumed, a deleted one gone.
    pub(super) fn live(&self) -> bool {
        self.state == "requested"
    }

    /// Refuse what cannot be done to proposal `id` once it left `requested`
    /// (`action`: accepted, deleted).
    fn require_requested(&self, id: &str, action: &str) -> Result<(), ApiError> {
        if self.state != "requested" {
            return Err(ApiError::client(format!(
                "Proposal {id} is in the {} state and cannot be {action}",
                self.state
            )));
        }
        Ok(())
    }

    fn render(&self) -> Value {
        let mut out = json!({
            "proposalId": self.id,
            "proposalState": self.state,
            "directConnectGatewayId": self.gateway,
            "directConnectGatewayOwnerAccount": self.gateway_owner,
            "associatedGateway": {
                "id": self.vgw,
                "type": "virtualPrivateGateway",
                "ownerAccount": self.proposer,
                "region": self.region,
            },
        });
        if !self.prefixes.is_empty() {
            out["requestedAllowedPrefixesToDirectConnectGateway"] =
                Value::Array(self.prefixes.clone());
        }
        out
    }
}

/// A UUID-shaped gateway, association or proposal id, deterministic.
fn uuid(world: &mut World, account: &str, prefix: &'static str) -> String {
    let sequence = world.ids.next(account, prefix);
    let uuid = |text: &str| ids::request_id(u64::from(ids::seed(text)) << 20 | 0xd);
    let id = uuid(&sequence);
    let canonical = uuid(&world.ids.canonical(&sequence));
    world.ids.alias(&id, account, canonical);
    id
}

fn prefixes(call: &Call<'_>, member: &str) -> Vec<Value> {
    call.list(member).cloned().unwrap_or_default()
}

/// The synthetic VGWs of `account` (the ones DescribeVirtualGateways lists).
fn owns_vgw(account: &str, vgw: &str) -> bool {
    virtual_interfaces::virtual_gateways_of(account)
        .iter()
        .any(|v| v == vgw)
}

/// Valid Amazon-side ASNs (LIFECYCLE input rules).
fn valid_asn(asn: i64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

fn create_gateway(world: &mut World, call: &Call<'_>) -> Outcome {
    let name = call.required_string("directConnectGatewayName")?;
    let asn = call.integer("amazonSideAsn").unwrap_or(64512);
    if !valid_asn(asn) {
        return Err(ApiError::client(format!(
            "Amazon-side ASN {asn} is not valid: use 64512-65534 or 4200000000-4294967294"
        )));
    }
    let tags = Tags::from_request(call.list("tags"))?;
    let id = uuid(world, call.account, "dxgw");
    // Published outputs show `available` at once; LIFECYCLE: pending | available, so
    // every third gateway passes through pending.
    let seed = world.ids.seed(&format!("{id}/{name}/{asn}"));
    let chain = progress::pending_one_in(3, seed);
    let gateway = Gateway {
        id: id.clone(),
        owner: call.account.to_owned(),
        name: name.to_owned(),
        asn,
        progress: Progress::new(chain, call.now, seed),
        tags,
    };
    let out = gateway.render(chain[0]);
    world.account_mut(call.account).gateways.insert(id, gateway);
    Ok(json!({ "directConnectGateway": out }))
}

fn update_gateway(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("directConnectGatewayId")?;
    let name = call.required_string("newDirectConnectGatewayName")?;
    let g = world.owned::<Gateway>(call.account, id)?;
    if !g.live(call.now, delay) {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {id} is being deleted and cannot be updated"
        )));
    }
    g.name = name.to_owned();
    Ok(json!({ "directConnectGateway": g.render(g.progress.current(call.now, delay)) }))
}

fn delete_gateway(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("directConnectGatewayId")?;
    let live = world
        .owned::<Gateway>(call.account, id)?
        .live(call.now, delay);
    if !live {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {id} is already being deleted"
        ))
        .gone_as_not_found(
            world.config.quirks.deleted_not_found,
            "DirectConnectGateway",
            id,
        ));
    }
    let associated = world
        .account_mut(call.account)
        .associations
        .iter()
        .any(|a| a.gateway == id && a.live(call.now, delay));
    if associated || virtual_interfaces::gateway_in_use(world, call.account, id, call.now) {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {id} has associations or attached virtual interfaces; remove them first"
        )));
    }
    let g = world.owned::<Gateway>(call.account, id)?;
    g.progress.restart(DELETING, call.now);
    Ok(json!({ "directConnectGateway": g.render("deleting") }))
}

/// Whether `vgw` is in a live association with any gateway.
fn vgw_associated(world: &World, vgw: &str, now: Duration) -> bool {
    let delay = world.config.async_delay;
    world.account_ids().iter().any(|a| {
        world.account(a).is_some_and(|acc| {
            acc.associations
                .iter()
                .any(|x| x.vgw == vgw && x.live(now, delay))
        })
    })
}

fn new_association(
    world: &mut World,
    gateway_owner: &str,
    gateway: &str,
    vgw: &str,
    vgw_owner: &str,
    prefixes: Vec<Value>,
    now: Duration,
) -> Result<Value, ApiError> {
    let delay = world.config.async_delay;
    if !world
        .owned::<Gateway>(gateway_owner, gateway)?
        .live(now, delay)
    {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {gateway} is being deleted"
        )));
    }
    if vgw_associated(world, vgw, now) {
        return Err(ApiError::client(format!(
            "Virtual private gateway {vgw} is already associated with a Direct Connect gateway"
        )));
    }
    let id = uuid(world, gateway_owner, "dxassoc");
    let association = Association {
        id: id.clone(),
        gateway: gateway.to_owned(),
        gateway_owner: gateway_owner.to_owned(),
        vgw: vgw.to_owned(),
        vgw_owner: vgw_owner.to_owned(),
        region: world.region().to_owned(),
        prefixes,
        // terraform-provider-aws #9225, #14328: `associating` may last 45 minutes.
        progress: Progress::new(ASSOCIATING, now, world.ids.seed(&id))
            .first_held(world.config.quirks.associating),
    };
    let out = association.render("associating");
    world
        .account_mut(gateway_owner)
        .associations
        .insert(id, association);
    Ok(json!({ "directConnectGatewayAssociation": out }))
}

fn create_association(world: &mut World, call: &Call<'_>) -> Outcome {
    let gateway = call.required_string("directConnectGatewayId")?;
    let vgw = call
        .string("virtualGatewayId")
        .or(call.string("gatewayId"))
        .ok_or_else(|| ApiError::client("A virtualGatewayId or gatewayId is required"))?;
    if !owns_vgw(call.account, vgw) {
        return Err(ApiError::not_found("VirtualGateway", vgw));
    }
    let prefixes = prefixes(call, "addAllowedPrefixesToDirectConnectGateway");
    new_association(
        world,
        call.account,
        gateway,
        vgw,
        call.account,
        prefixes,
        call.now,
    )
}

fn describe_associations(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let by_id = call.string("associationId");
    let gateway = call.string("directConnectGatewayId");
    let vgw = call
        .string("virtualGatewayId")
        .or(call.string("associatedGatewayId"));
    let account = world.account_mut(call.account);
    let ids: Vec<String> = account
        .associations
        .iter()
        .filter(|a| by_id.is_none_or(|x| x == a.id))
        .filter(|a| gateway.is_none_or(|x| x == a.gateway))
        .filter(|a| vgw.is_none_or(|x| x == a.vgw))
        .map(|a| a.id.clone())
        .collect();
    if let Some(id) = by_id {
        if ids.is_empty() {
            return Err(ApiError::not_found("DirectConnectGatewayAssociation", id));
        }
    }
    let (page, next) = paging::page(&ids, call)?;
    let mut out = Vec::new();
    let mut held = 0;
    for id in page {
        if let Some(a) = account.associations.get_mut(id) {
            let state = a.progress.observe(call.now, delay, false);
            // Past one delay, only `Quirks::associating` keeps it there.
            held += u64::from(
                state == "associating" && !delay.is_zero() && a.progress.age(call.now) > delay,
            );
            out.push(a.render(state));
        }
    }
    world
        .played
        .add_n(super::profile::played::ASSOCIATING_HELD, held);
    Ok(paging::answer(
        "directConnectGatewayAssociations",
        out,
        next,
    ))
}

fn update_association(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("associationId")?;
    let add = prefixes(call, "addAllowedPrefixesToDirectConnectGateway");
    let remove = prefixes(call, "removeAllowedPrefixesToDirectConnectGateway");
    let a = world.owned::<Association>(call.account, id)?;
    if !a.live(call.now, delay) {
        return Err(ApiError::client(format!(
            "Association {id} is being disassociated and cannot be updated"
        )));
    }
    a.prefixes.retain(|p| !remove.contains(p));
    for p in add {
        if !a.prefixes.contains(&p) {
            a.prefixes.push(p);
        }
    }
    a.progress.restart(UPDATING, call.now);
    Ok(json!({ "directConnectGatewayAssociation": a.render("updating") }))
}

fn delete_association(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let not_found = world.config.quirks.deleted_not_found;
    let id = match call.string("associationId") {
        Some(id) => id.to_owned(),
        None => {
            let gateway = call.required_string("directConnectGatewayId")?;
            let vgw = call.required_string("virtualGatewayId")?;
            world
                .account_mut(call.account)
                .associations
                .iter()
                .find(|a| a.gateway == gateway && a.vgw == vgw && a.live(call.now, delay))
                .map(|a| a.id.clone())
                .ok_or_else(|| ApiError::not_found("DirectConnectGatewayAssociation", vgw))?
        }
    };
    let a = world.owned::<Association>(call.account, &id)?;
    if !a.live(call.now, delay) {
        let refusal = ApiError::client(format!("Association {id} is already being disassociated"));
        return Err(refusal.gone_as_not_found(not_found, "DirectConnectGatewayAssociation", &id));
    }
    a.progress.restart(DISASSOCIATING, call.now);
    Ok(json!({ "directConnectGatewayAssociation": a.render("disassociating") }))
}

fn create_proposal(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let gateway = call.required_string("directConnectGatewayId")?;
    let gateway_owner = call.required_string("directConnectGatewayOwnerAccount")?;
    let vgw = call.required_string("gatewayId")?;
    if !owns_vgw(call.account, vgw) {
        return Err(ApiError::not_found("VirtualGateway", vgw));
    }
    if gateway_owner == call.account {
        return Err(ApiError::client(
            "The Direct Connect gateway belongs to your account: associate it directly",
        ));
    }
    let live = world
        .account(gateway_owner)
        .and_then(|a| a.gateways.get(gateway))
        .map(|g| g.live(call.now, delay))
        .ok_or_else(|| ApiError::not_found("DirectConnectGateway", gateway))?;
    if !live {
        return Err(ApiError::client(format!(
            "Direct Connect gateway {gateway} is being deleted"
        )));
    }
    let id = uuid(world, call.account, "dxprop");
    let proposal = Proposal {
        id: id.clone(),
        gateway: gateway.to_owned(),
        gateway_owner: gateway_owner.to_owned(),
        vgw: vgw.to_owned(),
        proposer: call.account.to_owned(),
        region: world.region().to_owned(),
        prefixes: prefixes(call, "addAllowedPrefixesToDirectConnectGateway"),
        state: "requested",
    };
    let out = proposal.render();
    world
        .account_mut(call.account)
        .proposals
        .insert(id, proposal);
    Ok(json!({ "directConnectGatewayAssociationProposal": out }))
}

/// Every proposal the caller made or that names one of its gateways: (proposer, id).
fn proposals_for(world: &World, account: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in world.account_ids() {
        if let Some(acc) = world.account(&a) {
            for p in acc.proposals.iter() {
                if p.proposer == account || p.gateway_owner == account {
                    out.push((a.clone(), p.id.clone()));
                }
            }
        }
    }
    out
}

fn find_proposal<'w>(
    world: &'w mut World,
    account: &str,
    id: &str,
) -> Result<&'w mut Proposal, ApiError> {
    let (proposer, _) = proposals_for(world, account)
        .into_iter()
        .find(|(_, p)| p == id)
        .ok_or_else(|| ApiError::not_found("DirectConnectGatewayAssociationProposal", id))?;
    world
        .account_mut(&proposer)
        .proposals
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("DirectConnectGatewayAssociationProposal", id))
}

fn describe_proposals(world: &mut World, call: &Call<'_>) -> Outcome {
    let by_id = call.string("proposalId");
    let gateway = call.string("directConnectGatewayId");
    let mut listed = Vec::new();
    for (proposer, id) in proposals_for(world, call.account) {
        if let Some(p) = world.account(&proposer).and_then(|a| a.proposals.get(&id)) {
            if by_id.is_none_or(|x| x == p.id) && gateway.is_none_or(|x| x == p.gateway) {
                listed.push(p.render());
            }
        }
    }
    if let Some(id) = by_id {
        if listed.is_empty() {
            return Err(ApiError::not_found(
                "DirectConnectGatewayAssociationProposal",
                id,
            ));
        }
    }
    paging::answer_page("directConnectGatewayAssociationProposals", &listed, call)
}

fn accept_proposal(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("proposalId")?;
    let gateway = call.required_string("directConnectGatewayId")?;
    let proposer = call.required_string("associatedGatewayOwnerAccount")?;
    let p = find_proposal(world, call.account, id)?;
    if p.gateway_owner != call.account {
        return Err(ApiError::client(format!(
            "Only the owner of Direct Connect gateway {} can accept proposal {id}",
            p.gateway
        )));
    }
    if p.gateway != gateway || p.proposer != proposer {
        return Err(ApiError::client(format!(
            "Proposal {id} does not name gateway {gateway} and account {proposer}"
        )));
    }
    p.require_requested(id, "accepted")?;
    let (vgw, prefixes) = (p.vgw.clone(), p.prefixes.clone());
    let override_prefixes = call
        .list("overrideAllowedPrefixesToDirectConnectGateway")
        .cloned();
    let out = new_association(
        world,
        call.account,
        gateway,
        &vgw,
        proposer,
        override_prefixes.unwrap_or(prefixes),
        call.now,
    )?;
    find_proposal(world, call.account, id)?.state = "accepted";
    Ok(out)
}

fn delete_proposal(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("proposalId")?;
    let p = find_proposal(world, call.account, id)?;
    if p.proposer != call.account {
        return Err(ApiError::client(format!(
            "Only the account that made proposal {id} can delete it"
        )));
    }
    p.require_requested(id, "deleted")?;
    p.state = "deleted";
    Ok(json!({ "directConnectGatewayAssociationProposal": p.render() }))
}

fn describe_attachments(world: &mut World, call: &Call<'_>) -> Outcome {
    let gateway = call.string("directConnectGatewayId");
    let vif = call.string("virtualInterfaceId");
    let listed = virtual_interfaces::attachments(world, call.account, gateway, vif, call.now);
    paging::answer_page("directConnectGatewayAttachments", &listed, call)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{assert_says, world, Calls, OTHER, OWNER};

    fn gateway(w: &mut World) -> Value {
        let request = json!({"directConnectGatewayName": "g", "amazonSideAsn": 64600});
        let out = w.ok(OWNER, "CreateDirectConnectGateway", request);
        let created = &out["directConnectGateway"];
        assert_eq!(created["directConnectGatewayState"], "available");
        created["directConnectGatewayId"].clone()
    }

    #[test]
    fn gateway_lifecycle_and_delete_guard() {
        let mut w = world();
        let g = gateway(&mut w);
        let the_gateway = json!({"directConnectGatewayId": g});
        let bad = json!({"directConnectGatewayName": "g", "amazonSideAsn": 100});
        w.refused(OWNER, "CreateDirectConnectGateway", bad);
        let vgw = virtual_interfaces::virtual_gateways_of(OWNER)[0].clone();
        let out = w.ok(
            OWNER,
            "CreateDirectConnectGatewayAssociation",
            json!({"directConnectGatewayId": g, "virtualGatewayId": vgw}),
        );
        let assoc = &out["directConnectGatewayAssociation"];
        assert_eq!(assoc["associationState"], "associating");
        let id = assoc["associationId"].clone();
        let err = w.refused(OWNER, "DeleteDirectConnectGateway", the_gateway.clone());
        assert_says(&err, "associations");
        // The association settles, then each write answers the state it moves to.
        let association_state = "/directConnectGatewayAssociation/associationState";
        let prefixes = json!([{"cidr": "10.0.0.0/16"}]);
        for (operation, body, state_at, state) in [
            (
                "DescribeDirectConnectGatewayAssociations",
                json!({"associationId": id}),
                "/directConnectGatewayAssociations/0/associationState",
                "associated",
            ),
            (
                "UpdateDirectConnectGatewayAssociation",
                json!({"associationId": id, "addAllowedPrefixesToDirectConnectGateway": prefixes}),
                association_state,
                "updating",
            ),
            (
                "DeleteDirectConnectGatewayAssociation",
                json!({"associationId": id}),
                association_state,
                "disassociating",
            ),
            (
                "DeleteDirectConnectGateway",
                the_gateway.clone(),
                "/directConnectGateway/directConnectGatewayState",
                "deleting",
            ),
        ] {
            let out = w.ok(OWNER, operation, body);
            assert_eq!(
                out.pointer(state_at),
                Some(&json!(state)),
                "{operation}: {out}"
            );
        }
        w.refused(OTHER, "DescribeDirectConnectGateways", the_gateway);
    }

    #[test]
    fn proposals_cross_accounts() {
        let mut w = world();
        let g = gateway(&mut w);
        let vgw = virtual_interfaces::virtual_gateways_of(OTHER)[0].clone();
        let out = w.ok(OTHER,
            "CreateDirectConnectGatewayAssociationProposal",
            json!({"directConnectGatewayId": g, "directConnectGatewayOwnerAccount": OWNER, "gatewayId": vgw}),
        );
        let p = &out["directConnectGatewayAssociationProposal"];
        assert_eq!(p["proposalState"], "requested");
        let id = p["proposalId"].clone();
        let listed = w.ok(
            OWNER,
            "DescribeDirectConnectGatewayAssociationProposals",
            json!({}),
        );
        assert_eq!(
            listed["directConnectGatewayAssociationProposals"][0]["proposalId"],
            id
        );
        let accept = json!({"directConnectGatewayId": g, "proposalId": id, "associatedGatewayOwnerAccount": OTHER});
        w.refused(
            OTHER,
            "AcceptDirectConnectGatewayAssociationProposal",
            accept.clone(),
        );
        let out = w.ok(
            OWNER,
            "AcceptDirectConnectGatewayAssociationProposal",
            accept,
        );
        assert_eq!(
            out["directConnectGatewayAssociation"]["associationState"],
            "associating"
        );
        assert_eq!(
            out["directConnectGatewayAssociation"]["virtualGatewayOwnerAccount"],
            OTHER
        );
        w.refused(
            OTHER,
            "DeleteDirectConnectGatewayAssociationProposal",
            json!({"proposalId": id}),
        );
    }

    #[test]
    fn with_the_quirks_an_association_stays_associating_for_long_and_a_second_delete_is_not_found()
    {
        let delay = Duration::from_secs(1);
        let mut w = World::new(crate::emulator::EmulatorConfig {
            async_delay: delay,
            quirks: crate::emulator::Quirks {
                associating: Duration::from_secs(45 * 60),
                deleted_not_found: true,
                ..Default::default()
            },
            ..Default::default()
        });
        let request = json!({"directConnectGatewayName": "g", "amazonSideAsn": 64600});
        let g = w.ok(OWNER, "CreateDirectConnectGateway", request)["directConnectGateway"]
            ["directConnectGatewayId"]
            .clone();
        let vgw = virtual_interfaces::virtual_gateways_of(OWNER)[0].clone();
        let out = w.ok(
            OWNER,
            "CreateDirectConnectGatewayAssociation",
            json!({"directConnectGatewayId": g, "virtualGatewayId": vgw}),
        );
        let id = out["directConnectGatewayAssociation"]["associationId"].clone();
        let state_at = |w: &mut World, minutes: u64| {
            let out = w
                .invoke_at(
                    OWNER,
                    "DescribeDirectConnectGatewayAssociations",
                    json!({"associationId": id}),
                    Duration::from_secs(minutes * 60),
                )
                .unwrap();
            out["directConnectGatewayAssociations"][0]["associationState"].clone()
        };
        // terraform-provider-aws #9225: still associating after 15 and 44 minutes.
        assert_eq!(state_at(&mut w, 15), "associating");
        assert_eq!(state_at(&mut w, 44), "associating");
        assert_eq!(state_at(&mut w, 46), "associated");
        assert_eq!(w.played.counts().get("associating-held"), Some(&2));
        let delete = json!({"associationId": id});
        let later = Duration::from_secs(50 * 60);
        w.invoke_at(
            OWNER,
            "DeleteDirectConnectGatewayAssociation",
            delete.clone(),
            later,
        )
        .unwrap();
        let err = w
            .invoke_at(
                OWNER,
                "DeleteDirectConnectGatewayAssociation",
                delete,
                later,
            )
            .unwrap_err();
        assert_says(
            &err,
            "Could not find DirectConnectGatewayAssociation with ID",
        );
    }
}
