//! Interconnects and hosted connections: CreateInterconnect, DescribeInterconnects,
//! DeleteInterconnect, DescribeInterconnectLoa, DescribeConnectionsOnInterconnect,
//! AllocateHostedConnection, AllocateConnectionOnInterconnect, DescribeHostedConnections,
//! ConfirmConnection, AssociateHostedConnection.
//!
//! Lifecycle (LIFECYCLE.md, API reference): an interconnect is `requested` ⇢ `pending` ⇢
//! `available` (observation-driven, like connections) and `deleted` at once. A hosted
//! connection belongs to the account it was allocated for (it shows in that account's
//! DescribeConnections) and stays `ordering` until that account confirms it
//! (ConfirmConnection → `pending` ⇢ `available`); its owner deleting it while
//! `ordering` leaves it `rejected`. The allocating partner sees it through
//! DescribeHostedConnections on its interconnect.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::connections::{Connection, Hosted};
use super::dispatch::{Call, Handler, Outcome};
use super::port::{DedicatedRequest, Port, CHAIN};
use super::store::{describe, Observed};
use super::tags::{tags_in_field, Tags};
use super::{ids, paging, ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateInterconnect", create_interconnect),
    ("DescribeInterconnects", describe::<Interconnect>),
    ("DeleteInterconnect", delete_interconnect),
    ("DescribeInterconnectLoa", describe_interconnect_loa),
    (
        "DescribeConnectionsOnInterconnect",
        describe_connections_on_interconnect,
    ),
    ("AllocateHostedConnection", allocate_hosted_connection),
    (
        "AllocateConnectionOnInterconnect",
        allocate_connection_on_interconnect,
    ),
    ("DescribeHostedConnections", describe_hosted_connections),
    ("ConfirmConnection", confirm_connection),
    ("AssociateHostedConnection", associate_hosted_connection),
];

/// Hosted connection speeds (LIFECYCLE.md).
const HOSTED_BANDWIDTHS: &[&str] = &[
    "50Mbps", "100Mbps", "200Mbps", "300Mbps", "400Mbps", "500Mbps", "1Gbps", "2Gbps", "5Gbps",
    "10Gbps", "25Gbps",
];

/// A hosted connection waits in `ordering` until confirmed.
const ORDERING: &[&str] = &["ordering"];
/// After ConfirmConnection.
const CONFIRMED: &[&str] = &["pending", "available"];
/// A confirmed hosted connection that goes down instead (`Quirks::hosted_down_one_in`).
const CONFIRMED_DOWN: &[&str] = &["pending", "down"];

/// How CreateInterconnect names its port (no hint after an unknown location).
const INTERCONNECT_PORT: DedicatedRequest = DedicatedRequest {
    name_field: "interconnectName",
    what: "an interconnect",
    location_hint: "",
};

/// A one-page PDF stand-in for an LOA-CFA, base64 (the `loaContent` blob).
pub(super) const LOA_PDF: &str = "JVBERi0xLjQKJSBkeGNvbmZvcm0gTE9BLUNGQQolJUVPRgo=";

/// An interconnect.
#[derive(Debug, Clone)]
pub(super) struct Interconnect {
    /// Its id (`dxcon-`), device, bandwidth, state, tags.
    pub port: Port,
}

impl Interconnect {
    fn render(&self, state: &str) -> Value {
        let mut out = Map::new();
        out.insert("interconnectId".into(), json!(self.port.id));
        out.insert("interconnectName".into(), json!(self.port.name));
        out.insert("interconnectState".into(), json!(state));
        out.insert("bandwidth".into(), json!(self.port.bandwidth));
        self.port.render_into(&mut out);
        Value::Object(out)
    }
}

tags_in_field!(Interconnect, port.tags);

impl Observed for Interconnect {
    fn observed(&mut self, now: Duration, delay: Duration) -> Value {
        let state = self.port.state(now, delay, true);
        self.render(state)
    }
}

/// Megabits per second of `50Mbps`, `10Gbps`, ….
fn mbps(bandwidth: &str) -> Option<u64> {
    match bandwidth.strip_suffix("Gbps") {
        Some(g) => g.parse::<u64>().ok().map(|g| g * 1000),
        None => bandwidth.strip_suffix("Mbps")?.parse().ok(),
    }
}

