//! The key under which an `sdk.parse` verdict may be reused.
//!
//! The SDK's verdict on a response depends on its status, its error-type header
//! and the *structure* of its body: which members are present, their JSON types,
//! whether numbers fit their declared width, and the value of every enum member.
//! It does not depend on the text of plain strings (ids, names, messages) or the
//! value of in-range numbers. The skeleton replaces exactly those with a
//! placeholder, guided by the specification (declared members by their
//! position, not their name), so two answers with the same
//! skeleton get the same verdict and the SDK runs once per skeleton.

use std::borrow::Cow;

use serde_json::Value;

use crate::spec::{Shape, ShapeType, Spec};

/// The cache key of a response, or `None` when the body is not JSON (such
/// answers are always handed to the SDK).
pub(super) fn verdict_key(
    spec: &Spec,
    operation: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    parsed: Option<&Value>,
) -> Option<Vec<u8>> {
    // A success answer arrives parsed: borrow it.
    let value: Cow<'_, Value> = match parsed {
        Some(v) => Cow::Borrowed(v),
        None if body.iter().all(u8::is_ascii_whitespace) => Cow::Owned(Value::Null),
        None => Cow::Owned(serde_json::from_slice(body).ok()?),
    };
    let error_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-errortype"))
        .map_or("", |(_, v)| v.as_str());
    let mut key = Vec::with_capacity(256);
    for part in [
        operation.as_bytes(),
        &status.to_be_bytes(),
        error_type.as_bytes(),
    ] {
        key.extend_from_slice(part);
        key.push(0);
    }
    if (200..300).contains(&status) {
        match spec.operation(operation).and_then(|o| o.output.as_deref()) {
            Some(output) => match spec.shape(output) {
                Some(shape) => write_skeleton(spec, shape, &value, &mut key),
                None => write_json(&value, &mut key),
            },
            None => write_json(&value, &mut key),
        }
    } else {
        write_json(&error_skeleton(value.into_owned()), &mut key);
    }
    Some(key)
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

fn write_json(value: &Value, out: &mut Vec<u8>) {
    // Writing a Value to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// A member's position, as `#` and decimal digits and `:` (never the start of
/// a JSON key, which is a string).
fn write_position(at: usize, out: &mut Vec<u8>) {
    out.push(b'#');
    let mut digits = [0u8; 20];
    let mut n = at;
    let mut from = digits.len();
    loop {
        from -= 1;
        digits[from] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[from..]);
    out.push(b':');
}

/// The skeleton of `value` as the shape at `index` of the spec.
fn write_member(spec: &Spec, index: usize, value: &Value, out: &mut Vec<u8>) {
    match spec.shape_at(index) {
        Some((_, shape)) => write_skeleton(spec, shape, value, out),
        None => write_json(value, out),
    }
}

/// Appends the skeleton of `value` (of shape `shape`) to `out` as compact JSON,
/// without building it as a value first (the key is built for every answer).
fn write_skeleton(spec: &Spec, shape: &Shape, value: &Value, out: &mut Vec<u8>) {
    match (shape.shape_type, value) {
        (ShapeType::Structure, Value::Object(map)) => {
            out.push(b'{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match shape.members.get_full(k) {
                    // A declared member by its position in the shape: no text to escape.
                    Some((at, _, member)) => {
                        write_position(at, out);
                        write_member(spec, member.index, v, out);
                    }
                    // Unknown members are kept as they are.
                    None => {
                        // A string cannot fail to serialise.
                        let _ = serde_json::to_writer(&mut *out, k.as_str());
                        out.push(b':');
                        write_json(v, out);
                    }
                }
            }
            out.push(b'}');
        }
        (ShapeType::List, Value::Array(items)) => match &shape.member {
            // The SDK treats each item alike: the distinct item skeletons, in order of
            // first appearance (the order unknown enum values are reported in), decide.
            Some(item) => {
                let mut distinct: Vec<Vec<u8>> = Vec::new();
                for v in items {
                    let mut one = Vec::new();
                    write_member(spec, item.index, v, &mut one);
                    if !distinct.contains(&one) {
                        distinct.push(one);
                    }
                }
                out.push(b'[');
                for (i, one) in distinct.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(one);
                }
                out.push(b']');
            }
            None => write_json(value, out),
        },
        (ShapeType::Map, Value::Object(map)) => match &shape.value {
            // Keys are plain strings to the SDK; their number and values matter.
            Some(v) => {
                out.push(b'[');
                for (i, x) in map.values().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_member(spec, v.index, x, out);
                }
                out.push(b']');
            }
            None => write_json(value, out),
        },
        (ShapeType::String, Value::String(_)) if shape.enum_values.is_none() => {
            out.extend_from_slice(b"\"\"");
        }
        (ShapeType::Integer, Value::Number(n))
            if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) =>
        {
            out.push(b'0');
        }
        (ShapeType::Long, Value::Number(n)) if n.is_i64() => out.push(b'0'),
        (ShapeType::Timestamp | ShapeType::Double | ShapeType::Float, Value::Number(n)) => {
            out.extend_from_slice(if n.is_f64() { b"0.5" } else { b"0" });
        }
        // Enums, booleans, blobs and every type mismatch: as they are.
        _ => write_json(value, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(body: &str) -> Option<Vec<u8>> {
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
        // The key of an error answer of `error_type` with `message`, and `header` as
        // its x-amzn-errortype.
        let err = |error_type: &str, message: &str, header: &str| {
            let body = json!({"__type": error_type, "message": message}).to_string();
            verdict_key(
                Spec::builtin(),
                "DeleteConnection",
                400,
                &[("x-amzn-errortype".to_owned(), header.to_owned())],
                body.as_bytes(),
                None,
            )
        };
        let client = "DirectConnectClientException";
        assert_eq!(err(client, "a", "X"), err(client, "b", "X"));
        assert_ne!(
            err(client, "a", "X"),
            err("DirectConnectServerException", "a", "X")
        );
        assert_ne!(err("A", "a", "X"), err("A", "a", "Y"));
    }
}
