//! The key under which an `sdk.parse` verdict may be reused.
//!
//! The SDK's verdict on a response depends on its status, its error-type header
//! and the *structure* of its body: which members are present, their JSON types,
//! whether numbers fit their declared width, and the value of every enum member.
//! It does not depend on the text of plain strings (ids, names, messages) or the
//! value of in-range numbers. The skeleton replaces exactly those with a
//! placeholder, guided by the specification, so two answers with the same
//! skeleton get the same verdict and the SDK runs once per skeleton.

use std::borrow::Cow;

use serde_json::Value;

use crate::spec::{ShapeType, Spec};

/// The cache key of a response, or `None` when the body is not JSON (such
/// answers are always handed to the SDK).
pub(super) fn verdict_key(
    spec: &Spec,
    operation: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    parsed: Option<&Value>,
) -> Option<String> {
    // A success answer arrives parsed: borrow it (the skeleton is a new value anyway).
    let value: Cow<'_, Value> = match parsed {
        Some(v) => Cow::Borrowed(v),
        None if body.iter().all(u8::is_ascii_whitespace) => Cow::Owned(Value::Null),
        None => Cow::Owned(serde_json::from_slice(body).ok()?),
    };
    let error_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-errortype"))
        .map_or("", |(_, v)| v.as_str());
    let skeleton = if (200..300).contains(&status) {
        match spec.operation(operation).and_then(|o| o.output.as_deref()) {
            Some(output) => skeleton(spec, output, &value),
            None => value.into_owned(),
        }
    } else {
        error_skeleton(value.into_owned())
    };
    Some(format!(
        "{operation}\u{0}{status}\u{0}{error_type}\u{0}{skeleton}"
    ))
}

/// An error document without its message text (the SDK keeps it verbatim).
fn error_skeleton(mut value: Value) -> Value {
    if let Some(map) = value.as_object_mut() {
        for (key, v) in map.iter_mut() {
            if key.eq_ignore_ascii_case("message") && v.is_string() {
                *v = Value::String(String::new());
            }
        }
    }
    value
}

fn skeleton(spec: &Spec, shape_name: &str, value: &Value) -> Value {
    let Some(shape) = spec.shape(shape_name) else {
        return value.clone();
    };
    match (shape.shape_type, value) {
        (ShapeType::Structure, Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match shape.members.get(k) {
                        Some(member) => skeleton(spec, &member.shape, v),
                        None => v.clone(), // unknown members are kept as they are
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        (ShapeType::List, Value::Array(items)) => match &shape.member {
            // The SDK treats each item alike: the distinct item skeletons, in order of
            // first appearance (the order unknown enum values are reported in), decide.
            Some(item) => {
                let mut distinct: Vec<Value> = Vec::new();
                for v in items.iter().map(|v| skeleton(spec, &item.shape, v)) {
                    if !distinct.contains(&v) {
                        distinct.push(v);
                    }
                }
                Value::Array(distinct)
            }
            None => value.clone(),
        },
        (ShapeType::Map, Value::Object(map)) => match &shape.value {
            // Keys are plain strings to the SDK; their number and values matter.
            Some(v) => Value::Array(map.values().map(|x| skeleton(spec, &v.shape, x)).collect()),
            None => value.clone(),
        },
        (ShapeType::String, Value::String(_)) if shape.enum_values.is_none() => {
            Value::String(String::new())
        }
        (ShapeType::Integer, Value::Number(n))
            if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) =>
        {
            Value::from(0)
        }
        (ShapeType::Long, Value::Number(n)) if n.is_i64() => Value::from(0),
        (ShapeType::Timestamp | ShapeType::Double | ShapeType::Float, Value::Number(n)) => {
            if n.is_f64() {
                Value::from(0.5)
            } else {
                Value::from(0)
            }
        }
        // Enums, booleans, blobs and every type mismatch: as they are.
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(body: &str) -> Option<String> {
        verdict_key(
            Spec::builtin(),
            "CreateConnection",
            200,
            &[],
            body.as_bytes(),
            None,
        )
    }

    #[test]
    fn plain_strings_and_in_range_numbers_do_not_matter() {
        let a = key(
            r#"{"connectionId":"dxcon-aaaa1111","connectionState":"available","vlan":5,"loaIssueTime":1700000000}"#,
        );
        let b = key(
            r#"{"connectionId":"dxcon-bbbb2222","connectionState":"available","vlan":77,"loaIssueTime":1600000000}"#,
        );
        assert_eq!(a, b);
    }

    #[test]
    fn enums_types_widths_and_members_do() {
        let base = key(r#"{"connectionId":"dxcon-a","connectionState":"available","vlan":5}"#);
        for other in [
            r#"{"connectionId":"dxcon-a","connectionState":"Available","vlan":5}"#,
            r#"{"connectionId":"dxcon-a","connectionState":"available","vlan":"5"}"#,
            r#"{"connectionId":"dxcon-a","connectionState":"available","vlan":5000000000}"#,
            r#"{"connectionId":"dxcon-a","connectionState":"available","vlan":5.5}"#,
            r#"{"connectionId":"dxcon-a","connectionState":"available"}"#,
            r#"{"connectionId":"dxcon-a","connectionState":"available","vlan":5,"extra":1}"#,
        ] {
            assert_ne!(base, key(other), "{other}");
        }
        assert_eq!(key("not json"), None);
    }

    #[test]
    fn lists_count_by_distinct_items() {
        let list = |body: &str| {
            verdict_key(
                Spec::builtin(),
                "DescribeConnections",
                200,
                &[],
                body.as_bytes(),
                None,
            )
        };
        let one = list(r#"{"connections":[{"connectionId":"a","connectionState":"available"}]}"#);
        let two = list(
            r#"{"connections":[{"connectionId":"a","connectionState":"available"},{"connectionId":"b","connectionState":"available"}]}"#,
        );
        let mixed = list(
            r#"{"connections":[{"connectionId":"a","connectionState":"available"},{"connectionId":"b","connectionState":"down"}]}"#,
        );
        assert_eq!(one, two);
        assert_ne!(one, mixed);
        assert_ne!(one, list(r#"{"connections":[]}"#));
    }

    #[test]
    fn errors_differ_by_type_not_message() {
        let err = |body: &str, header: &str| {
            verdict_key(
                Spec::builtin(),
                "DeleteConnection",
                400,
                &[("x-amzn-errortype".to_owned(), header.to_owned())],
                body.as_bytes(),
                None,
            )
        };
        assert_eq!(
            err(
                r#"{"__type":"DirectConnectClientException","message":"a"}"#,
                "X"
            ),
            err(
                r#"{"__type":"DirectConnectClientException","message":"b"}"#,
                "X"
            )
        );
        assert_ne!(
            err(
                r#"{"__type":"DirectConnectClientException","message":"a"}"#,
                "X"
            ),
            err(
                r#"{"__type":"DirectConnectServerException","message":"a"}"#,
                "X"
            )
        );
        assert_ne!(
            err(r#"{"__type":"A","message":"a"}"#, "X"),
            err(r#"{"__type":"A","message":"a"}"#, "Y")
        );
    }
}
