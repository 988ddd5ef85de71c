//! Realism knobs of the reference target, so that what real AWS does to a client
//! (latency, throttling, eventual consistency) can be tested on loopback:
//!
//! - latency: every API answer waits this long;
//! - throttling: beyond `throttle_rps` requests per second (a token bucket with a
//!   burst of one second's worth) the answer is 400 `ThrottlingException`
//!   ("Rate exceeded"), as Direct Connect answers;
//! - consistency lag: for this long after its creation a resource is missing from
//!   Describe* lists (its own id member), as an eventually consistent read may be;
//! - gone retention (`Quirks::gone_retention`): a record Describe showed `deleted`,
//!   `rejected` or `disassociated` is left out of Describe* lists once it has been
//!   shown gone for this long;
//! - empty-string references (`Quirks::empty_string_references`): a VIF document
//!   without a virtual private gateway or a Direct Connect gateway names it `""`.
//!
//! They act on whole answers, after the operation ran, so no resource family knows
//! about them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::profile::{played, Tally};
use super::EmulatorConfig;

/// List members of Describe* answers, the id member of their items and their state member.
const LISTS: &[(&str, &str, &str)] = &[
    ("connections", "connectionId", "connectionState"),
    ("interconnects", "interconnectId", "interconnectState"),
    ("lags", "lagId", "lagState"),
    (
        "virtualInterfaces",
        "virtualInterfaceId",
        "virtualInterfaceState",
    ),
    (
        "directConnectGateways",
        "directConnectGatewayId",
        "directConnectGatewayState",
    ),
    (
        "directConnectGatewayAssociations",
        "associationId",
        "associationState",
    ),
    (
        "directConnectGatewayAssociationProposals",
        "proposalId",
        "proposalState",
    ),
];

/// States of records Describe keeps only for a while (terraform-provider-aws finders
/// treat a record found in one of them as not found).
const GONE_STATES: &[&str] = &["deleted", "rejected", "disassociated"];

/// The id references a VIF document may leave unset, answered `""` by AWS
/// (allocate-transit-virtual-interface's published aws-cli output [outputs]).
const VIF_REFERENCES: &[&str] = &["virtualGatewayId", "directConnectGatewayId"];

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// The knobs' state.
#[derive(Debug)]
pub(super) struct Knobs {
    latency: Duration,
    rps: u32,
    lag: Duration,
    bucket: Mutex<Bucket>,
    created: Mutex<HashMap<String, Instant>>,
    retention: Option<Duration>,
    /// When Describe first showed each record gone.
    gone_since: Mutex<HashMap<String, Instant>>,
    empty_references: bool,
    /// What the knobs did.
    pub(super) played: Tally,
}

impl Knobs {
    pub(super) fn new(config: &EmulatorConfig) -> Knobs {
        Knobs {
            latency: config.latency,
            rps: config.throttle_rps,
            lag: config.consistency_lag,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(config.throttle_rps),
                refilled: Instant::now(),
            }),
            created: Mutex::new(HashMap::new()),
            retention: config.quirks.gone_retention,
            gone_since: Mutex::new(HashMap::new()),
            empty_references: config.quirks.empty_string_references,
            played: Tally::default(),
        }
    }

    /// Wait the configured latency.
    pub(super) async fn delay(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    /// Whether this request is beyond the rate (and must be answered with a throttle).
    pub(super) fn throttled(&self) -> bool {
        if self.rps == 0 {
            return false;
        }
        let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let rate = f64::from(self.rps);
        b.tokens = (b.tokens + now.duration_since(b.refilled).as_secs_f64() * rate).min(rate);
        b.refilled = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            false
        } else {
            self.played.add(played::THROTTLED);
            true
        }
    }

    /// After a successful call: remember what a create made, and hide from a
    /// Describe* list what was created less than the lag ago.
    pub(super) fn settle(&self, operation: &str, output: &mut Value) {
        if self.empty_references {
            self.played
                .add_n(played::EMPTY_REFERENCES, empty_references(output));
        }
        if operation.starts_with("Describe") {
            self.forget_gone(output);
        }
        if self.lag.is_zero() {
            return;
        }
        let mut created = self.created.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if operation.starts_with("Describe") {
            created.retain(|_, at| now.duration_since(*at) < self.lag);
            for (list, id_member, _) in LISTS {
                if let Some(Value::Array(items)) = output.get_mut(*list) {
                    let before = items.len();
                    items.retain(|item| {
                        item.get(*id_member)
                            .and_then(Value::as_str)
                            .is_none_or(|id| !created.contains_key(id))
                    });
                    self.played
                        .add_n(played::HIDDEN_BY_LAG, (before - items.len()) as u64);
                }
            }
        } else if let Some(member) = created_member(operation) {
            // The id is a member of the answer or of its one wrapped object.
            let id = output.get(member).or_else(|| {
                output
                    .as_object()
                    .and_then(|o| o.values().find_map(|v| v.get(member)))
            });
            if let Some(id) = id.and_then(Value::as_str) {
                created.insert(id.to_owned(), now);
            }
        }
    }
}

