//! Dedicated connections: CreateConnection, DescribeConnections, UpdateConnection,
//! DeleteConnection, UpdateConnectionsBillingMode.
//!
//! Lifecycle (LIFECYCLE.md): CreateConnection answers `requested`; the state is then
//! computed on each observation from the monotonic clock: `requested` until
//! created + delay, `pending` until created + 2·delay, then `available`. It never
//! moves backwards. DeleteConnection answers `deleted` at once (as AWS's published
//! outputs show); deleted connections stay visible to their owner as `deleted`.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::dispatch::{Call, Handler, Outcome};
use super::port::{DedicatedRequest, Port};
use super::store::{describe, Observed};
use super::tags::tags_in_field;
use super::{ids, ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateConnection", create_connection),
    ("DescribeConnections", describe::<Connection>),
    ("UpdateConnection", update_connection),
    ("DeleteConnection", delete_connection),
    ("UpdateConnectionsBillingMode", update_billing_mode),
];

/// How CreateConnection names its port.
const CONNECTION_PORT: DedicatedRequest = DedicatedRequest {
    name_field: "connectionName",
    what: "a dedicated connection",
    location_hint: "Use DescribeLocations to list the valid locations.",
};

/// MACsec encryption modes (the model types `encryptionMode` as a plain string;
/// the API reference lists these values).
const ENCRYPTION_MODES: &[&str] = &["no_encrypt", "should_encrypt", "must_encrypt"];

/// A dedicated connection.
#[derive(Debug, Clone)]
pub(super) struct Connection {
    /// Its id (`dxcon-`), name, device, bandwidth, state, tags.
    pub port: Port,
    pub(super) owner: String,
    aws_logical_device: String,
    pub(super) mac_sec: bool,
    encryption_mode: Option<String>,
    provider_name: Option<String>,
    pub(super) billing_mode: Option<String>,
    /// The LAG this connection is a member of.
    pub(super) lag_id: Option<String>,
    /// For a hosted connection: where it is hosted and by whom.
    pub(super) hosted: Option<Hosted>,
    /// A hosted connection its owner deleted while `ordering` [api: "rejected"].
    pub(super) rejected: bool,
    /// MACsec keys associated with the connection.
    pub(super) mac_sec_keys: Vec<Value>,
}

/// What makes a connection hosted: the interconnect it is on, the partner account
/// that allocated it, and its VLAN.
#[derive(Debug, Clone)]
pub(super) struct Hosted {
    /// The interconnect id.
    pub parent: String,
    /// The allocating partner's account.
    pub allocator: String,
    /// The VLAN.
    pub vlan: i64,
}

impl Connection {
    /// A connection of `owner` on `port`, with no provider or billing mode, not in a
    /// LAG, not hosted.
    pub(super) fn new(port: Port, owner: &str, mac_sec: bool) -> Connection {
        Connection {
            aws_logical_device: ids::device(&port.location, "logical"),
            port,
            owner: owner.to_owned(),
            mac_sec,
            encryption_mode: mac_sec.then(|| "no_encrypt".to_owned()),
            provider_name: None,
            billing_mode: None,
            lag_id: None,
            hosted: None,
            rejected: false,
            mac_sec_keys: Vec::new(),
        }
    }
}

impl Connection {
    /// The state a Describe reports (advancing it in observation-driven mode).
    pub(super) fn observe(&mut self, now: Duration, delay: Duration) -> &'static str {
        if self.port.deleted {
            return if self.rejected { "rejected" } else { "deleted" };
        }
        self.port.progress.observe(now, delay, true)
    }

    /// The location code (virtual interfaces report their connection's).
    pub(super) fn location(&self) -> &str {
        &self.port.location
    }

    /// The current state, as a write answers it.
    pub(super) fn current(&self, now: Duration, delay: Duration) -> &'static str {
        if self.port.deleted {
            return if self.rejected { "rejected" } else { "deleted" };
        }
        self.port.progress.current(now, delay)
    }

    /// The `Connection` document in state `state`.
    pub(super) fn render(&self, state: &str) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_owned(), value);
        };
        put("ownerAccount", json!(self.owner));
        put("connectionId", json!(self.port.id));
        put("connectionName", json!(self.port.name));
        put("connectionState", json!(state));
        put("bandwidth", json!(self.port.bandwidth));
        put("awsLogicalDeviceId", json!(self.aws_logical_device));
        put("macSecCapable", json!(self.mac_sec));
        if self.mac_sec {
            put(
                "encryptionMode",
                json!(self.encryption_mode.as_deref().unwrap_or("no_encrypt")),
            );
            // No MACsec key is associated yet, so the port is not encrypting.
            put("portEncryptionStatus", json!("Encryption Down"));
        }
        if let Some(lag) = &self.lag_id {
            put("lagId", json!(lag));
        }
        if let Some(hosted) = &self.hosted {
            put("vlan", json!(hosted.vlan));
            // [api] Connection.partnerName: "The name of the Direct Connect service
            // provider associated with the connection" (here: the allocating account).
            put("partnerName", json!(hosted.allocator));
        }
        if !self.mac_sec_keys.is_empty() {
            put("macSecKeys", Value::Array(self.mac_sec_keys.clone()));
        }
        if let Some(provider) = &self.provider_name {
            put("providerName", json!(provider));
        }
        if let Some(mode) = &self.billing_mode {
            put("billingMode", json!(mode));
        }
        self.port.render_into(&mut out);
        Value::Object(out)
    }
}

