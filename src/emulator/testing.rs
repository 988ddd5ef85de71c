//! Test helpers shared by the unit tests of the emulator's files: run an operation
//! against a `World` without HTTP, asserting that every answer conforms to the
//! service model (outputs validate against the output shape; error answers are
//! declared by the operation, or are protocol-level rejections).

use std::time::Duration;

use serde_json::{json, Value};

use super::dispatch::{dispatch, Call, Outcome};
use super::{ApiError, EmulatorConfig, World};
use crate::spec::Spec;

/// The account that owns what a test creates.
pub(super) const OWNER: &str = "111111111111";
/// A second account: a stranger to the owner's resources.
pub(super) const OTHER: &str = "222222222222";
/// The second account in the role of a partner (it owns interconnects and allocates to the owner).
pub(super) const PARTNER: &str = OTHER;

/// A new connection's states as the clock tests sample them: twice in each state on
/// its way to `available` (with a 50 ms asynchronous delay).
pub(super) const CONNECTION_STATES_SAMPLED_TWICE: [&str; 6] = [
    "requested",
    "requested",
    "pending",
    "pending",
    "available",
    "available",
];

/// A world with the default configuration.
pub(super) fn world() -> World {
    World::new(EmulatorConfig::default())
}

/// A new 10 Gbps dedicated connection of `OWNER` at EqDC2; its `connectionId`.
pub(super) fn owned_connection(w: &mut World) -> Value {
    w.ok(
        OWNER,
        "CreateConnection",
        json!({"location":"EqDC2","bandwidth":"10Gbps","connectionName":"c"}),
    )["connectionId"]
        .clone()
}

/// Operations run on a test's world: each checks the answer against the service
/// model (see the module documentation).
pub(super) trait Calls {
    /// Run `operation` at clock reading zero.
    fn invoke(&mut self, account: &str, operation: &str, body: Value) -> Outcome;
    /// Run `operation` at clock reading `now`.
    fn invoke_at(&mut self, account: &str, operation: &str, body: Value, now: Duration) -> Outcome;
    /// Run `operation` at clock reading zero and return its answer; an error fails the test.
    fn ok(&mut self, account: &str, operation: &str, body: Value) -> Value;
    /// Run `operation` at clock reading zero and return its refusal; an answer fails the test.
    fn refused(&mut self, account: &str, operation: &str, body: Value) -> ApiError;
}

impl Calls for World {
    fn invoke(&mut self, account: &str, operation: &str, body: Value) -> Outcome {
        self.invoke_at(account, operation, body, Duration::ZERO)
    }

    fn invoke_at(&mut self, account: &str, operation: &str, body: Value, now: Duration) -> Outcome {
        checked_dispatch(self, account, operation, body, now)
    }

    fn ok(&mut self, account: &str, operation: &str, body: Value) -> Value {
        match self.invoke(account, operation, body) {
            Ok(answer) => answer,
            Err(error) => panic!("{operation} was refused: {error:?}"),
        }
    }

    fn refused(&mut self, account: &str, operation: &str, body: Value) -> ApiError {
        match self.invoke(account, operation, body) {
            Ok(answer) => panic!("{operation} answered {answer} where a refusal was expected"),
            Err(error) => error,
        }
    }
}

/// Dispatch one call without HTTP and check its answer against the model.
fn checked_dispatch(
    world: &mut World,
    account: &str,
    operation: &str,
    body: Value,
    now: Duration,
) -> Outcome {
    let spec = Spec::builtin();
    let Value::Object(input) = body else {
        panic!("test bodies are JSON objects");
    };
    let call = Call {
        operation,
        account,
        input: &input,
        now,
    };
    let outcome = dispatch(spec, world, &call);
    match &outcome {
        Ok(output) => {
            let shape = spec.operation(operation).and_then(|op| op.output.clone());
            let shape = shape.expect("implemented operations have an output shape");
            let violations = spec.validate(&shape, output);
            assert!(
                violations.is_empty(),
                "{operation} output {output} breaks {shape}: {violations:?}"
            );
        }
        Err(error) => {
            let protocol = ["SerializationException", "NotImplemented"];
            assert!(
                error.is_declared_by(operation) || protocol.contains(&error.error_type),
                "{operation} answered undeclared {error:?}"
            );
        }
    }
    outcome
}

/// Assert that a refusal's message names `needle`.
pub(super) fn assert_says(error: &ApiError, needle: &str) {
    assert!(error.message.contains(needle), "{}", error.message);
}
