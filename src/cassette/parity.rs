//! Parity checks: the differences between a recorded answer and a replayed one, after
//! normalisation. A separate registry: the normal run never executes these (they
//! need a recording), `dxconform parity` always does. Ids are documented in `docs/checks.md`.

use serde_json::Value;

use crate::check::{Finding, Severity};
use crate::model::Basis;

/// One parity check.
#[derive(Debug)]
pub struct ParityCheck {
    /// Stable id.
    pub id: &'static str,
    /// One-line description.
    pub summary: &'static str,
}

/// Every parity check.
pub static PARITY_CHECKS: &[ParityCheck] = &[
    ParityCheck {
        id: "parity.status",
        summary: "The replay answers with the recorded HTTP status and error type (or is sent or skipped as recorded).",
    },
    ParityCheck {
        id: "parity.value",
        summary: "A member holds the recorded value.",
    },
    ParityCheck {
        id: "parity.missing",
        summary: "A member or list item of the recorded answer is absent from the replay.",
    },
    ParityCheck {
        id: "parity.extra",
        summary: "The replay has a member or list item the recorded answer does not.",
    },
];

/// A finding of a parity check (recorded answers are the oracle: basis documented).
pub(super) fn finding(
    check: &'static str,
    operation: &str,
    step: usize,
    status: u16,
    path: String,
    expected: String,
    actual: String,
) -> Finding {
    Finding {
        check: check.to_owned(),
        severity: Severity::Failure,
        basis: Basis::Documented,
        operation: operation.to_owned(),
        step,
        status,
        path,
        expected,
        actual,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

/// The differences between a recorded (normalised, sorted) answer and a replayed one,
/// as (check id, JSON path, expected, actual).
pub fn diff(recorded: &Value, replayed: &Value) -> Vec<(&'static str, String, String, String)> {
    let mut out = Vec::new();
    walk("$", recorded, replayed, &mut out);
    out
}

fn walk(
    path: &str,
    recorded: &Value,
    replayed: &Value,
    out: &mut Vec<(&'static str, String, String, String)>,
) {
    match (recorded, replayed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => walk(&p, va, vb, out),
                    None => out.push(("parity.missing", p, short(va), "absent".to_owned())),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push((
                        "parity.extra",
                        format!("{path}.{k}"),
                        "absent".to_owned(),
                        short(vb),
                    ));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            // Items equal on both sides match whatever their position; the rest pair up in order.
            let mut left: Vec<(usize, &Value)> = a.iter().enumerate().collect();
            let mut right: Vec<&Value> = b.iter().collect();
            left.retain(|(_, va)| match right.iter().position(|vb| vb == va) {
                Some(i) => {
                    right.remove(i);
                    false
                }
                None => true,
            });
            let paired = left.len().min(right.len());
            for ((i, va), vb) in left.iter().zip(&right) {
                walk(&format!("{path}[{i}]"), va, vb, out);
            }
            for (i, va) in left.iter().skip(paired) {
                out.push((
                    "parity.missing",
                    format!("{path}[{i}]"),
                    short(va),
                    "absent".to_owned(),
                ));
            }
            for (j, vb) in right.iter().enumerate().skip(paired) {
                out.push((
                    "parity.extra",
                    format!("{path}[{}]", a.len() + j - paired),
                    "absent".to_owned(),
                    short(vb),
                ));
            }
        }
        (a, b) if a != b => out.push(("parity.value", path.to_owned(), short(a), short(b))),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_dotted_lowercase_and_documented() {
        let doc = include_str!("../../docs/checks.md");
        for c in PARITY_CHECKS {
            assert!(c.id.starts_with("parity."));
            assert_eq!(c.id, c.id.to_lowercase());
            assert!(
                doc.contains(&format!("`{}`", c.id)),
                "{} undocumented",
                c.id
            );
            assert!(
                crate::vocab::CheckId::lookup(c.id).is_none(),
                "the normal run must not run {}",
                c.id
            );
        }
    }

    #[test]
    fn differences_are_keyed_by_path() {
        let rec = json!({"a": 1, "b": [1, 2], "c": {"d": "x"}, "gone": true});
        let got = json!({"a": 2, "b": [2, 3, 4], "c": {"d": "x", "e": 1}});
        let d = diff(&rec, &got);
        let ids: Vec<(&str, &str)> = d.iter().map(|(c, p, _, _)| (*c, p.as_str())).collect();
        assert!(ids.contains(&("parity.value", "$.a")));
        assert!(ids.contains(&("parity.value", "$.b[0]")));
        assert!(ids.contains(&("parity.extra", "$.b[2]")));
        assert!(ids.contains(&("parity.extra", "$.c.e")));
        assert!(ids.contains(&("parity.missing", "$.gone")));
        assert!(diff(&rec, &rec).is_empty());
    }
}
