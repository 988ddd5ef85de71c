//! Model checks: answers against the lifecycle model's prediction.

use serde_json::Value;

use super::{CheckCtx, Sink};
use crate::model::{StateCheck, Visibility};
use crate::vocab::{Exchange, Outcome};

fn states(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>, which: StateCheck) {
    let Outcome::Success(body) = &exchange.outcome else {
        return;
    };
    for e in &ctx.prediction.resources {
        if e.state_check != which || e.states.is_empty() || e.visibility == Visibility::MustNot {
            continue;
        }
        let Some((path, item)) = ctx.prediction.locate(e, body) else {
            continue;
        };
        let member = e.kind.state_member();
        let Some(state) = item.get(member).and_then(Value::as_str) else {
            continue;
        };
        // A state outside the enum that real AWS is documented to answer says nothing
        // about the lifecycle's edges (shape.documented-deviation reports it).
        if super::deviation::lookup(member, state).is_some() {
            continue;
        }
        let lifecycle = e.kind.lifecycle();
        let allowed = lifecycle.names(e.states);
        if !lifecycle.index(state).is_some_and(|i| e.states.has(i)) {
            let what = match which {
                StateCheck::Result => "state after this call",
                StateCheck::Transition => "state reachable from the last observation",
                StateCheck::Gone => "a gone state for a deleted resource",
            };
            sink.report(
                format!("{path}.{member}"),
                format!("{what}: {}", allowed.join("|")),
                format!("{state:?}"),
            );
        }
    }
}

/// The state a write answers with is in the predicted set.
pub fn state(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    states(ctx, exchange, sink, StateCheck::Result);
}

/// Successive observations follow allowed edges (no regression outside documented flaps).
pub fn transition(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    states(ctx, exchange, sink, StateCheck::Transition);
}

/// A deleted resource is reported deleted or absent; it never comes back.
pub fn gone(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    states(ctx, exchange, sink, StateCheck::Gone);
}

/// Inputs come back as given (names, bandwidth, location, owner, region, tags).
pub fn echo(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    let Outcome::Success(body) = &exchange.outcome else {
        return;
    };
    for e in &ctx.prediction.resources {
        if e.visibility == Visibility::MustNot {
            continue;
        }
        let Some((path, item)) = ctx.prediction.locate(e, body) else {
            continue;
        };
        for (member, want) in &e.echo {
            // An absent member is shape.required's to report.
            match item.get(*member) {
                Some(got) if !got.is_null() && got != want => {
                    sink.report(
                        format!("{path}.{member}"),
                        want.to_string(),
                        got.to_string(),
                    );
                }
                _ => {}
            }
        }
        if let Some(want) = &e.tags {
            let mut got: Vec<(String, String)> = item
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| {
                    tags.iter()
                        .map(|t| {
                            let field = |k: &str| {
                                t.get(k)
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_owned()
                            };
                            (field("key"), field("value"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            got.sort();
            let mut want = want.clone();
            want.sort();
            if got != want {
                let render = |tags: &[(String, String)]| {
                    let inner: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("[{}]", inner.join(", "))
                };
                sink.report(format!("{path}.tags"), render(&want), render(&got));
            }
        }
    }
}

/// What was created is visible to its account; what belongs to another account is not;
/// a call naming one resource lists only it.
pub fn visible(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    let Outcome::Success(body) = &exchange.outcome else {
        return;
    };
    let Some(list) = &ctx.prediction.list else {
        return;
    };
    let Some((root, base)) = ctx.prediction.base(body) else {
        return;
    };
    let listed = format!("{root}.{}", list.member);
    for e in &ctx.prediction.resources {
        let Some(id) = e.id.as_deref() else { continue };
        let found = ctx.prediction.locate(e, body).is_some();
        match e.visibility {
            Visibility::Must if !found => {
                sink.report(listed.clone(), format!("lists {id}"), "absent");
            }
            Visibility::MustNot if found => {
                sink.report(
                    listed.clone(),
                    format!(
                        "does not list {id} of another account to {}",
                        exchange.principal
                    ),
                    "listed",
                );
            }
            _ => {}
        }
    }
    // Every item at most once.
    if let Some(items) = base.get(list.member).and_then(Value::as_array) {
        let mut seen = std::collections::BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(id) = item.get(list.id_member).and_then(Value::as_str) {
                if !seen.insert(id) {
                    sink.report(
                        format!("{listed}[{i}].{}", list.id_member),
                        format!("{id} listed once"),
                        "listed again",
                    );
                }
            }
        }
    }
    if list.exclusive {
        let wanted: Vec<&str> = ctx
            .prediction
            .resources
            .iter()
            .filter_map(|e| e.id.as_deref())
            .collect();
        if let Some(items) = base.get(list.member).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                let id = item
                    .get(list.id_member)
                    .and_then(Value::as_str)
                    .unwrap_or("(no id)");
                if !wanted.contains(&id) {
                    let expected = if wanted.is_empty() {
                        "an empty list".to_owned()
                    } else {
                        format!("only {}", wanted.join(", "))
                    };
                    sink.report(
                        format!("{listed}[{i}].{}", list.id_member),
                        expected,
                        id.to_owned(),
                    );
                }
            }
        }
    }
}

/// Two creates yield two distinct resources with distinct ids.
pub fn unique(ctx: &CheckCtx<'_>, exchange: &Exchange, sink: &mut Sink<'_>) {
    let Outcome::Success(body) = &exchange.outcome else {
        return;
    };
    for e in ctx.prediction.resources.iter().filter(|e| e.id.is_none()) {
        let Some((path, item)) = ctx.prediction.locate(e, body) else {
            continue;
        };
        let member = e.kind.id_member();
        if let Some(id) = item.get(member).and_then(Value::as_str) {
            if ctx.prediction.taken_ids.iter().any(|t| t == id) {
                sink.report(
                    format!("{path}.{member}"),
                    "an id not returned before in this case",
                    format!("{id:?} again"),
                );
            }
        }
    }
}
