//! Link aggregation groups and the calls around physical ports: CreateLag,
//! DescribeLags, UpdateLag, DeleteLag, AssociateConnectionWithLag,
//! DisassociateConnectionFromLag, AssociateMacSecKey, DisassociateMacSecKey,
//! DescribeLoa, DescribeConnectionLoa, DescribeCustomerMetadata, ConfirmCustomerAgreement.
//!
//! Rules (API reference): a LAG holds at most four connections at 1/10 Gbps and two at
//! 100/400 Gbps, all of its bandwidth, at its endpoint (device); CreateLag answers the
//! LAG `pending` with its new members `requested`; DeleteLag answers `deleted` and is
//! refused while hosted connections or VIFs use it; a disassociated connection is "not
//! deleted" and a LAG may be left empty; the members of a deleted LAG become standalone
//! connections (not documented; the same as disassociating them). MACsec keys need a
//! MACsec-capable connection or LAG (`requestMACSec` at a location offering MACsec at
//! that speed, per DescribeLocations' `availableMacSecPortSpeeds`).

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::connections::Connection;
use super::dispatch::{Call, Handler, Outcome};
use super::interconnects::LOA_PDF;
use super::port::{require_dedicated_bandwidth, Port, CHAIN};
use super::tags::{tags_in_field, Tags};
use super::{arn, ids, locations, ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateLag", create_lag),
    ("DescribeLags", describe_lags),
    ("UpdateLag", update_lag),
    ("DeleteLag", delete_lag),
    ("AssociateConnectionWithLag", associate_connection_with_lag),
    (
        "DisassociateConnectionFromLag",
        disassociate_connection_from_lag,
    ),
    ("AssociateMacSecKey", associate_mac_sec_key),
    ("DisassociateMacSecKey", disassociate_mac_sec_key),
    ("DescribeLoa", describe_loa),
    ("DescribeConnectionLoa", describe_connection_loa),
    ("DescribeCustomerMetadata", describe_customer_metadata),
    ("ConfirmCustomerAgreement", confirm_customer_agreement),
];

/// A LAG is `pending` when created ([outputs] CreateLag), then `available`.
const LAG_CHAIN: &[&str] = &["pending", "available"];
/// A LAG made around an existing connection starts where that connection is
/// (LIFECYCLE: CreateLag → requested | pending | available; which one AWS answers is
/// not documented, so the reference target follows the bundled port).
const LAG_FROM_REQUESTED: &[&str] = &["requested", "pending", "available"];
const LAG_AVAILABLE: &[&str] = &["available"];

/// Most members of a LAG of `bandwidth` [api CreateLag].
fn max_members(bandwidth: &str) -> usize {
    match bandwidth {
        "100Gbps" | "400Gbps" => 2,
        _ => 4,
    }
}

/// A link aggregation group.
#[derive(Debug, Clone)]
pub(super) struct Lag {
    /// Its id (`dxlag-`), name, device, member bandwidth, state, tags.
    pub port: Port,
    owner: String,
    mac_sec: bool,
    encryption_mode: Option<String>,
    minimum_links: i64,
    mac_sec_keys: Vec<Value>,
}

impl Lag {
    fn render(&self, state: &str, members: Vec<Value>) -> Value {
        let mut out = Map::new();
        let mut put = |k: &str, v: Value| {
            out.insert(k.to_owned(), v);
        };
        put("lagId", json!(self.port.id));
        put("lagName", json!(self.port.name));
        put("lagState", json!(state));
        put("ownerAccount", json!(self.owner));
        put("connectionsBandwidth", json!(self.port.bandwidth));
        put("numberOfConnections", json!(members.len()));
        put("minimumLinks", json!(self.minimum_links));
        put(
            "awsLogicalDeviceId",
            json!(ids::device(&self.port.location, "logical")),
        );
        put("allowsHostedConnections", json!(false));
        put("macSecCapable", json!(self.mac_sec));
        if let Some(mode) = &self.encryption_mode {
            put("encryptionMode", json!(mode));
        }
        if !self.mac_sec_keys.is_empty() {
            put("macSecKeys", Value::Array(self.mac_sec_keys.clone()));
        }
        put("connections", Value::Array(members));
        self.port.render_into(&mut out);
        Value::Object(out)
    }
}

