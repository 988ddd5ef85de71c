//! Test helpers shared by the unit tests of the emulator's files: run an operation
//! against a `World` without HTTP, asserting that every answer conforms to the
//! service model (outputs validate against the output shape; error answers are
//! declared by the operation, or are protocol-level rejections).

use std::time::Duration;

use serde_json::Value;

use super::dispatch::{dispatch, Call, Outcome};
use super::{EmulatorConfig, World};
use crate::spec::Spec;

/// A world with the default configuration.
pub(super) fn world() -> World {
    World::new(EmulatorConfig::default())
}

/// Run `operation` at clock reading zero.
pub(super) fn invoke(world: &mut World, account: &str, operation: &str, body: Value) -> Outcome {
    invoke_at(world, account, operation, body, Duration::ZERO)
}

/// Run `operation` at clock reading `now`, checking the answer against the model.
pub(super) fn invoke_at(
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

/// Run `operation` at clock reading zero and return its answer; an error fails the test.
pub(super) fn ok(world: &mut World, account: &str, operation: &str, body: Value) -> Value {
    match invoke(world, account, operation, body) {
        Ok(answer) => answer,
        Err(error) => panic!("{operation} was refused: {error:?}"),
    }
}

/// Run `operation` at clock reading zero and return its refusal; an answer fails the test.
pub(super) fn refused(
    world: &mut World,
    account: &str,
    operation: &str,
    body: Value,
) -> super::ApiError {
    match invoke(world, account, operation, body) {
        Ok(answer) => panic!("{operation} answered {answer} where a refusal was expected"),
        Err(error) => error,
    }
}