tags_in_field!(Connection, port.tags);

impl Observed for Connection {
    fn observed(&mut self, now: Duration, delay: Duration) -> Value {
        let state = self.observe(now, delay);
        self.render(state)
    }
}

/// CreateConnection: a new dedicated connection in state `requested`.
fn create_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let port = Port::create_dedicated(world, call, CONNECTION_PORT)?;
    let mac_sec = call.boolean("requestMACSec").unwrap_or(false);
    let mut connection = Connection::new(port, call.account, mac_sec);
    connection.provider_name = call.string("providerName").map(str::to_owned);
    connection.billing_mode = call.string("billingMode").map(str::to_owned);
    let output = connection.render(connection.current(call.now, world.config.async_delay));
    world
        .account_mut(call.account)
        .connections
        .insert(connection.port.id.clone(), connection);
    Ok(output)
}

/// UpdateConnection: rename, or change the MACsec encryption mode; answers the
/// connection in its current state.
fn update_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let delay = world.config.async_delay;
    let connection = world.owned::<Connection>(call.account, id)?;
    connection
        .port
        .refuse_if_deleted("Connection", id, "updated")?;
    let mode = call.string("encryptionMode");
    if let Some(mode) = mode {
        if !ENCRYPTION_MODES.contains(&mode) {
            return Err(ApiError::client(format!(
                "Encryption mode {mode} is not valid. Valid values: {}",
                ENCRYPTION_MODES.join(", ")
            )));
        }
        if !connection.mac_sec {
            return Err(ApiError::client(format!(
                "Connection {id} is not MACsec capable, so its encryption mode cannot be set"
            )));
        }
    }
    if let Some(name) = call.string("connectionName") {
        connection.port.name = name.to_owned();
    }
    if let Some(mode) = mode {
        connection.encryption_mode = Some(mode.to_owned());
    }
    Ok(connection.render(connection.current(call.now, delay)))
}

/// UpdateConnectionsBillingMode: [api] "Updates the billing mode for the specified
/// Direct Connect connections", answering them with the mode applied. Every connection
/// must be the caller's and not deleted; the update is all or nothing (as the
/// resiliency-group calls document theirs; not documented here).
fn update_billing_mode(world: &mut World, call: &Call<'_>) -> Outcome {
    let mode = call.required_string("billingMode")?;
    let delay = world.config.async_delay;
    let ids = call.strings("connectionIds");
    let account = world.account_mut(call.account);
    for id in &ids {
        account
            .connections
            .require_mut("Connection", id)?
            .port
            .refuse_if_deleted("Connection", id, "updated")?;
    }
    let mut connections = Vec::new();
    for id in ids {
        let connection = account.connections.require_mut("Connection", id)?;
        connection.billing_mode = Some(mode.to_owned());
        connections.push(connection.render(connection.current(call.now, delay)));
    }
    Ok(json!({ "billingMode": mode, "connections": connections }))
}