tags_in_field!(Lag, port.tags);

/// The live members of the caller's LAG `lag`, rendered in their current state.
fn members(world: &World, account: &str, lag: &str, now: Duration) -> Vec<Value> {
    let delay = world.config.async_delay;
    world
        .account(account)
        .map(|a| {
            a.connections
                .iter()
                .filter(|c| !c.port.deleted && c.lag_id.as_deref() == Some(lag))
                .map(|c| c.render(c.current(now, delay)))
                .collect()
        })
        .unwrap_or_default()
}

/// The LAG in its current (or observed) state with its members.
fn render_lag(world: &mut World, call: &Call<'_>, id: &str, observe: bool) -> Outcome {
    let delay = world.config.async_delay;
    let lag = world.owned::<Lag>(call.account, id)?;
    let state = lag.port.state(call.now, delay, observe);
    let lag = lag.clone();
    let members = if lag.port.deleted {
        Vec::new()
    } else {
        members(world, call.account, id, call.now)
    };
    Ok(lag.render(state, members))
}

/// CreateLag: a `pending` LAG with `numberOfConnections` new `requested` members (or
/// an existing connection of the caller's moved into it).
fn create_lag(world: &mut World, call: &Call<'_>) -> Outcome {
    let code = call.required_string("location")?;
    let bandwidth = call.required_string("connectionsBandwidth")?;
    let name = call.required_string("lagName")?;
    let count = call.integer("numberOfConnections").unwrap_or(0);
    let location = locations::require(world.region(), code, "")?;
    require_dedicated_bandwidth(bandwidth, "a LAG")?;
    let limit = max_members(bandwidth);
    if count < 1 || count as usize > limit {
        return Err(ApiError::client(format!(
            "numberOfConnections {count} is not valid: a {bandwidth} LAG has 1 to {limit} connections"
        )));
    }
    let mac_sec = call.boolean("requestMACSec").unwrap_or(false);
    if mac_sec && !location.mac_sec_port_speeds.contains(&bandwidth) {
        return Err(ApiError::client(format!(
            "MACsec is not available at {} for {bandwidth} ports",
            location.code
        )));
    }
    let tags = Tags::from_request(call.list("tags"))?;
    let child_tags = Tags::from_request(call.list("childConnectionTags"))?;
    let existing = call.string("connectionId");
    let mut chain = LAG_CHAIN;
    if let Some(cid) = existing {
        let delay = world.config.async_delay;
        let c = world.owned::<Connection>(call.account, cid)?;
        chain = match c.current(call.now, delay) {
            "requested" => LAG_FROM_REQUESTED,
            "available" | "down" => LAG_AVAILABLE,
            _ => LAG_CHAIN,
        };
        if c.port.deleted || c.hosted.is_some() || c.lag_id.is_some() {
            return Err(ApiError::client(format!(
                "Connection {cid} cannot be added to a new LAG"
            )));
        }
        if c.port.location != location.code || c.port.bandwidth != bandwidth {
            return Err(ApiError::client(format!(
                "Connection {cid} must be at {} with bandwidth {bandwidth}",
                location.code
            )));
        }
    }
    let port = Port::new(world, call, "dxlag", chain, name, &location.code, bandwidth);
    let lag_id = port.id.clone();
    let new_members = count as usize - usize::from(existing.is_some());
    for i in 0..new_members {
        let member_name = format!("Requested Connection {} for Lag {lag_id}", i + 1);
        let member = Port::new(
            world,
            call,
            "dxcon",
            CHAIN,
            &member_name,
            &port.location,
            bandwidth,
        );
        let member = member.with_tags(child_tags.clone());
        let mut c = Connection::new(member, call.account, mac_sec);
        c.lag_id = Some(lag_id.clone());
        world
            .account_mut(call.account)
            .connections
            .insert(c.port.id.clone(), c);
    }
    if let Some(cid) = existing {
        world.owned::<Connection>(call.account, cid)?.lag_id = Some(lag_id.clone());
    }
    let lag = Lag {
        port: port.with_tags(tags),
        owner: call.account.to_owned(),
        mac_sec,
        encryption_mode: mac_sec.then(|| "no_encrypt".to_owned()),
        minimum_links: 0,
        mac_sec_keys: Vec::new(),
    };
    world
        .account_mut(call.account)
        .lags
        .insert(lag_id.clone(), lag);
    render_lag(world, call, &lag_id, false)
}

