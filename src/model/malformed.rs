//! Malformed requests: a valid step sent with its framing broken (raw, through
//! the target layer's `WireClient::malformed`), with an unknown member added, or with
//! its resource id mangled (RESTler-style), and what a conformant answer is.
//!
//! Expected answers and their sources:
//! - a body that is not a JSON object (unparseable, an array, a string) →
//!   `SerializationException`, HTTP 400: the awsJson 1.1 protocol's deserialization
//!   failure, answered by the AWS front end before the operation runs [awsJson 1.1;
//!   AWS common errors];
//! - an `X-Amz-Target` naming no operation, or no `X-Amz-Target` at all →
//!   `UnknownOperationException`, HTTP 400: awsJson dispatches on that header alone
//!   [awsJson 1.1; AWS common errors];
//! - no `Authorization` header → `MissingAuthenticationTokenException` (HTTP 403, as
//!   AWS answers; 400 accepted); a header that is not a SigV4 signature →
//!   `IncompleteSignatureException` or `InvalidSignatureException` (HTTP 400/403)
//!   [AWS common errors, Signature Version 4 troubleshooting];
//! - `Content-Type: text/plain`: not documented; AWS's JSON front ends route on
//!   `X-Amz-Target` and are known to accept it or answer a protocol error, so both
//!   are accepted (assumed);
//! - a member the input shape does not declare is ignored: the call succeeds as
//!   without it [Smithy awsJson 1.1: servers ignore unknown members; AWS SDKs send
//!   members newer than a service's model];
//! - a mangled id (`id?x=1`, `id/..`, empty, 1 100 characters, non-ASCII, or a
//!   well-formed id that was never created) names no
//!   resource: `DirectConnectClientException` (the "Could not find … with ID" answer,
//!   [api] there is no NotFound type); a Describe naming it may also answer an empty
//!   list (assumed, as for ids of other accounts).
//!
//! These protocol-level error types are not declared by Direct Connect's model;
//! the prediction allows them (`Prediction::protocol_errors`) so `error.type`,
//! `op.implemented`, `wire.status` and `sdk.parse` do not report them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::connections::CLIENT_ERROR;
use super::prediction::{Basis, Expect, Prediction};
use super::step::{FamilyStep, Step};
use super::Model;
use crate::vocab::{CheckId, Malformation, Outcome, Principal};

/// How an id is mangled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MangledId {
    /// `id?x=1`.
    Query,
    /// `id/..`.
    DotDot,
    /// The empty string.
    Empty,
    /// The id followed by 1 100 characters.
    VeryLong,
    /// The id with non-ASCII letters.
    Unicode,
    /// A well-formed id of the same kind that names nothing (`dxcon-zz99zz99`).
    Missing,
}

impl MangledId {
    /// Every mangling.
    pub const ALL: [MangledId; 6] = [
        MangledId::Query,
        MangledId::DotDot,
        MangledId::Empty,
        MangledId::VeryLong,
        MangledId::Unicode,
        MangledId::Missing,
    ];

    /// The mangled form of `id`.
    pub fn apply(self, id: &str) -> String {
        match self {
            MangledId::Query => format!("{id}?x=1"),
            MangledId::DotDot => format!("{id}/.."),
            MangledId::Empty => String::new(),
            MangledId::VeryLong => format!("{id}{}", "a".repeat(1100)),
            MangledId::Unicode => format!("{id}ünïcødé"),
            MangledId::Missing => match id.split_once('-') {
                Some((prefix, _)) => format!("{prefix}-zz99zz99"),
                None => "zz99zz99".to_owned(),
            },
        }
    }
}

/// What is wrong with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "how")]
pub enum Malformed {
    /// Broken framing, sent raw.
    Wire(Malformation),
    /// A member the input shape does not declare (must be ignored).
    UnknownMember,
    /// The resource id mangled.
    MangledId(MangledId),
}

/// A valid step sent malformed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MalformedStep {
    /// The valid step the request is built from.
    pub base: Box<Step>,
    /// What is wrong with it.
    pub malformed: Malformed,
}

impl FamilyStep for MalformedStep {
    fn operation(&self) -> &'static str {
        self.base.operation()
    }

    fn principal(&self) -> Principal {
        self.base.principal()
    }
}

/// The member added by [`Malformed::UnknownMember`].
pub const UNKNOWN_MEMBER: &str = "dxconformUnknownMember";

