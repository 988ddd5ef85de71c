//! Shape checks: answers against the specification's declared shapes.

use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

use super::{CheckCtx, Sink};
use crate::spec::ViolationKind;
use crate::vocab::{Exchange, Outcome};

fn report_kind(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>, kind: ViolationKind) {
    // A value real AWS is documented to answer is shape.documented-deviation's to report.
    let documented =
        |v: &&crate::spec::Violation| super::deviation::at(&v.path, &v.actual).is_some();
    for v in ctx
        .violations(exchange)
        .iter()
        .filter(|v| v.kind == kind && !documented(v))
    {
        sink.report(v.path.clone(), v.expected.clone(), v.actual.clone());
    }
}

/// Every member has the declared JSON type (timestamps as epoch numbers).
pub fn types(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::Type);
    if let Outcome::ServiceError { .. } = exchange.outcome {
        // An error body's message, when present, is a string (every declared error shape).
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&exchange.body) {
            for key in ["message", "Message"] {
                if let Some(v) = map.get(key).filter(|v| !v.is_string() && !v.is_null()) {
                    sink.report(format!("$.{key}"), "string", v.to_string());
                }
            }
        }
    }
}

/// Members the specification requires and the model needs (ids, states, echoed inputs) are present.
pub fn required(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::Required);
    let Outcome::Success(body) = &exchange.outcome else {
        return;
    };
    let needed = &ctx.prediction.required_members;
    if needed.is_empty() {
        return;
    }
    let mut check_item = |path: String, item: &Value| {
        for member in needed {
            if item.get(member).is_none_or(Value::is_null) {
                sink.report(
                    format!("{path}.{member}"),
                    format!("member {member}"),
                    "absent",
                );
            }
        }
    };
    let Some((root, base)) = ctx.prediction.base(body) else {
        let within = ctx.prediction.within.unwrap_or_default();
        sink.report(format!("$.{within}"), format!("member {within}"), "absent");
        return;
    };
    match &ctx.prediction.list {
        None => check_item(root, base),
        Some(list) => match base.get(list.member).and_then(Value::as_array) {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_item(format!("{root}.{}[{i}]", list.member), item);
                }
            }
            None => {
                if !matches!(base.get(list.member), Some(v) if !v.is_null()) {
                    sink.report(
                        format!("{root}.{}", list.member),
                        format!("member {} (a list)", list.member),
                        "absent",
                    );
                }
            }
        },
    }
}

/// Every enum-typed value is one of the enum's values (exact case).
pub fn enums(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::Enum);
}

/// Declared min/max hold.
pub fn range(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::Range);
}

/// Id shapes documented in the API reference (e.g. `dxcon-fg5678gh`, 12-digit accounts).
fn documented_id_shapes() -> &'static [(&'static str, Regex)] {
    static SHAPES: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        [
            // [api] AssociateMacSecKey/DisassociateMacSecKey answer "the ID of the dedicated
            // connection (dxcon-xxxx), or the ID of the LAG (dxlag-xxxx)" in `connectionId`;
            // a VIF's `connectionId` may name a LAG too.
            ("connectionId", r"^dx(con|lag)-[a-z0-9]{6,}$"),
            ("interconnectId", r"^dxcon-[a-z0-9]{6,}$"),
            ("lagId", r"^dxlag-[a-z0-9]{6,}$"),
            ("virtualInterfaceId", r"^dxvif-[a-z0-9]{6,}$"),
            ("ownerAccount", r"^[0-9]{12}$"),
            (
                "directConnectGatewayId",
                r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            ),
        ]
        .into_iter()
        .map(|(m, p)| (m, Regex::new(p).expect("static pattern")))
        .collect()
    })
}

/// Declared patterns hold, and ids have their documented shapes.
pub fn pattern(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::Pattern);
    if let Outcome::Success(body) = &exchange.outcome {
        let mut check = |path: &str, member: &str, text: &str| {
            let Some((_, re)) = documented_id_shapes().iter().find(|(m, _)| *m == member) else {
                return;
            };
            if !re.is_match(text) && super::deviation::lookup(member, text).is_none() {
                sink.report(
                    path.to_owned(),
                    format!("matches {}", re.as_str()),
                    format!("{text:?}"),
                );
            }
        };
        super::deviation::each_string_member(body, &mut "$".to_owned(), &mut check);
    }
}

/// Members the specification does not declare (a warning).
pub fn unknown_member(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    report_kind(ctx, exchange, sink, ViolationKind::UnknownMember);
}