/// CreateInterconnect: a new interconnect in state `requested`.
fn create_interconnect(world: &mut World, call: &Call<'_>) -> Outcome {
    let port = Port::create_dedicated(world, call, INTERCONNECT_PORT)?;
    let interconnect = Interconnect { port };
    let out = interconnect.render(CHAIN[0]);
    world
        .account_mut(call.account)
        .interconnects
        .insert(interconnect.port.id.clone(), interconnect);
    Ok(out)
}

/// Every account's hosted connections on `parent` allocated by `allocator`, as
/// (account, connection id), in account then creation order.
fn hosted_on(world: &World, parent: &str, allocator: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for account in world.account_ids() {
        if let Some(a) = world.account(&account) {
            for c in a.connections.iter() {
                if c.hosted
                    .as_ref()
                    .is_some_and(|h| h.parent == parent && h.allocator == allocator)
                {
                    out.push((account.clone(), c.port.id.clone()));
                }
            }
        }
    }
    out
}

/// DeleteInterconnect: `deleted` at once; refused while it hosts live connections.
fn delete_interconnect(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("interconnectId")?;
    let not_found = world.config.quirks.deleted_not_found;
    world
        .owned::<Interconnect>(call.account, id)?
        .port
        .refuse_if_deleted("Interconnect", id, "deleted")
        .map_err(|e| e.gone_as_not_found(not_found, "Interconnect", id))?;
    let live = hosted_on(world, id, call.account)
        .into_iter()
        .any(|(a, c)| {
            world
                .account(&a)
                .and_then(|acc| acc.connections.get(&c))
                .is_some_and(|c| !c.port.deleted)
        });
    if live {
        return Err(ApiError::client(format!(
            "Interconnect {id} still hosts connections; delete them first"
        )));
    }
    world.owned::<Interconnect>(call.account, id)?.port.deleted = true;
    Ok(json!({"interconnectState": super::progress::deletion_answer(world.ids.seed(id))}))
}

/// DescribeInterconnectLoa: the LOA-CFA of one of the caller's interconnects.
fn describe_interconnect_loa(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("interconnectId")?;
    if world.owned::<Interconnect>(call.account, id)?.port.deleted {
        return Err(ApiError::client(format!(
            "Interconnect {id} is deleted; no LOA is available"
        )));
    }
    Ok(json!({"loa": {"loaContent": LOA_PDF, "loaContentType": "application/pdf"}}))
}

/// The hosted connections on the caller's interconnect `parent` (paginated).
fn list_hosted(world: &mut World, call: &Call<'_>, parent: &str) -> Outcome {
    world.owned::<Interconnect>(call.account, parent)?;
    let delay = world.config.async_delay;
    let all = hosted_on(world, parent, call.account);
    let (page, next) = paging::page(&all, call)?;
    let mut listed = Vec::new();
    for (account, id) in page {
        if let Some(c) = world.account_mut(account).connections.get_mut(id) {
            listed.push(c.observed(call.now, delay));
        }
    }
    Ok(paging::answer("connections", listed, next))
}

fn describe_connections_on_interconnect(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("interconnectId")?;
    list_hosted(world, call, id)
}

fn describe_hosted_connections(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    if id.starts_with("dxlag-") {
        // The reference target allocates hosted connections on interconnects only.
        world
            .account_mut(call.account)
            .lags
            .get(id)
            .ok_or_else(|| ApiError::not_found("Lag", id))?;
        return Ok(json!({"connections": []}));
    }
    list_hosted(world, call, id)
}

/// A VLAN already used by a live hosted connection on `parent`.
fn vlan_taken(world: &World, parent: &str, allocator: &str, vlan: i64, except: &str) -> bool {
    hosted_on(world, parent, allocator)
        .into_iter()
        .any(|(a, c)| {
            c != except
                && world
                    .account(&a)
                    .and_then(|acc| acc.connections.get(&c))
                    .is_some_and(|c| {
                        !c.port.deleted && c.hosted.as_ref().is_some_and(|h| h.vlan == vlan)
                    })
        })
}

/// Hosted connections go on interconnects only: a parent LAG of the caller's is
/// refused (another account's is not found).
fn refuse_lag_parent(world: &mut World, call: &Call<'_>, parent: &str) -> Result<(), ApiError> {
    if !parent.starts_with("dxlag-") {
        return Ok(());
    }
    world
        .account_mut(call.account)
        .lags
        .require_mut("Lag", parent)?;
    Err(ApiError::client(format!(
        "Lag {parent} does not allow hosted connections"
    )))
}

