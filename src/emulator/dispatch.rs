//! The dispatch table: operation name → handler, plus the steps every implemented
//! operation shares (input validation against the service model, then the handler).
//!
//! Each resource file (`connections.rs`, `tags.rs`, `locations.rs`, later LAGs,
//! VIFs, BGP peers, gateways) exports an `OPERATIONS` table of
//! `(name, handler)` pairs; `TABLES` lists those tables. A handler is a plain
//! `fn(&mut World, &Call) -> Outcome` and must be faithful to AWS: a future
//! fault-injection layer (mutants) wraps [`dispatch`]'s `Outcome`, never the
//! handlers themselves.

use std::time::Duration;

use serde_json::{Map, Value};

use super::{
    connections, gateways, input, interconnects, lags, locations, resiliency, tags,
    virtual_interfaces, ApiError, World,
};
use crate::spec::Spec;

/// What an operation answers: the output document, or an error answer.
pub(super) type Outcome = Result<Value, ApiError>;

/// An operation handler.
pub(super) type Handler = fn(&mut World, &Call<'_>) -> Outcome;

/// Every resource file's operation table.
const TABLES: &[&[(&str, Handler)]] = &[
    connections::OPERATIONS,
    locations::OPERATIONS,
    tags::OPERATIONS,
    interconnects::OPERATIONS,
    lags::OPERATIONS,
    virtual_interfaces::OPERATIONS,
    gateways::OPERATIONS,
    resiliency::OPERATIONS,
];

/// One decoded API call, as the handler sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call<'a> {
    /// Operation name, e.g. `CreateConnection`.
    pub operation: &'a str,
    /// The caller's 12-digit account.
    pub account: &'a str,
    /// The request body (already validated against the input shape).
    pub input: &'a Map<String, Value>,
    /// The clock reading when the call arrived.
    pub now: Duration,
}

impl<'a> Call<'a> {
    /// A member, treating JSON `null` as absent (awsJson serializers may send it).
    pub(super) fn member(&self, name: &str) -> Option<&'a Value> {
        self.input.get(name).filter(|v| !v.is_null())
    }

    /// A string member.
    pub(super) fn string(&self, name: &str) -> Option<&'a str> {
        self.member(name).and_then(Value::as_str)
    }

    /// A boolean member.
    pub(super) fn boolean(&self, name: &str) -> Option<bool> {
        self.member(name).and_then(Value::as_bool)
    }

    /// An integer member.
    pub(super) fn integer(&self, name: &str) -> Option<i64> {
        self.member(name).and_then(Value::as_i64)
    }

    /// A list member.
    pub(super) fn list(&self, name: &str) -> Option<&'a Vec<Value>> {
        self.member(name).and_then(Value::as_array)
    }

    /// The strings of a list member (none when it is absent).
    pub(super) fn strings(&self, name: &str) -> Vec<&'a str> {
        self.list(name)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// A required string member (input validation already rejected its absence;
    /// this only guards against a handler being called without validation).
    pub(super) fn required_string(&self, name: &str) -> Result<&'a str, ApiError> {
        self.string(name).ok_or_else(|| {
            ApiError::client(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }
}

/// The handler of `operation`, if the reference target implements it.
pub(super) fn handler(operation: &str) -> Option<Handler> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .find(|(name, _)| *name == operation)
        .map(|&(_, handler)| handler)
}

/// Run one call of an operation that exists in the service model: answer
/// `NotImplemented` (501) if it has no handler, validate the input, run the handler.
pub(super) fn dispatch(spec: &Spec, world: &mut World, call: &Call<'_>) -> Outcome {
    let Some(handler) = handler(call.operation) else {
        return Err(ApiError::not_implemented(call.operation));
    };
    if let Some(shape) = spec
        .operation(call.operation)
        .and_then(|op| op.input.as_deref())
    {
        input::validate(spec, shape, call.input)?;
    }
    let outcome = handler(world, call).map_err(|e| declared(spec, call.operation, e));
    if cfg!(debug_assertions) {
        if let (Ok(output), Some(shape)) = (
            &outcome,
            spec.operation(call.operation)
                .and_then(|op| op.output.as_deref()),
        ) {
            let violations = spec.validate(shape, output);
            if !violations.is_empty() {
                tracing::error!(
                    operation = call.operation,
                    ?violations,
                    "reference target output breaks the service model"
                );
            }
        }
    }
    outcome
}