impl Knobs {
    /// Leave out of a Describe answer the records shown gone for longer than the retention.
    fn forget_gone(&self, output: &mut Value) {
        let Some(retention) = self.retention else {
            return;
        };
        let mut gone_since = self.gone_since.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        for (list, id_member, state_member) in LISTS {
            if let Some(Value::Array(items)) = output.get_mut(*list) {
                let before = items.len();
                items.retain(|item| {
                    let id = item.get(*id_member).and_then(Value::as_str);
                    let state = item.get(*state_member).and_then(Value::as_str);
                    match (id, state) {
                        (Some(id), Some(state)) if GONE_STATES.contains(&state) => {
                            let since = *gone_since.entry(id.to_owned()).or_insert(now);
                            now.duration_since(since) < retention
                        }
                        _ => true,
                    }
                });
                self.played
                    .add_n(played::GONE_DROPPED, (before - items.len()) as u64);
            }
        }
    }
}

/// Name every unset id reference of the VIF documents in `output` `""`: the answer's
/// own VIF, one wrapped in `virtualInterface`, or each of a `virtualInterfaces` list.
/// Returns how many it named.
fn empty_references(output: &mut Value) -> u64 {
    let fill = |vif: &mut Value| -> u64 {
        let Some(object) = vif.as_object_mut() else {
            return 0;
        };
        if !object.contains_key("virtualInterfaceType") {
            return 0;
        }
        let mut named = 0;
        for member in VIF_REFERENCES {
            if !object.contains_key(*member) {
                object.insert((*member).to_owned(), Value::String(String::new()));
                named += 1;
            }
        }
        named
    };
    let mut named = fill(output);
    if let Some(vif) = output.get_mut("virtualInterface") {
        named += fill(vif);
    }
    if let Some(Value::Array(vifs)) = output.get_mut("virtualInterfaces") {
        named += vifs.iter_mut().map(fill).sum::<u64>();
    }
    named
}

