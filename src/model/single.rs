//! The prediction for one call's own synchronous answer from its request alone,
//! for offline checks (`dxconform check`): no earlier calls, no world.
//!
//! A create is predicted by an empty model making the create step rebuilt from the
//! request; a delete or rename by a model that has just seen the resource created
//! (so it may be in any live state). The rebuilt step must make exactly the given
//! request, otherwise there is no model prediction and only the specification is
//! checked. Because the world is unknown, a rejection is always acceptable: the
//! prediction says what the answer must look like *if* it succeeds.
//!
//! Operations with model predictions: [`SINGLE_OPERATIONS`].

use serde_json::{json, Map, Value};

use super::connections::CLIENT_ERROR;
use super::{
    ConnectionStep, Env, Expect, GatewayStep, HandleRef, InterconnectStep, LagStep, Model,
    Prediction, Step, Tag,
};
use crate::vocab::{Outcome, Principal};

/// Operations whose single answer the model predicts offline.
pub const SINGLE_OPERATIONS: &[&str] = &[
    "CreateConnection",
    "UpdateConnection",
    "DeleteConnection",
    "CreateInterconnect",
    "DeleteInterconnect",
    "CreateLag",
    "UpdateLag",
    "DeleteLag",
    "CreateDirectConnectGateway",
    "UpdateDirectConnectGateway",
    "DeleteDirectConnectGateway",
];

fn text(request: &Value, member: &str) -> Option<String> {
    request
        .get(member)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn tags(request: &Value) -> Option<Vec<Tag>> {
    match request.get("tags") {
        None => Some(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| {
                Some(Tag {
                    key: text(t, "key")?,
                    value: text(t, "value").unwrap_or_default(),
                })
            })
            .collect(),
        Some(_) => None,
    }
}

/// The create step of a family, rebuilt from a create request.
fn create_step(operation: &str, request: &Value) -> Option<Step> {
    let by = Principal::Owner;
    Some(match operation {
        "CreateConnection" => Step::Connection(ConnectionStep::CreateConnection {
            by,
            location: 0,
            bandwidth: text(request, "bandwidth")?,
            name: text(request, "connectionName")?,
            tags: tags(request)?,
        }),
        "CreateInterconnect" => Step::Interconnect(InterconnectStep::CreateInterconnect {
            by,
            location: 0,
            bandwidth: text(request, "bandwidth")?,
            name: text(request, "interconnectName")?,
            tags: tags(request)?,
        }),
        "CreateLag" => Step::Lag(LagStep::CreateLag {
            by,
            location: 0,
            bandwidth: text(request, "connectionsBandwidth")?,
            count: u8::try_from(request.get("numberOfConnections")?.as_u64()?).ok()?,
            name: text(request, "lagName")?,
            tags: tags(request)?,
            mac_sec: request
                .get("requestMACSec")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            connection: None,
        }),
        "CreateDirectConnectGateway" => Step::Gateway(GatewayStep::CreateDirectConnectGateway {
            by,
            name: text(request, "directConnectGatewayName")?,
            asn: request.get("amazonSideAsn").and_then(Value::as_u64),
            tags: tags(request)?,
        }),
        _ => return None,
    })
}

/// For an operation on an existing resource: the family's create operation, a
/// request creating such a resource, and the step on handle 0.
fn existing_step(operation: &str, request: &Value) -> Option<(&'static str, Value, Step)> {
    let by = Principal::Owner;
    let target = HandleRef(0);
    let step = match operation {
        "DeleteConnection" => Step::Connection(ConnectionStep::DeleteConnection { by, target }),
        "UpdateConnection" => Step::Connection(ConnectionStep::UpdateConnection {
            by,
            target,
            name: text(request, "connectionName")?,
        }),
        "DeleteInterconnect" => {
            Step::Interconnect(InterconnectStep::DeleteInterconnect { by, target })
        }
        "DeleteLag" => Step::Lag(LagStep::DeleteLag { by, target }),
        "UpdateLag" => Step::Lag(LagStep::UpdateLag {
            by,
            target,
            name: text(request, "lagName")?,
        }),
        "DeleteDirectConnectGateway" => {
            Step::Gateway(GatewayStep::DeleteDirectConnectGateway { by, target })
        }
        "UpdateDirectConnectGateway" => Step::Gateway(GatewayStep::UpdateDirectConnectGateway {
            by,
            target,
            name: text(request, "newDirectConnectGatewayName")?,
        }),
        _ => return None,
    };
    // A request creating the resource the step acts on, in its family.
    let (create, body) = match step {
        Step::Connection(_) => (
            "CreateConnection",
            json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "offline"}),
        ),
        Step::Interconnect(_) => (
            "CreateInterconnect",
            json!({"location": "EqDC2", "bandwidth": "10Gbps", "interconnectName": "offline"}),
        ),
        Step::Lag(_) => (
            "CreateLag",
            json!({"location": "EqDC2", "connectionsBandwidth": "1Gbps", "numberOfConnections": 1, "lagName": "offline"}),
        ),
        _ => (
            "CreateDirectConnectGateway",
            json!({"directConnectGatewayName": "offline"}),
        ),
    };
    Some((create, body, step))
}