#[cfg(test)]
mod bundle_tests {
    use super::*;
    use crate::emulator::testing::{owned_connection, world, Calls};

    #[test]
    fn a_lag_around_an_existing_connection_starts_where_it_is() {
        let mut w = world();
        let c = owned_connection(&mut w);
        let out = w.ok("111111111111",
            "CreateLag",
            json!({"location":"EqDC2","connectionsBandwidth":"10Gbps","numberOfConnections":1, "lagName":"l","connectionId": c}),
        );
        assert_eq!(out["lagState"], "requested");
        assert_eq!(out["numberOfConnections"], 1);
        assert_eq!(out["connections"][0]["connectionId"], c);
        assert_eq!(out["connections"][0]["lagId"], out["lagId"]);
    }
}

/// DescribeLags: the caller's LAGs (paginated), or the one named.
fn describe_lags(world: &mut World, call: &Call<'_>) -> Outcome {
    if let Some(id) = call.string("lagId") {
        let lag = render_lag(world, call, id, true)?;
        return Ok(json!({"lags": [lag]}));
    }
    let ids: Vec<String> = world
        .account_mut(call.account)
        .lags
        .iter()
        .map(|l| l.port.id.clone())
        .collect();
    let (page, next) = super::paging::page(&ids, call)?;
    let mut listed = Vec::new();
    for id in page {
        listed.push(render_lag(world, call, id, true)?);
    }
    Ok(super::paging::answer("lags", listed, next))
}

/// UpdateLag: name, minimum links, encryption mode; answers the current state.
fn update_lag(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("lagId")?;
    let count = members(world, call.account, id, call.now).len() as i64;
    let lag = world.owned::<Lag>(call.account, id)?;
    lag.port.refuse_if_deleted("Lag", id, "updated")?;
    let links = call.integer("minimumLinks");
    if let Some(n) = links {
        if n < 0 || n > count {
            return Err(ApiError::client(format!(
                "minimumLinks {n} is not valid for a LAG with {count} connections"
            )));
        }
    }
    let mode = call.string("encryptionMode");
    if let Some(mode) = mode {
        if !lag.mac_sec {
            return Err(ApiError::client(format!(
                "Lag {id} is not MACsec capable, so its encryption mode cannot be set to {mode}"
            )));
        }
        if !["no_encrypt", "should_encrypt", "must_encrypt"].contains(&mode) {
            return Err(ApiError::client(format!(
                "Encryption mode {mode} is not valid"
            )));
        }
    }
    if let Some(name) = call.string("lagName") {
        lag.port.name = name.to_owned();
    }
    if let Some(n) = links {
        lag.minimum_links = n;
    }
    if let Some(mode) = mode {
        lag.encryption_mode = Some(mode.to_owned());
    }
    render_lag(world, call, id, false)
}

