//! Realism knobs of the reference target, so that what real AWS does to a client
//! (latency, throttling, eventual consistency) can be tested on loopback:
//!
//! - latency: every API answer waits this long;
//! - throttling: beyond `throttle_rps` requests per second (a token bucket with a
//!   burst of one second's worth) the answer is 400 `ThrottlingException`
//!   ("Rate exceeded"), as Direct Connect answers;
//! - consistency lag: for this long after its creation a resource is missing from
//!   Describe* lists (its own id member), as an eventually consistent read may be.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::EmulatorConfig;

/// List members of Describe* answers and the id member of their items.
const LISTS: &[(&str, &str)] = &[
    ("connections", "connectionId"),
    ("interconnects", "interconnectId"),
    ("lags", "lagId"),
    ("virtualInterfaces", "virtualInterfaceId"),
    ("directConnectGateways", "directConnectGatewayId"),
    ("directConnectGatewayAssociations", "associationId"),
    ("directConnectGatewayAssociationProposals", "proposalId"),
];

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
            true
        }
    }

    /// After a successful call: remember what a create made, and hide from a
    /// Describe* list what was created less than the lag ago.
    pub(super) fn settle(&self, operation: &str, output: &mut Value) {
        if self.lag.is_zero() {
            return;
        }
        let mut created = self.created.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if operation.starts_with("Describe") {
            created.retain(|_, at| now.duration_since(*at) < self.lag);
            for (list, id_member) in LISTS {
                if let Some(Value::Array(items)) = output.get_mut(*list) {
                    items.retain(|item| {
                        item.get(*id_member)
                            .and_then(Value::as_str)
                            .is_none_or(|id| !created.contains_key(id))
                    });
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