fn protocol_reject(types: &[&'static str], rule: &str, basis: Basis) -> Prediction {
    let mut p = Prediction::reject(types.to_vec(), rule, CheckId::ErrorExpected, basis);
    p.protocol_errors = types.to_vec();
    p
}

impl Model {
    /// The body and prediction of a malformed step.
    pub(super) fn predict_malformed(&self, step: &MalformedStep) -> Option<(Value, Prediction)> {
        let (call, base) = self.call(&step.base)?;
        let mut body = call.body;
        let prediction = match step.malformed {
            Malformed::Wire(m) => match m {
                Malformation::InvalidJson | Malformation::ArrayBody | Malformation::StringBody => {
                    protocol_reject(
                        &["SerializationException"],
                        "awsJson: the request body is one JSON object",
                        Basis::Documented,
                    )
                }
                Malformation::UnknownOperation | Malformation::MissingTarget => protocol_reject(
                    &["UnknownOperationException"],
                    "awsJson: X-Amz-Target names an operation of the service",
                    Basis::Documented,
                ),
                Malformation::MissingSignature => protocol_reject(
                    &["MissingAuthenticationTokenException"],
                    "SigV4: every request is signed",
                    Basis::Documented,
                ),
                Malformation::MalformedSignature => protocol_reject(
                    &["IncompleteSignatureException", "InvalidSignatureException"],
                    "SigV4: the Authorization header is a complete signature",
                    Basis::Documented,
                ),
                Malformation::WrongContentType => {
                    let mut p = base;
                    let types = vec!["SerializationException", "UnknownOperationException"];
                    p.protocol_errors = types.clone();
                    p.expect = Expect::Either {
                        error_types: types,
                        reason: "a text/plain request may be routed by X-Amz-Target or refused as a protocol error".into(),
                    };
                    p.basis = Basis::Assumed;
                    p
                }
            },
            Malformed::UnknownMember => {
                body.as_object_mut()?
                    .insert(UNKNOWN_MEMBER.to_owned(), json!("ignored"));
                base
            }
            Malformed::MangledId(how) => {
                let object = body.as_object_mut()?;
                let (member, id) = object
                    .iter()
                    .find(|(k, v)| k.ends_with("Id") && v.is_string())
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))?;
                object.insert(member, json!(how.apply(&id)));
                let rule = format!("a mangled id ({how:?}) names no resource");
                if step.operation().starts_with("Describe") {
                    let mut p = Prediction::succeed(Basis::Assumed);
                    p.expect = Expect::Either {
                        error_types: vec![CLIENT_ERROR],
                        reason: format!("{rule}: not found, or an empty list"),
                    };
                    p
                } else {
                    Prediction::refused(rule, Basis::Assumed)
                }
            }
        };
        Some((body, prediction))
    }

    /// Learn from the answer to a malformed step: an accepted call is followed as
    /// its base (a target that ignored the malformation did what the base does).
    pub(super) fn apply_malformed(&mut self, step: &MalformedStep, outcome: &Outcome) {
        if !matches!(outcome, Outcome::Success(_)) {
            return;
        }
        if let Some((_, base)) = self.call(&step.base) {
            self.observe(&step.base, &base, outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConnectionStep, Env, HandleRef};
    use crate::vocab::Accounts;
    use rstest::rstest;

    fn model() -> Model {
        let mut m = Model::new(Env {
            region: "us-east-1".into(),
            accounts: Accounts::default(),
            locations: vec!["EqDC2".into()],
            virtual_gateways: Default::default(),
        });
        let step = Step::Connection(ConnectionStep::CreateConnection {
            by: Principal::Owner,
            location: 0,
            bandwidth: "1Gbps".into(),
            name: "c".into(),
            tags: Vec::new(),
        });
        let (_, p) = m.call(&step).unwrap();
        m.observe(
            &step,
            &p,
            &Outcome::Success(
                json!({"connectionId": "dxcon-aaaaaaaa", "connectionState": "requested"}),
            ),
        );
        m
    }

    fn malformed(base: ConnectionStep, malformed: Malformed) -> Step {
        Step::Malformed(MalformedStep {
            base: Box::new(Step::Connection(base)),
            malformed,
        })
    }

    #[rstest]
    #[case(Malformation::InvalidJson, "SerializationException")]
    #[case(Malformation::ArrayBody, "SerializationException")]
    #[case(Malformation::UnknownOperation, "UnknownOperationException")]
    #[case(Malformation::MissingTarget, "UnknownOperationException")]
    #[case(Malformation::MissingSignature, "MissingAuthenticationTokenException")]
    #[case(Malformation::MalformedSignature, "IncompleteSignatureException")]
    fn wire_malformations_expect_the_protocol_error(#[case] m: Malformation, #[case] t: &str) {
        let step = malformed(
            ConnectionStep::DescribeConnections {
                by: Principal::Owner,
                target: None,
            },
            Malformed::Wire(m),
        );
        let (_, p) = model().call(&step).unwrap();
        assert!(p.protocol_errors.contains(&t));
        assert!(
            matches!(p.expect, Expect::Reject { ref error_types, .. } if error_types.contains(&t))
        );
    }

    #[rstest]
    #[case(MangledId::Query, "dxcon-aaaaaaaa?x=1")]
    #[case(MangledId::DotDot, "dxcon-aaaaaaaa/..")]
    #[case(MangledId::Empty, "")]
    fn mangled_ids_are_rejected_on_writes(#[case] how: MangledId, #[case] sent: &str) {
        let step = malformed(
            ConnectionStep::DeleteConnection {
                by: Principal::Owner,
                target: HandleRef(0),
            },
            Malformed::MangledId(how),
        );
        let (call, p) = model().call(&step).unwrap();
        assert_eq!(call.body["connectionId"], json!(sent));
        assert!(matches!(p.expect, Expect::Reject { .. }));
    }

    #[test]
    fn unknown_members_are_ignored() {
        let step = malformed(
            ConnectionStep::DescribeLocations {
                by: Principal::Owner,
            },
            Malformed::UnknownMember,
        );
        let (call, p) = model().call(&step).unwrap();
        assert_eq!(call.body[UNKNOWN_MEMBER], json!("ignored"));
        assert_eq!(p.expect, Expect::Succeed);
    }
}