/// DeleteConnection: the connection is `deleted` at once.
fn delete_connection(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("connectionId")?;
    let delay = world.config.async_delay;
    let canonical = world.ids.canonical(id);
    let not_found = world.config.quirks.deleted_not_found;
    let connection = world.owned::<Connection>(call.account, id)?;
    connection
        .port
        .refuse_if_deleted("Connection", id, "deleted")
        .map_err(|e| e.gone_as_not_found(not_found, "Connection", id))?;
    // [api] "rejected: a hosted connection in the ordering state enters the rejected
    // state if it is deleted by the customer".
    let ordering = connection.hosted.is_some() && connection.current(call.now, delay) == "ordering";
    connection.port.deleted = true;
    connection.rejected = ordering;
    let answer = if ordering {
        "rejected"
    } else {
        super::progress::deletion_answer(ids::seed(&canonical))
    };
    Ok(connection.render(answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{
        assert_says, world, Calls, CONNECTION_STATES_SAMPLED_TWICE, OTHER, OWNER,
    };
    use crate::emulator::EmulatorConfig;
    use regex::Regex;

    fn create(world: &mut World, body: Value) -> Outcome {
        world.invoke(OWNER, "CreateConnection", body)
    }

    fn basic() -> Value {
        json!({"location":"EqDC2","bandwidth":"10Gbps","connectionName":"primary"})
    }

    #[test]
    fn create_answers_a_requested_connection() {
        let mut w = world();
        let out = create(&mut w, basic()).unwrap();
        let id = out["connectionId"].as_str().unwrap();
        assert!(
            Regex::new("^dxcon-[a-z0-9]{8}$").unwrap().is_match(id),
            "{id}"
        );
        assert_eq!(out["connectionState"], "requested");
        assert_eq!(out["ownerAccount"], OWNER);
        assert_eq!(out["region"], "us-east-1");
        assert_eq!(out["location"], "EqDC2");
        assert_eq!(out["bandwidth"], "10Gbps");
        assert_eq!(out["jumboFrameCapable"], false);
        assert_eq!(out["hasLogicalRedundancy"], "unknown");
        assert_eq!(out["macSecCapable"], false);
        assert!(out["awsDevice"].as_str().unwrap().starts_with("EqDC2-"));
        for absent in [
            "encryptionMode",
            "portEncryptionStatus",
            "tags",
            "providerName",
            "lagId",
        ] {
            assert!(out.get(absent).is_none(), "{absent} should be omitted");
        }
    }

    #[test]
    fn create_with_macsec_tags_and_provider() {
        let mut w = world();
        let out = create(
            &mut w,
            json!({"location":"CSVA1","bandwidth":"100Gbps","connectionName":"m","requestMACSec":true,
                   "providerName":"Example","tags":[{"key":"env","value":"test"}]}),
        )
        .unwrap();
        assert_eq!(out["macSecCapable"], true);
        assert_eq!(out["encryptionMode"], "no_encrypt");
        assert_eq!(out["portEncryptionStatus"], "Encryption Down");
        assert_eq!(out["providerName"], "Example");
        assert_eq!(out["tags"], json!([{"key":"env","value":"test"}]));
    }

    #[test]
    fn create_rejections() {
        let mut w = world();
        for (body, needle) in [
            (
                json!({"location":"Nowhere","bandwidth":"1Gbps","connectionName":"a"}),
                "Location Nowhere",
            ),
            (
                json!({"location":"EqDC2","bandwidth":"50Mbps","connectionName":"a"}),
                "Bandwidth 50Mbps",
            ),
            (
                json!({"location":"EqDC2","bandwidth":"2Gbps","connectionName":"a"}),
                "Bandwidth 2Gbps",
            ),
            (
                json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","lagId":"dxlag-ab12cd34"}),
                "Could not find Lag with ID dxlag-ab12cd34",
            ),
        ] {
            let err = create(&mut w, body).unwrap_err();
            assert_eq!(err.error_type, "DirectConnectClientException");
            assert_says(&err, needle);
        }
        let dup = json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","tags":[{"key":"k"},{"key":"k"}]});
        assert_eq!(
            create(&mut w, dup).unwrap_err().error_type,
            "DuplicateTagKeysException"
        );
        let tags: Vec<Value> = (0..51).map(|i| json!({"key": format!("k{i}")})).collect();
        let many =
            json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","tags": tags});
        assert_eq!(
            create(&mut w, many).unwrap_err().error_type,
            "TooManyTagsException"
        );
        let described = w.ok(OWNER, "DescribeConnections", json!({}));
        assert_eq!(
            described["connections"],
            json!([]),
            "rejected creates leave nothing behind"
        );
    }

    #[test]
    fn state_moves_forward_with_the_clock() {
        let delay = Duration::from_millis(50);
        let mut w = World::new(EmulatorConfig {
            async_delay: delay,
            ..EmulatorConfig::default()
        });
        let t0 = Duration::from_secs(10);
        let out = w.invoke_at(OWNER, "CreateConnection", basic(), t0).unwrap();
        let id = out["connectionId"].as_str().unwrap().to_owned();
        let state_at = |w: &mut World, t: Duration| {
            let out = w
                .invoke_at(OWNER, "DescribeConnections", json!({"connectionId": id}), t)
                .unwrap();
            out["connections"][0]["connectionState"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let observed: Vec<String> = [0, 49, 50, 99, 100, 5000]
            .into_iter()
            .map(|ms| state_at(&mut w, t0 + Duration::from_millis(ms)))
            .collect();
        assert_eq!(observed, CONNECTION_STATES_SAMPLED_TWICE);
    }

    #[test]
    fn zero_delay_walks_one_edge_per_describe() {
        let mut w = world();
        let id = create(&mut w, basic()).unwrap()["connectionId"].clone();
        let mut describe = || {
            w.ok(OWNER, "DescribeConnections", json!({"connectionId": id}))["connections"][0]
                ["connectionState"]
                .clone()
        };
        assert_eq!(describe(), "pending");
        // Then available, possibly through the documented pending ⇢ down detour.
        let next = describe();
        assert!(
            next == "available" || (next == "down" && describe() == "available"),
            "{next}"
        );
    }

    #[test]
    fn describe_lists_in_creation_order_and_isolates_accounts() {
        let mut w = world();
        let a = create(&mut w, basic()).unwrap()["connectionId"].clone();
        let b = create(&mut w, basic()).unwrap()["connectionId"].clone();
        w.ok(OTHER, "CreateConnection", basic());
        let out = w.ok(OWNER, "DescribeConnections", json!({}));
        let ids: Vec<&Value> = out["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["connectionId"])
            .collect();
        assert_eq!(ids, vec![&a, &b]);
        let err = w.refused(OTHER, "DescribeConnections", json!({"connectionId": a}));
        assert_eq!(
            err.message,
            format!("Could not find Connection with ID {}", a.as_str().unwrap())
        );
        let missing = w.refused(
            OTHER,
            "DescribeConnections",
            json!({"connectionId":"dxcon-zzzzzzzz"}),
        );
        assert_eq!(
            missing.message,
            "Could not find Connection with ID dxcon-zzzzzzzz"
        );
        for op in ["UpdateConnection", "DeleteConnection"] {
            let err = w.refused(OTHER, op, json!({"connectionId": a}));
            assert_eq!(
                err.message,
                format!("Could not find Connection with ID {}", a.as_str().unwrap())
            );
        }
        let fresh = w.ok("333333333333", "DescribeConnections", json!({}));
        assert_eq!(fresh, json!({"connections": []}));
    }

    #[test]
    fn describe_paginates() {
        let mut w = world();
        for _ in 0..5 {
            create(&mut w, basic()).unwrap();
        }
        let first = w.ok(OWNER, "DescribeConnections", json!({"maxResults": 2}));
        assert_eq!(first["connections"].as_array().unwrap().len(), 2);
        let token = first["nextToken"].clone();
        let rest = w.ok(OWNER, "DescribeConnections", json!({"nextToken": token}));
        assert_eq!(rest["connections"].as_array().unwrap().len(), 3);
        assert!(rest.get("nextToken").is_none());
    }

    #[test]
    fn update_renames_and_guards_encryption_mode() {
        let mut w = world();
        let plain = create(&mut w, basic()).unwrap()["connectionId"].clone();
        let out = w.ok(
            OWNER,
            "UpdateConnection",
            json!({"connectionId": plain, "connectionName":"renamed"}),
        );
        assert_eq!(out["connectionName"], "renamed");
        assert_eq!(
            out["connectionState"], "requested",
            "the current state; nothing observed it move yet"
        );
        let err = w.refused(
            OWNER,
            "UpdateConnection",
            json!({"connectionId": plain, "encryptionMode":"must_encrypt"}),
        );
        assert_says(&err, "not MACsec capable");

        let mut body = basic();
        body["requestMACSec"] = json!(true);
        let secure = create(&mut w, body).unwrap()["connectionId"].clone();
        let err = w.refused(
            OWNER,
            "UpdateConnection",
            json!({"connectionId": secure, "encryptionMode":"always"}),
        );
        assert_says(&err, "Encryption mode always");
        let out = w.ok(
            OWNER,
            "UpdateConnection",
            json!({"connectionId": secure, "encryptionMode":"must_encrypt"}),
        );
        assert_eq!(out["encryptionMode"], "must_encrypt");
    }

    #[test]
    fn delete_is_immediate_and_final() {
        let mut w = world();
        let id = create(&mut w, basic()).unwrap()["connectionId"].clone();
        let out = w.ok(OWNER, "DeleteConnection", json!({"connectionId": id}));
        // [outputs] deleted at once, or deleting (progress::deletion_answer).
        assert!(matches!(
            out["connectionState"].as_str(),
            Some("deleting" | "deleted")
        ));
        let again = w.refused(OWNER, "DeleteConnection", json!({"connectionId": id}));
        assert_says(&again, "deleted state");
        let update = w.refused(
            OWNER,
            "UpdateConnection",
            json!({"connectionId": id, "connectionName":"x"}),
        );
        assert_says(&update, "deleted state");
        let out = w
            .invoke_at(
                OWNER,
                "DescribeConnections",
                json!({}),
                Duration::from_secs(3600),
            )
            .unwrap();
        assert_eq!(out["connections"][0]["connectionState"], "deleted");
    }

    #[test]
    fn with_the_quirk_deleting_a_deleted_connection_is_not_found() {
        for (not_found, needle) in [
            (false, "is in the deleted state"),
            (true, "Could not find Connection with ID"),
        ] {
            let mut w = World::new(EmulatorConfig {
                quirks: crate::emulator::Quirks {
                    deleted_not_found: not_found,
                    ..Default::default()
                },
                ..Default::default()
            });
            let id = create(&mut w, basic()).unwrap()["connectionId"].clone();
            w.ok(OWNER, "DeleteConnection", json!({"connectionId": id}));
            let err = w.refused(OWNER, "DeleteConnection", json!({"connectionId": id}));
            assert_eq!(err.error_type, "DirectConnectClientException");
            assert_says(&err, needle);
        }
    }
}

#[cfg(test)]
mod billing_tests {
    use crate::emulator::testing::{assert_says, world, Calls, OTHER, OWNER};
    use serde_json::json;

    #[test]
    fn billing_mode_applies_to_every_connection_all_or_nothing() {
        let mut w = world();
        let new = |w: &mut crate::emulator::World| {
            w.ok(
                OWNER,
                "CreateConnection",
                json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"c"}),
            )["connectionId"]
                .clone()
        };
        let (a, b) = (new(&mut w), new(&mut w));
        let out = w.ok(
            OWNER,
            "UpdateConnectionsBillingMode",
            json!({"connectionIds":[a, b],"billingMode":"FlatRateTier2"}),
        );
        assert_eq!(out["billingMode"], "FlatRateTier2");
        assert_eq!(out["connections"].as_array().unwrap().len(), 2);
        assert!(out["connections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["billingMode"] == "FlatRateTier2"));
        let seen = w.ok(OWNER, "DescribeConnections", json!({"connectionId": a}));
        assert_eq!(seen["connections"][0]["billingMode"], "FlatRateTier2");
        // Another account's connection: not found, and nothing changes.
        let e = w.refused(
            OTHER,
            "UpdateConnectionsBillingMode",
            json!({"connectionIds":[a],"billingMode":"PayAsYouGo"}),
        );
        assert_says(&e, "Could not find");
        w.ok(OWNER, "DeleteConnection", json!({"connectionId": b}));
        let e = w.refused(
            OWNER,
            "UpdateConnectionsBillingMode",
            json!({"connectionIds":[a, b],"billingMode":"PayAsYouGo"}),
        );
        assert_says(&e, "deleted");
        let seen = w.ok(OWNER, "DescribeConnections", json!({"connectionId": a}));
        assert_eq!(
            seen["connections"][0]["billingMode"], "FlatRateTier2",
            "all or nothing"
        );
    }

    #[test]
    fn confirming_an_agreement_signs_it() {
        let mut w = world();
        let out = w.ok(
            OWNER,
            "ConfirmCustomerAgreement",
            json!({"agreementName": "dx-alpha"}),
        );
        assert_eq!(out["status"], "signed");
    }
}