/// The id member a family's requests name their resource by.
fn id_member(create: &str) -> &'static str {
    match create {
        "CreateConnection" => "connectionId",
        "CreateInterconnect" => "interconnectId",
        "CreateLag" => "lagId",
        _ => "directConnectGatewayId",
    }
}

/// The member a create answer carries its state in, and a live state to start from.
fn created_answer(create: &str, id: &str) -> Value {
    let mut body = Map::new();
    body.insert(id_member(create).to_owned(), json!(id));
    let (member, state) = match create {
        "CreateConnection" => ("connectionState", "requested"),
        "CreateInterconnect" => ("interconnectState", "requested"),
        "CreateLag" => ("lagState", "requested"),
        _ => ("directConnectGatewayState", "pending"),
    };
    body.insert(member.to_owned(), json!(state));
    if create == "CreateDirectConnectGateway" {
        return json!({"directConnectGateway": body});
    }
    Value::Object(body)
}

/// Whether the model's request is the given one (every member equal, none missing or added).
fn same_request(made: &Value, given: &Value) -> bool {
    made == given
}

impl Model {
    /// The prediction for one call's own synchronous answer, from its request alone;
    /// `None` when the model does not predict this operation offline (only the
    /// specification applies). `env` supplies the region and the caller's account
    /// (the owner principal); its locations are replaced by the request's.
    pub fn predict_single(env: &Env, operation: &str, request: &Value) -> Option<Prediction> {
        let mut env = env.clone();
        if let Some(location) = text(request, "location") {
            env.locations = vec![location];
        }
        let prediction = if let Some(step) = create_step(operation, request) {
            let (call, prediction) = Model::new(env).call(&step)?;
            same_request(&call.body, request).then_some(prediction)?
        } else {
            let (create, create_request, step) = existing_step(operation, request)?;
            let id = text(request, id_member(create))?;
            let mut model = Model::new(env);
            let create_step = create_step(create, &create_request)?;
            let (_, created) = model.call(&create_step)?;
            model.observe(
                &create_step,
                &created,
                &Outcome::Success(created_answer(create, &id)),
            );
            let (call, mut prediction) = model.call(&step)?;
            // Only what the request says is known of an existing resource.
            for e in &mut prediction.resources {
                e.echo
                    .retain(|(member, value)| request.get(*member) == Some(value));
                e.tags = None;
            }
            same_request(&call.body, request).then_some(prediction)?
        };
        Some(offline(prediction))
    }
}

/// Offline the world is unknown: a rejection is acceptable; a success must be as predicted.
fn offline(mut prediction: Prediction) -> Prediction {
    if matches!(prediction.expect, Expect::Succeed) {
        prediction.expect = Expect::Either {
            error_types: vec![CLIENT_ERROR, "DirectConnectServerException"],
            reason:
                "offline: whether the call may succeed depends on a world the capture does not show"
                    .to_owned(),
        };
    }
    prediction.taken_ids.clear();
    prediction
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StateCheck;
    use crate::vocab::Accounts;

    fn env() -> Env {
        Env {
            region: "us-east-1".into(),
            accounts: Accounts::default(),
            locations: vec![],
            virtual_gateways: Default::default(),
        }
    }

    #[test]
    fn create_connection_predicts_requested_and_echoes() {
        let request = json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "a"});
        let p = Model::predict_single(&env(), "CreateConnection", &request).unwrap();
        let e = &p.resources[0];
        assert_eq!(e.state_check, StateCheck::Result);
        let states = crate::model::CONNECTION.set(&["requested"]);
        assert_eq!(e.states, states);
        assert!(e
            .echo
            .iter()
            .any(|(m, v)| *m == "connectionName" && v == "a"));
    }

    #[test]
    fn delete_connection_predicts_a_gone_state() {
        let request = json!({"connectionId": "dxcon-abcd1234"});
        let p = Model::predict_single(&env(), "DeleteConnection", &request).unwrap();
        let e = &p.resources[0];
        assert!(e
            .states
            .has(crate::model::CONNECTION.index("deleted").unwrap()));
        assert!(!e
            .states
            .has(crate::model::CONNECTION.index("available").unwrap()));
    }

    #[test]
    fn unknown_requests_fall_back() {
        assert!(Model::predict_single(&env(), "DescribeConnections", &json!({})).is_none());
        let odd = json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "a", "providerName": "p"});
        assert!(Model::predict_single(&env(), "CreateConnection", &odd).is_none());
    }
}