/// DeleteLag: `deleted` at once; its members become standalone connections.
fn delete_lag(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("lagId")?;
    let not_found = world.config.quirks.deleted_not_found;
    let lag = world.owned::<Lag>(call.account, id)?;
    lag.port
        .refuse_if_deleted("Lag", id, "deleted")
        .map_err(|e| e.gone_as_not_found(not_found, "Lag", id))?;
    lag.port.deleted = true;
    let lag = lag.clone();
    let account = world.account_mut(call.account);
    let ids: Vec<String> = account
        .connections
        .iter()
        .filter(|c| c.lag_id.as_deref() == Some(id))
        .map(|c| c.port.id.clone())
        .collect();
    for cid in ids {
        if let Some(c) = account.connections.get_mut(&cid) {
            c.lag_id = None;
        }
    }
    Ok(lag.render(
        super::progress::deletion_answer(world.ids.seed(id)),
        Vec::new(),
    ))
}

/// AssociateConnectionWithLag: the connection joins the LAG, keeping its state.
fn associate_connection_with_lag(world: &mut World, call: &Call<'_>) -> Outcome {
    let cid = call.required_string("connectionId")?;
    let lid = call.required_string("lagId")?;
    let delay = world.config.async_delay;
    let lag = world.owned::<Lag>(call.account, lid)?.clone();
    let count = members(world, call.account, lid, call.now).len();
    let c = world.owned::<Connection>(call.account, cid)?.clone();
    if c.port.deleted || lag.port.deleted {
        return Err(ApiError::client(format!(
            "Connection {cid} or Lag {lid} is deleted"
        )));
    }
    if c.hosted.is_some() {
        return Err(ApiError::client(format!(
            "Connection {cid} is a hosted connection and cannot join a LAG"
        )));
    }
    if c.port.location != lag.port.location
        || c.port.aws_device != lag.port.aws_device
        || c.port.bandwidth != lag.port.bandwidth
    {
        return Err(ApiError::client(format!(
            "Connection {cid} must be on the same AWS device as Lag {lid} with bandwidth {}",
            lag.port.bandwidth
        )));
    }
    if c.lag_id.as_deref() == Some(lid) {
        return Err(ApiError::client(format!(
            "Connection {cid} is already associated with Lag {lid}"
        )));
    }
    if count + 1 > max_members(&lag.port.bandwidth) {
        return Err(ApiError::client(format!(
            "Lag {lid} already has the most connections a {} LAG can have",
            lag.port.bandwidth
        )));
    }
    if let Some(old) = &c.lag_id {
        let left = members(world, call.account, old, call.now).len() as i64 - 1;
        let min = world
            .account(call.account)
            .and_then(|a| a.lags.get(old))
            .map_or(0, |l| l.minimum_links);
        if left < min {
            return Err(ApiError::client(format!(
                "Removing connection {cid} would leave Lag {old} below its minimum links"
            )));
        }
    }
    let c = world.owned::<Connection>(call.account, cid)?;
    c.lag_id = Some(lid.to_owned());
    Ok(c.render(c.current(call.now, delay)))
}

/// DisassociateConnectionFromLag: the member becomes a standalone connection.
fn disassociate_connection_from_lag(world: &mut World, call: &Call<'_>) -> Outcome {
    let cid = call.required_string("connectionId")?;
    let lid = call.required_string("lagId")?;
    let delay = world.config.async_delay;
    let lag = world.owned::<Lag>(call.account, lid)?.clone();
    let count = members(world, call.account, lid, call.now).len() as i64;
    let c = world.owned::<Connection>(call.account, cid)?;
    if lag.port.deleted {
        return Err(ApiError::client(format!("Lag {lid} is deleted")));
    }
    if c.lag_id.as_deref() != Some(lid) {
        return Err(ApiError::client(format!(
            "Connection {cid} is not associated with Lag {lid}"
        )));
    }
    // [api] "the request fails, except when it's the last member of the LAG".
    if count - 1 < lag.minimum_links && count > 1 {
        return Err(ApiError::client(format!(
            "Disassociating {cid} would leave Lag {lid} below its minimum links"
        )));
    }
    c.lag_id = None;
    Ok(c.render(c.current(call.now, delay)))
}