/// An operation that does not declare the tag exceptions (CreateDirectConnectGateway)
/// answers its tag rules with the client exception, as the service model lists the
/// errors each operation can answer [model].
fn declared(spec: &Spec, operation: &str, error: ApiError) -> ApiError {
    let tag_error = matches!(
        error.error_type,
        "TooManyTagsException" | "DuplicateTagKeysException"
    );
    if tag_error && !spec.declares_error(operation, error.error_type) {
        return ApiError {
            quirk: error.quirk,
            ..ApiError::client(error.message)
        };
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    use rstest::rstest;
    use serde_json::json;

    use crate::emulator::testing::{world, Calls, OWNER};

    fn many_tags() -> Value {
        Value::Array(
            (0..51)
                .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
                .collect(),
        )
    }

    /// Each documented input rule, at its limit (accepted) and just past it (rejected
    /// with the client exception, or the declared tag exception).
    #[rstest]
    #[case("CreateDirectConnectGateway", json!({"directConnectGatewayName": "g", "amazonSideAsn": 64512}), None)]
    #[case("CreateDirectConnectGateway", json!({"directConnectGatewayName": "g", "amazonSideAsn": 4_294_967_294_i64}), None)]
    #[case("CreateDirectConnectGateway", json!({"directConnectGatewayName": "g", "amazonSideAsn": 64511}), Some("DirectConnectClientException"))]
    #[case("CreateDirectConnectGateway", json!({"directConnectGatewayName": "g", "amazonSideAsn": 4_294_967_295_i64}), Some("DirectConnectClientException"))]
    #[case("CreateDirectConnectGateway", json!({"directConnectGatewayName": "g", "tags": many_tags()}), Some("DirectConnectClientException"))]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "400Gbps", "connectionName": "c"}), None)]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "3Gbps", "connectionName": "c"}), Some("DirectConnectClientException"))]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": many_tags()}), Some("TooManyTagsException"))]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": [{"key": "k".repeat(128), "value": "v".repeat(256)}]}), None)]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": [{"key": "k".repeat(129)}]}), Some("DirectConnectClientException"))]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c", "tags": [{"key": "k", "value": "v".repeat(257)}]}), Some("DirectConnectClientException"))]
    #[case("CreateConnection", json!({"location": "EqDC2", "bandwidth": 1, "connectionName": "c"}), Some("SerializationException"))]
    fn documented_rules_are_enforced_at_and_past_their_limits(
        #[case] operation: &str,
        #[case] body: Value,
        #[case] rejected: Option<&str>,
    ) {
        let mut w = world();
        let outcome = w.invoke(OWNER, operation, body);
        assert_eq!(
            outcome.as_ref().err().map(|e| e.error_type),
            rejected,
            "{outcome:?}"
        );
    }

    #[test]
    fn every_table_entry_is_a_model_operation_and_unique() {
        let spec = Spec::builtin();
        let mut seen = HashSet::new();
        for (name, _) in TABLES.iter().flat_map(|t| t.iter()) {
            assert!(
                spec.operation(name).is_some(),
                "{name} is not in the service model"
            );
            assert!(seen.insert(*name), "{name} is registered twice");
        }
        for expected in [
            "CreateConnection",
            "DescribeConnections",
            "UpdateConnection",
            "DeleteConnection",
            "DescribeLocations",
            "TagResource",
            "UntagResource",
            "DescribeTags",
        ] {
            assert!(handler(expected).is_some(), "{expected} has no handler");
        }
    }

    #[test]
    fn every_operation_has_a_handler_and_one_without_answers_501() {
        let spec = Spec::builtin();
        for operation in spec.operations.keys() {
            assert!(handler(operation).is_some(), "{operation} has no handler");
        }
        let mut world = World::new(Default::default());
        let body = Map::new();
        let call = Call {
            operation: "DescribeSomethingNew",
            account: "111111111111",
            input: &body,
            now: Duration::ZERO,
        };
        let err = dispatch(spec, &mut world, &call).unwrap_err();
        assert_eq!(err.status, 501);
        assert_eq!(err.error_type, "NotImplemented");
        assert!(err.message.contains("DescribeSomethingNew"));
    }

    #[test]
    fn null_members_read_as_absent() {
        let body: Map<String, Value> =
            serde_json::from_str(r#"{"a":null,"b":"x","c":true,"d":3,"e":[1]}"#).unwrap();
        let call = Call {
            operation: "X",
            account: "111111111111",
            input: &body,
            now: Duration::ZERO,
        };
        assert_eq!(call.string("a"), None);
        assert_eq!(call.string("b"), Some("x"));
        assert_eq!(call.boolean("c"), Some(true));
        assert_eq!(call.integer("d"), Some(3));
        assert_eq!(call.list("e").map(Vec::len), Some(1));
        assert!(call.required_string("a").is_err());
    }
}