/// AllocateHostedConnection / AllocateConnectionOnInterconnect on interconnect `parent`.
fn allocate(world: &mut World, call: &Call<'_>, parent: &str) -> Outcome {
    let owner = call.required_string("ownerAccount")?;
    let bandwidth = call.required_string("bandwidth")?;
    let name = call.required_string("connectionName")?;
    let vlan = call.integer("vlan").unwrap_or(0);
    refuse_lag_parent(world, call, parent)?;
    let ic = world.owned::<Interconnect>(call.account, parent)?.clone();
    if ic.port.deleted {
        return Err(ApiError::client(format!(
            "Interconnect {parent} is deleted and cannot host connections"
        )));
    }
    if owner.len() != 12 || !owner.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::client(format!(
            "Account {owner} is not a valid account id"
        )));
    }
    if !HOSTED_BANDWIDTHS.contains(&bandwidth) {
        return Err(ApiError::client(format!(
            "Bandwidth {bandwidth} is not valid for a hosted connection. Valid values: {}",
            HOSTED_BANDWIDTHS.join(", ")
        )));
    }
    if mbps(bandwidth) > mbps(&ic.port.bandwidth) {
        return Err(ApiError::client(format!(
            "Bandwidth {bandwidth} exceeds the {} of interconnect {parent}",
            ic.port.bandwidth
        )));
    }
    if !(1..=4094).contains(&vlan) {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is not within 1-4094"
        )));
    }
    if vlan_taken(world, parent, call.account, vlan, "") {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is already in use on interconnect {parent}"
        )));
    }
    let tags = Tags::from_request(call.list("tags"))?;
    // On the interconnect's device: the one port device of its location.
    let location = &ic.port.location;
    let port = Port::new(world, call, "dxcon", ORDERING, name, location, bandwidth);
    let mut connection = Connection::new(port.with_tags(tags), owner, false);
    connection.hosted = Some(Hosted {
        parent: parent.to_owned(),
        allocator: call.account.to_owned(),
        vlan,
    });
    let out = connection.render(ORDERING[0]);
    world
        .account_mut(owner)
        .connections
        .insert(connection.port.id.clone(), connection);
    Ok(out)
}

fn allocate_hosted_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let parent = call.required_string("connectionId")?;
    allocate(world, call, parent)
}

fn allocate_connection_on_interconnect(world: &mut World, call: &Call<'_>) -> Outcome {
    let parent = call.required_string("interconnectId")?;
    allocate(world, call, parent)
}

/// ConfirmConnection: the owner accepts a hosted connection in `ordering`.
fn confirm_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let delay = world.config.async_delay;
    let quirks = world.config.quirks.clone();
    let seed = ids::seed(&world.ids.canonical(id));
    let c = world.owned::<Connection>(call.account, id)?;
    let state = c.current(call.now, delay);
    if c.hosted.is_none() || state != "ordering" {
        if quirks.confirm_names_state {
            // aws-sdk-go #2717: "ConfirmConnection failed. dxcon-… is in state requested".
            return Err(ApiError::client(format!(
                "ConfirmConnection failed. {id} is in state {state}"
            ))
            .by_quirk(super::profile::played::CONFIRM_NAMES_STATE));
        }
        return Err(ApiError::client(format!(
            "Connection {id} is in the {state} state; only a hosted connection in the ordering state can be confirmed"
        )));
    }
    // terraform-provider-aws #26565: a confirmed hosted connection can go `down`.
    let goes_down = quirks.hosted_goes_down(seed);
    let chain = if goes_down { CONFIRMED_DOWN } else { CONFIRMED };
    c.port.progress.restart(chain, call.now);
    if goes_down {
        world.played.add(super::profile::played::HOSTED_DOWN);
    }
    Ok(json!({"connectionState": CONFIRMED[0]}))
}

