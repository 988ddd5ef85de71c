//! Values real AWS is publicly documented to answer although its own published
//! specification forbids them (docs/aws-quirks.md). A target that answers one is
//! behaving like AWS, so the specification checks (`shape.enum`, `shape.pattern`,
//! `sdk.parse`) and the lifecycle checks (`model.state`, `model.transition`,
//! `model.gone`) let it pass, and `shape.documented-deviation` reports it as a
//! warning that names the value and its source: the specification is what is wrong
//! there, not the target.

use serde_json::Value;

use super::{CheckCtx, Sink};
use crate::vocab::{Exchange, Outcome};

/// One documented deviation of real AWS from its published specification.
#[derive(Debug)]
pub struct Deviation {
    /// The answer member that carries it (wherever it occurs in an answer).
    pub member: &'static str,
    /// The value AWS answers there.
    pub value: &'static str,
    /// The rule of the specification the value breaks.
    pub breaks: &'static str,
    /// Where AWS was seen answering it.
    pub source: &'static str,
}

/// Every documented deviation.
pub static DEVIATIONS: &[Deviation] = &[
    // [outputs] the published aws-cli output of allocate-transit-virtual-interface answers
    // an unset gateway reference as an empty string: "virtualGatewayId": "" and
    // "directConnectGatewayId": "". `virtualGatewayId` has no declared pattern, so only the
    // gateway id breaks a rule: the UUID form of the API Reference's gateway ids.
    Deviation {
        member: "directConnectGatewayId",
        value: "",
        breaks: "a Direct Connect gateway id (a UUID, API Reference examples)",
        source: "[outputs] aws-cli allocate-transit-virtual-interface (an unset reference answered as \"\")",
    },
    // terraform-provider-aws #11594: a hosted private VIF (allocating side) was reported
    // `approving`, which the provider's waiter did not know ("unexpected state 'approving',
    // wanted target 'available, confirming, down'").
    Deviation {
        member: "virtualInterfaceState",
        value: "approving",
        breaks: "one of the VirtualInterfaceState enum",
        source: "terraform-provider-aws #11594",
    },
];

/// The deviation `member` = `value` is, if it is one.
pub fn lookup(member: &str, value: &str) -> Option<&'static Deviation> {
    DEVIATIONS
        .iter()
        .find(|d| d.member == member && d.value == value)
}

/// The deviation at JSON `path` whose value renders (as JSON) as `rendered`, if it is one:
/// how the specification checks recognise a documented value in a violation.
pub fn at(path: &str, rendered: &str) -> Option<&'static Deviation> {
    let member = path.rsplit('.').next().unwrap_or(path);
    let value = serde_json::from_str::<Value>(rendered).ok()?;
    lookup(member, value.as_str()?)
}

/// The documented deviations `body` carries, at their members (for verdicts that name
/// values without their member, such as the SDK's unknown enum variants).
pub fn carried(body: &Value) -> Vec<&'static Deviation> {
    let mut out = Vec::new();
    collect(body, &mut out);
    out
}

fn collect(value: &Value, out: &mut Vec<&'static Deviation>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) => out.extend(lookup(k, s)),
                    other => collect(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Calls `visit(path, member, text)` for every string member inside `value`, depth first
/// in document order; `path` starts as the caller's (`$`) and names each member
/// (`$.connections[0].connectionState`). The checks that judge string members by their
/// name share this walk.
pub(super) fn each_string_member(
    value: &Value,
    path: &mut String,
    visit: &mut impl FnMut(&str, &str, &str),
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                match v {
                    Value::String(s) => visit(path, k, s),
                    other => each_string_member(other, path, visit),
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                each_string_member(v, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// A value outside the published specification that real AWS is documented to answer
/// (a warning: the specification is wrong there, not the target).
pub fn documented_deviation(_ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    if let Outcome::Success(body) = &exchange.outcome {
        each_string_member(body, &mut "$".to_owned(), &mut |path, member, text| {
            if let Some(d) = lookup(member, text) {
                sink.report(
                    path.to_owned(),
                    format!("{} (published specification)", d.breaks),
                    format!(
                        "{text:?}, outside the published specification; real AWS answers it ({})",
                        d.source
                    ),
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_deviation_cites_its_source_and_breaks_a_rule() {
        for d in DEVIATIONS {
            assert!(
                d.source.starts_with("[outputs]")
                    || d.source.starts_with("[api]")
                    || d.source.starts_with("[spec]")
                    || d.source.contains('#'),
                "{}: {}",
                d.member,
                d.source
            );
            assert!(at(
                &format!("$.x.{}", d.member),
                &Value::from(d.value).to_string()
            )
            .is_some());
        }
        assert!(lookup("virtualInterfaceState", "available").is_none());
        assert!(at("$.connectionState", "\"approving\"").is_none());
        let body = serde_json::json!({"virtualInterfaces": [{"virtualInterfaceState": "approving"}],
            "connections": [{"connectionState": "approving"}]});
        assert_eq!(carried(&body).len(), 1, "only at its member");
    }
}