/// The id member of what `operation` creates (a create's answer also names parents).
fn created_member(operation: &str) -> Option<&'static str> {
    Some(match operation {
        "CreateConnection" | "AllocateHostedConnection" | "AllocateConnectionOnInterconnect" => {
            "connectionId"
        }
        "CreateInterconnect" => "interconnectId",
        "CreateLag" => "lagId",
        "CreateDirectConnectGateway" => "directConnectGatewayId",
        "CreateDirectConnectGatewayAssociation" => "associationId",
        "CreateDirectConnectGatewayAssociationProposal" => "proposalId",
        op if op.ends_with("VirtualInterface")
            && (op.starts_with("Create") || op.starts_with("Allocate")) =>
        {
            "virtualInterfaceId"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gone_records_leave_describes_once_shown_gone_for_the_retention() {
        let k = Knobs::new(&EmulatorConfig {
            quirks: crate::emulator::Quirks {
                gone_retention: Some(Duration::from_millis(60)),
                ..Default::default()
            },
            ..EmulatorConfig::default()
        });
        let describe = || {
            let mut out = json!({"virtualInterfaces": [
                {"virtualInterfaceId": "dxvif-gone1", "virtualInterfaceState": "deleted"},
                {"virtualInterfaceId": "dxvif-live1", "virtualInterfaceState": "available"},
            ], "directConnectGatewayAssociations": [
                {"associationId": "a-1", "associationState": "disassociated"},
            ]});
            k.settle("DescribeVirtualInterfaces", &mut out);
            (
                out["virtualInterfaces"].as_array().unwrap().len(),
                out["directConnectGatewayAssociations"]
                    .as_array()
                    .unwrap()
                    .len(),
            )
        };
        assert_eq!(describe(), (2, 1), "kept for a while");
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(describe(), (1, 0), "then dropped; live records stay");
        assert_eq!(k.played.counts().get("gone-record-dropped"), Some(&2));
        // Without the quirk, gone records stay for ever.
        let mut out =
            json!({"connections": [{"connectionId": "dxcon-x", "connectionState": "deleted"}]});
        knobs(0, 0).settle("DescribeConnections", &mut out);
        assert_eq!(out["connections"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn unset_vif_references_are_answered_as_empty_strings() {
        let k = Knobs::new(&EmulatorConfig {
            quirks: crate::emulator::Quirks {
                empty_string_references: true,
                ..Default::default()
            },
            ..EmulatorConfig::default()
        });
        let mut wrapped = json!({"virtualInterface": {"virtualInterfaceType": "transit", "directConnectGatewayId": "g-1"}});
        k.settle("AllocateTransitVirtualInterface", &mut wrapped);
        assert_eq!(
            wrapped["virtualInterface"],
            json!({"virtualInterfaceType": "transit", "directConnectGatewayId": "g-1", "virtualGatewayId": ""})
        );
        let mut bare = json!({"virtualInterfaceType": "public"});
        k.settle("CreatePublicVirtualInterface", &mut bare);
        assert_eq!(bare["directConnectGatewayId"], "");
        assert_eq!(bare["virtualGatewayId"], "");
        let mut listed = json!({"virtualInterfaces": [{"virtualInterfaceType": "private", "virtualGatewayId": "vgw-1"}]});
        k.settle("DescribeVirtualInterfaces", &mut listed);
        assert_eq!(listed["virtualInterfaces"][0]["virtualGatewayId"], "vgw-1");
        assert_eq!(listed["virtualInterfaces"][0]["directConnectGatewayId"], "");
        assert_eq!(k.played.counts().get("empty-string-references"), Some(&4));
        // Other answers and the faithful target are left alone.
        let mut other = json!({"connectionId": "dxcon-1"});
        k.settle("DescribeConnections", &mut other);
        assert_eq!(other, json!({"connectionId": "dxcon-1"}));
        let mut faithful = json!({"virtualInterfaceType": "public"});
        knobs(0, 0).settle("CreatePublicVirtualInterface", &mut faithful);
        assert_eq!(faithful, json!({"virtualInterfaceType": "public"}));
    }

    fn knobs(rps: u32, lag_ms: u64) -> Knobs {
        Knobs::new(&EmulatorConfig {
            throttle_rps: rps,
            consistency_lag: Duration::from_millis(lag_ms),
            ..EmulatorConfig::default()
        })
    }

    #[test]
    fn throttles_beyond_the_rate() {
        let k = knobs(3, 0);
        let throttled = (0..10).filter(|_| k.throttled()).count();
        assert_eq!(throttled, 7, "a burst of one second's worth passes");
        assert_eq!(k.played.counts().get("throttled"), Some(&7));
        assert!((0..100).all(|_| !knobs(0, 0).throttled()));
    }

    #[test]
    fn a_new_resource_is_missing_from_describes_until_the_lag_passes() {
        let k = knobs(0, 60);
        k.settle(
            "CreateConnection",
            &mut json!({"connectionId": "dxcon-new1"}),
        );
        let describe = || {
            let mut out = json!({"connections": [{"connectionId": "dxcon-new1"}, {"connectionId": "dxcon-old1"}]});
            k.settle("DescribeConnections", &mut out);
            out["connections"].as_array().unwrap().len()
        };
        assert_eq!(describe(), 1);
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(describe(), 2);
    }
}