/// AssociateHostedConnection: the partner moves a hosted connection it allocated to
/// another of its interconnects; the connection keeps its state.
fn associate_hosted_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let parent = call.required_string("parentConnectionId")?;
    let delay = world.config.async_delay;
    refuse_lag_parent(world, call, parent)?;
    let ic = world.owned::<Interconnect>(call.account, parent)?.clone();
    let found = world.account_ids().into_iter().find(|a| {
        world
            .account(a)
            .and_then(|acc| acc.connections.get(id))
            .and_then(|c| c.hosted.as_ref())
            .is_some_and(|h| h.allocator == call.account)
    });
    let Some(account) = found else {
        return Err(ApiError::not_found("Connection", id));
    };
    let (deleted, vlan, current) = {
        let c = world
            .account(&account)
            .and_then(|acc| acc.connections.get(id))
            .ok_or_else(|| ApiError::not_found("Connection", id))?;
        let h = c.hosted.as_ref().map(|h| (h.vlan, h.parent.clone()));
        (c.port.deleted, h, c.current(call.now, delay))
    };
    let Some((vlan, current_parent)) = vlan else {
        return Err(ApiError::not_found("Connection", id));
    };
    if deleted || ic.port.deleted {
        return Err(ApiError::client(format!(
            "Connection {id} or interconnect {parent} is deleted"
        )));
    }
    if current_parent == parent {
        return Err(ApiError::client(format!(
            "Connection {id} is already associated with {parent}"
        )));
    }
    if vlan_taken(world, parent, call.account, vlan, id) {
        return Err(ApiError::client(format!(
            "VLAN {vlan} is already in use on interconnect {parent}"
        )));
    }
    let c = world
        .account_mut(&account)
        .connections
        .require_mut("Connection", id)?;
    if let Some(h) = c.hosted.as_mut() {
        h.parent = parent.to_owned();
    }
    c.port.location = ic.port.location.clone();
    c.port.aws_device = ic.port.aws_device.clone();
    Ok(c.render(current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{assert_says, world, Calls, OWNER, PARTNER};

    fn interconnect(w: &mut World) -> String {
        let out = w.ok(
            PARTNER,
            "CreateInterconnect",
            json!({"location":"EqDC2","bandwidth":"10Gbps","interconnectName":"ic"}),
        );
        assert_eq!(out["interconnectState"], "requested");
        out["interconnectId"].as_str().unwrap().to_owned()
    }

    fn allocate_for_owner(w: &mut World, ic: &str, vlan: i64) -> Outcome {
        w.invoke(PARTNER,
            "AllocateHostedConnection",
            json!({"connectionId": ic, "ownerAccount": OWNER, "bandwidth":"500Mbps","connectionName":"h","vlan": vlan}),
        )
    }

    #[test]
    fn hosted_connection_ordering_confirm_available() {
        let mut w = world();
        let ic = interconnect(&mut w);
        let out = allocate_for_owner(&mut w, &ic, 100).unwrap();
        assert_eq!(out["connectionState"], "ordering");
        assert_eq!(out["ownerAccount"], OWNER);
        assert_eq!(out["vlan"], 100);
        assert_eq!(out["location"], "EqDC2");
        let id = out["connectionId"].clone();
        // The owner sees it in its connections; the partner through its interconnect.
        let own = w.ok(OWNER, "DescribeConnections", json!({}));
        assert_eq!(own["connections"][0]["connectionId"], id);
        let partner = w.ok(PARTNER, "DescribeConnections", json!({}));
        assert_eq!(partner["connections"], json!([]));
        let hosted = w.ok(
            PARTNER,
            "DescribeHostedConnections",
            json!({"connectionId": ic}),
        );
        assert_eq!(hosted["connections"][0]["connectionState"], "ordering");
        // Only the owner confirms.
        let err = w.refused(PARTNER, "ConfirmConnection", json!({"connectionId": id}));
        assert_says(&err, "Could not find Connection");
        let confirmed = w.ok(OWNER, "ConfirmConnection", json!({"connectionId": id}));
        assert_eq!(confirmed, json!({"connectionState":"pending"}));
        let again = w.refused(OWNER, "ConfirmConnection", json!({"connectionId": id}));
        assert_says(&again, "ordering");
        let seen = w.ok(OWNER, "DescribeConnections", json!({"connectionId": id}));
        let state = seen["connections"][0]["connectionState"].as_str().unwrap();
        assert!(state == "available" || state == "down", "{state}");
    }

    #[test]
    fn deleting_an_ordering_hosted_connection_rejects_it_and_frees_the_interconnect() {
        let mut w = world();
        let ic = interconnect(&mut w);
        let id = allocate_for_owner(&mut w, &ic, 5).unwrap()["connectionId"].clone();
        let err = allocate_for_owner(&mut w, &ic, 5).unwrap_err();
        assert_says(&err, "VLAN 5");
        let busy = w.refused(PARTNER, "DeleteInterconnect", json!({"interconnectId": ic}));
        assert_says(&busy, "hosts connections");
        let out = w.ok(OWNER, "DeleteConnection", json!({"connectionId": id}));
        assert_eq!(out["connectionState"], "rejected");
        let out = w.ok(PARTNER, "DeleteInterconnect", json!({"interconnectId": ic}));
        assert!(matches!(
            out["interconnectState"].as_str(),
            Some("deleting" | "deleted")
        ));
    }

    #[test]
    fn allocation_rules() {
        let mut w = world();
        let ic = interconnect(&mut w);
        for (body, needle) in [
            (
                json!({"connectionId": ic, "ownerAccount": OWNER, "bandwidth":"25Gbps","connectionName":"h","vlan":1}),
                "exceeds",
            ),
            (
                json!({"connectionId": ic, "ownerAccount": OWNER, "bandwidth":"3Gbps","connectionName":"h","vlan":1}),
                "not valid",
            ),
            (
                json!({"connectionId": "dxcon-zzzzzzzz", "ownerAccount": OWNER, "bandwidth":"1Gbps","connectionName":"h","vlan":1}),
                "Could not find",
            ),
        ] {
            let err = w.refused(PARTNER, "AllocateHostedConnection", body);
            assert_says(&err, needle);
        }
        let err = w.refused(OWNER,
            "AllocateConnectionOnInterconnect",
            json!({"interconnectId": ic, "ownerAccount": OWNER, "bandwidth":"1Gbps","connectionName":"h","vlan":1}),
        );
        assert_says(&err, "Could not find Interconnect");
    }

    #[test]
    fn associate_moves_a_hosted_connection_keeping_its_state() {
        let mut w = world();
        let a = interconnect(&mut w);
        let b = interconnect(&mut w);
        let id = allocate_for_owner(&mut w, &a, 9).unwrap()["connectionId"].clone();
        let move_to_b = json!({"connectionId": id, "parentConnectionId": b});
        let out = w.ok(PARTNER, "AssociateHostedConnection", move_to_b.clone());
        assert_eq!(out["connectionState"], "ordering");
        let on_b = w.ok(
            PARTNER,
            "DescribeConnectionsOnInterconnect",
            json!({"interconnectId": b}),
        );
        assert_eq!(on_b["connections"][0]["connectionId"], id);
        let err = w.refused(OWNER, "AssociateHostedConnection", move_to_b);
        assert_says(&err, "Could not find");
        let loa = w.ok(
            PARTNER,
            "DescribeInterconnectLoa",
            json!({"interconnectId": a}),
        );
        assert_eq!(loa["loa"]["loaContentType"], "application/pdf");
    }

    #[test]
    fn with_the_quirks_a_confirm_names_the_state_and_one_in_n_hosted_connections_goes_down() {
        let quirks = crate::emulator::Quirks {
            confirm_names_state: true,
            hosted_down_one_in: 2,
            ..Default::default()
        };
        let mut w = World::new(crate::emulator::EmulatorConfig {
            quirks,
            ..Default::default()
        });
        // aws-sdk-go #2717: a dedicated connection still `requested` cannot be confirmed.
        let dedicated = w.ok(
            OWNER,
            "CreateConnection",
            json!({"location":"EqDC2","bandwidth":"10Gbps","connectionName":"d"}),
        )["connectionId"]
            .clone();
        let err = w.refused(
            OWNER,
            "ConfirmConnection",
            json!({"connectionId": dedicated}),
        );
        assert_eq!(
            err.message,
            format!(
                "ConfirmConnection failed. {} is in state requested",
                dedicated.as_str().unwrap()
            )
        );
        // #26565: of the confirmed hosted connections, those the quirk picks end `down`.
        let ic = interconnect(&mut w);
        let mut ends = Vec::new();
        for vlan in 1..=6 {
            let id = allocate_for_owner(&mut w, &ic, vlan).unwrap()["connectionId"].clone();
            assert_eq!(
                w.ok(OWNER, "ConfirmConnection", json!({"connectionId": id}))["connectionState"],
                "pending"
            );
            let seen = w.ok(OWNER, "DescribeConnections", json!({"connectionId": id}));
            ends.push(seen["connections"][0]["connectionState"].clone());
        }
        assert!(ends.contains(&json!("down")), "{ends:?}");
        assert!(ends.contains(&json!("available")), "{ends:?}");
        // The faithful detour (pending ⇢ down ⇢ available) also shows `down` at times:
        // the tally counts only the connections the quirk sent down for good.
        let down = ends.iter().filter(|s| *s == "down").count() as u64;
        let played = w.played.counts()["hosted-connection-down"];
        assert!((1..=down).contains(&played), "{played} of {ends:?}");
    }
}