/// Where a MACsec key goes: a connection or interconnect (`dxcon-`) or a LAG (`dxlag-`).
enum MacSecPort<'w> {
    Connection(&'w mut Connection),
    Lag(&'w mut Lag),
}

fn port<'w>(world: &'w mut World, call: &Call<'_>, id: &str) -> Result<MacSecPort<'w>, ApiError> {
    if id.starts_with("dxlag-") {
        return world.owned::<Lag>(call.account, id).map(MacSecPort::Lag);
    }
    world
        .owned::<Connection>(call.account, id)
        .map(MacSecPort::Connection)
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// AssociateMacSecKey: a CKN/CAK pair (stored as a secret) or an existing secret.
fn associate_mac_sec_key(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let region = world.region().to_owned();
    let ckn = match (
        call.string("secretARN"),
        call.string("ckn"),
        call.string("cak"),
    ) {
        (Some(secret), None, None) => secret
            .rsplit_once('!')
            .map(|(_, name)| name.split('-').next().unwrap_or_default().to_owned())
            .filter(|c| is_hex(c))
            .ok_or_else(|| ApiError::client(format!("Secret {secret} was not found")))?,
        (None, Some(ckn), Some(cak)) => {
            if !is_hex(ckn)
                || ckn.len() % 2 != 0
                || ckn.len() > 64
                || !is_hex(cak)
                || cak.len() != 64
            {
                return Err(ApiError::client(
                    "The CKN must be an even number of hexadecimal digits up to 64, the CAK 64 hexadecimal digits",
                ));
            }
            ckn.to_owned()
        }
        _ => {
            return Err(ApiError::client(
                "Specify either secretARN, or both ckn and cak",
            ))
        }
    };
    let secret = format!(
        "arn:{}:secretsmanager:{region}:{}:secret:directconnect!{ckn}-{}",
        arn::partition(&region),
        call.account,
        &ids::device(&ckn, "secret")[ckn.len() + 1..][..6]
    );
    let key = json!({"secretARN": secret, "ckn": ckn, "state": "associated", "startOn": "2026-01-01T00:00:00Z"});
    let (capable, deleted, keys) = match port(world, call, id)? {
        MacSecPort::Connection(c) => (c.mac_sec, c.port.deleted, &mut c.mac_sec_keys),
        MacSecPort::Lag(l) => (l.mac_sec, l.port.deleted, &mut l.mac_sec_keys),
    };
    if deleted {
        return Err(ApiError::client(format!("{id} is deleted")));
    }
    if !capable {
        return Err(ApiError::client(format!(
            "{id} is not MACsec capable; MACsec keys cannot be associated with it"
        )));
    }
    if keys.iter().any(|k| k["ckn"] == json!(ckn)) {
        return Err(ApiError::client(format!(
            "A MACsec key with CKN {ckn} is already associated with {id}"
        )));
    }
    keys.push(key);
    Ok(json!({"connectionId": id, "macSecKeys": keys.clone()}))
}

/// DisassociateMacSecKey: removes the key named by its secret ARN.
fn disassociate_mac_sec_key(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let secret = call.required_string("secretARN")?;
    let keys = match port(world, call, id)? {
        MacSecPort::Connection(c) => &mut c.mac_sec_keys,
        MacSecPort::Lag(l) => &mut l.mac_sec_keys,
    };
    let Some(i) = keys.iter().position(|k| k["secretARN"] == json!(secret)) else {
        return Err(ApiError::client(format!(
            "No MACsec key with secret {secret} is associated with {id}"
        )));
    };
    let mut key = keys.remove(i);
    key["state"] = json!("disassociated");
    Ok(json!({"connectionId": id, "macSecKeys": [key]}))
}

/// The LOA of the caller's connection, interconnect or LAG `id`.
fn loa(world: &mut World, call: &Call<'_>, id: &str, lags: bool) -> Outcome {
    let account = world.account_mut(call.account);
    let deleted = if lags && id.starts_with("dxlag-") {
        account.lags.get(id).map(|l| l.port.deleted)
    } else {
        match account.connections.get(id) {
            Some(c) if c.hosted.is_some() => {
                return Err(ApiError::client(format!(
                    "Connection {id} is a hosted connection; its LOA is issued to the partner"
                )))
            }
            Some(c) => Some(c.port.deleted),
            None if lags => account.interconnects.get(id).map(|_| false),
            None => None,
        }
    };
    match deleted {
        None => Err(ApiError::not_found(
            if id.starts_with("dxlag-") {
                "Lag"
            } else {
                "Connection"
            },
            id,
        )),
        Some(true) => Err(ApiError::client(format!(
            "{id} is deleted; no LOA is available"
        ))),
        Some(false) => {
            if let Some(t) = call.string("loaContentType") {
                if t != "application/pdf" {
                    return Err(ApiError::client(format!(
                        "LOA content type {t} is not supported"
                    )));
                }
            }
            Ok(json!({"loaContent": LOA_PDF, "loaContentType": "application/pdf"}))
        }
    }
}

fn describe_loa(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    loa(world, call, id, true)
}

fn describe_connection_loa(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    Ok(json!({"loa": loa(world, call, id, false)?}))
}

/// DescribeCustomerMetadata: no agreements signed; not an NNI partner.
fn describe_customer_metadata(_world: &mut World, _call: &Call<'_>) -> Outcome {
    Ok(json!({"agreements": [], "nniPartnerType": "nonPartner"}))
}

/// ConfirmCustomerAgreement: [api] the answer's `status` is "either signed or
/// unsigned"; confirming signs it.
fn confirm_customer_agreement(_world: &mut World, _call: &Call<'_>) -> Outcome {
    Ok(json!({"status": "signed"}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{assert_says, world, Calls, OTHER, OWNER};

    fn lag(w: &mut World, n: i64, mac_sec: bool) -> Value {
        w.ok(OWNER,
            "CreateLag",
            json!({"location":"EqDC2","connectionsBandwidth":"10Gbps","numberOfConnections":n,"lagName":"l","requestMACSec":mac_sec}),
        )
    }

    /// A LAG with one member: the ids of the LAG and of its member connection.
    fn one_member_lag(w: &mut World) -> (Value, Value) {
        let out = lag(w, 1, false);
        (
            out["lagId"].clone(),
            out["connections"][0]["connectionId"].clone(),
        )
    }

    #[test]
    fn create_lag_answers_pending_with_requested_members() {
        let mut w = world();
        let out = lag(&mut w, 2, false);
        assert_eq!(out["lagState"], "pending");
        assert_eq!(out["numberOfConnections"], 2);
        let members = out["connections"].as_array().unwrap();
        assert_eq!(members.len(), 2);
        for m in members {
            assert_eq!(m["connectionState"], "requested");
            assert_eq!(m["lagId"], out["lagId"]);
        }
        let conns = w.ok(OWNER, "DescribeConnections", json!({}));
        assert_eq!(conns["connections"].as_array().unwrap().len(), 2);
        let err = w.refused(OWNER,
            "CreateLag",
            json!({"location":"EqDC2","connectionsBandwidth":"100Gbps","numberOfConnections":3,"lagName":"l"}),
        );
        assert_says(&err, "1 to 2");
        let other = w.ok(OTHER, "DescribeLags", json!({}));
        assert_eq!(other["lags"], json!([]));
    }

    #[test]
    fn members_move_in_and_out_and_survive_the_lag() {
        let mut w = world();
        let (lid, cid) = one_member_lag(&mut w);
        let body = json!({"connectionId": cid, "lagId": lid});
        let out = w.ok(OWNER, "DisassociateConnectionFromLag", body.clone());
        assert!(out.get("lagId").is_none());
        let empty = w.ok(OWNER, "DescribeLags", json!({"lagId": lid}));
        assert_eq!(empty["lags"][0]["numberOfConnections"], 0);
        let err = w.refused(OWNER, "DisassociateConnectionFromLag", body.clone());
        assert_says(&err, "not associated");
        let out = w.ok(OWNER, "AssociateConnectionWithLag", body.clone());
        assert_eq!(out["lagId"], lid);
        let err = w.refused(OTHER, "AssociateConnectionWithLag", body.clone());
        assert_says(&err, "Could not find");
        let renamed = w.ok(OWNER, "UpdateLag", json!({"lagId": lid, "lagName": "n"}));
        assert_eq!(renamed["lagName"], "n");
        let deleted = w.ok(OWNER, "DeleteLag", json!({"lagId": lid}));
        assert!(matches!(
            deleted["lagState"].as_str(),
            Some("deleting" | "deleted")
        ));
        let c = w.ok(OWNER, "DescribeConnections", json!({"connectionId": cid}));
        assert!(c["connections"][0].get("lagId").is_none());
        assert_ne!(c["connections"][0]["connectionState"], "deleted");
    }

    #[test]
    fn association_needs_the_same_endpoint_and_bandwidth() {
        let mut w = world();
        let lid = lag(&mut w, 1, false)["lagId"].clone();
        let other = w.ok(
            OWNER,
            "CreateConnection",
            json!({"location":"CSVA1","bandwidth":"10Gbps","connectionName":"c"}),
        );
        let err = w.refused(
            OWNER,
            "AssociateConnectionWithLag",
            json!({"connectionId": other["connectionId"], "lagId": lid}),
        );
        assert_says(&err, "same AWS device");
    }

    #[test]
    fn mac_sec_keys_on_a_capable_lag() {
        let mut w = world();
        let plain = lag(&mut w, 1, false)["lagId"].clone();
        let ckn = "ab".repeat(32);
        let cak = "cd".repeat(32);
        let err = w.refused(
            OWNER,
            "AssociateMacSecKey",
            json!({"connectionId": plain, "ckn": ckn, "cak": cak}),
        );
        assert_says(&err, "not MACsec capable");
        let secure = lag(&mut w, 1, true)["lagId"].clone();
        let out = w.ok(
            OWNER,
            "AssociateMacSecKey",
            json!({"connectionId": secure, "ckn": ckn, "cak": cak}),
        );
        assert_eq!(out["macSecKeys"][0]["ckn"], json!(ckn));
        let secret = out["macSecKeys"][0]["secretARN"].clone();
        let out = w.ok(
            OWNER,
            "DisassociateMacSecKey",
            json!({"connectionId": secure, "secretARN": secret}),
        );
        assert_eq!(out["macSecKeys"][0]["state"], "disassociated");
        let again = w.invoke(
            OWNER,
            "DisassociateMacSecKey",
            json!({"connectionId": secure, "secretARN": secret}),
        );
        assert!(again.is_err());
    }

    #[test]
    fn loas_and_metadata() {
        let mut w = world();
        let (lid, cid) = one_member_lag(&mut w);
        let l = w.ok(OWNER, "DescribeLoa", json!({"connectionId": lid}));
        assert_eq!(l["loaContentType"], "application/pdf");
        let c = w.ok(OWNER, "DescribeConnectionLoa", json!({"connectionId": cid}));
        assert_eq!(c["loa"]["loaContentType"], "application/pdf");
        w.refused(OTHER, "DescribeLoa", json!({"connectionId": lid}));
        let m = w.ok(OWNER, "DescribeCustomerMetadata", json!({}));
        assert_eq!(m["nniPartnerType"], "nonPartner");
    }
}
