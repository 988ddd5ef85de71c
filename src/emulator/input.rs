//! Input validation against the operation's input shape, and how violations are
//! answered:
//!
//! - a member of the wrong JSON type (or an integer that does not fit its 32-bit
//!   shape) cannot be deserialized → `SerializationException`, as awsJson services
//!   answer before the operation runs;
//! - Required / Enum / Range / Pattern → `DirectConnectClientException` with the
//!   AWS validation message format ("1 validation error detected: Value 'x' at
//!   'tags.1.member.key' failed to satisfy constraint: Member must ...");
//! - unknown members are ignored, as AWS ignores them.

use serde_json::{Map, Value};

use super::ApiError;
use crate::spec::{Spec, Violation, ViolationKind};

/// Validate a request body against input shape `shape`.
pub(super) fn validate(
    spec: &Spec,
    shape: &str,
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    let document = Value::Object(body.clone());
    let violations = spec.validate(shape, &document);
    let is_serialization = |v: &Violation| {
        v.kind == ViolationKind::Type
            || (v.kind == ViolationKind::Range && v.expected.starts_with("32-bit integer"))
    };
    if let Some(v) = violations.iter().find(|v| is_serialization(v)) {
        return Err(ApiError::serialization(format!(
            "Cannot deserialize value at '{}': expected {}, found {}",
            aws_path(&v.path),
            v.expected,
            v.actual
        )));
    }
    let messages: Vec<String> = violations
        .iter()
        .filter(|v| v.kind != ViolationKind::UnknownMember)
        .map(|v| message(v, &document))
        .collect();
    match messages.len() {
        0 => Ok(()),
        1 => Err(ApiError::client(format!(
            "1 validation error detected: {}",
            messages[0]
        ))),
        n => Err(ApiError::client(format!(
            "{n} validation errors detected: {}",
            messages.join("; ")
        ))),
    }
}

/// One violation in AWS's wording.
fn message(v: &Violation, document: &Value) -> String {
    let value = match lookup(document, &v.path) {
        None | Some(Value::Null) => "null".to_owned(),
        Some(Value::String(s)) => format!("'{}'", cut(s)),
        Some(other) => format!("'{}'", cut(&other.to_string())),
    };
    let constraint = match v.kind {
        ViolationKind::Required => "Member must not be null".to_owned(),
        ViolationKind::Enum => format!("Member must satisfy enum value set: {}", v.expected),
        ViolationKind::Range => format!("Member must have {}", v.expected),
        ViolationKind::Pattern => format!(
            "Member must satisfy regular expression pattern: {}",
            v.expected.strip_prefix("matches ").unwrap_or(&v.expected)
        ),
        ViolationKind::Type | ViolationKind::UnknownMember => v.expected.clone(),
    };
    format!(
        "Value {value} at '{}' failed to satisfy constraint: {constraint}",
        aws_path(&v.path)
    )
}

/// Long values are cut in messages, as AWS does.
fn cut(text: &str) -> String {
    if text.chars().count() > 80 {
        format!("{}...", text.chars().take(77).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// `$.tags[0].key` → `tags.1.member.key` (AWS names list elements 1-based).
fn aws_path(path: &str) -> String {
    let mut out = String::new();
    let rest = path.strip_prefix('$').unwrap_or(path);
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !out.is_empty() {
                    out.push('.');
                }
            }
            '[' => {
                let inner: String = chars.by_ref().take_while(|&c| c != ']').collect();
                if !out.is_empty() {
                    out.push('.');
                }
                match inner.parse::<usize>() {
                    Ok(i) => out.push_str(&format!("{}.member", i + 1)),
                    Err(_) => out.push_str(inner.trim_matches('"')),
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The value at a validator path (`$.a[0].b`), if present.
fn lookup<'v>(document: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = document;
    let rest = path.strip_prefix('$')?;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '.' || c == '[' {
                        break;
                    }
                    name.push(c);
                    chars.next();
                }
                current = current.get(&name)?;
            }
            '[' => {
                let inner: String = chars.by_ref().take_while(|&c| c != ']').collect();
                current = match inner.parse::<usize>() {
                    Ok(i) => current.get(i)?,
                    Err(_) => current.get(inner.trim_matches('"'))?,
                };
            }
            _ => return None,
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::assert_says;
    use rstest::rstest;
    use serde_json::json;

    fn check(shape: &str, body: Value) -> Result<(), ApiError> {
        validate(Spec::builtin(), shape, body.as_object().unwrap())
    }

    #[test]
    fn paths_use_aws_list_numbering() {
        assert_eq!(aws_path("$.tags[0].key"), "tags.1.member.key");
        assert_eq!(aws_path("$.connectionName"), "connectionName");
        assert_eq!(aws_path("$.resourceArns[2]"), "resourceArns.3.member");
    }

    #[test]
    fn missing_required_member_is_a_client_error_naming_it() {
        let err = check(
            "CreateConnectionRequest",
            json!({"location":"EqDC2","bandwidth":"1Gbps"}),
        )
        .unwrap_err();
        assert_eq!(err.error_type, "DirectConnectClientException");
        assert_eq!(
            err.message,
            "1 validation error detected: Value null at 'connectionName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[rstest]
    #[case::wrong_type_is_a_serialization_error(
        "CreateConnectionRequest",
        json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","requestMACSec":"yes"}),
        "SerializationException",
        "requestMACSec"
    )]
    #[case::an_integer_over_32_bits_is_a_serialization_error(
        "DescribeConnectionsRequest",
        json!({"maxResults": 5_000_000_000_i64}),
        "SerializationException",
        "maxResults"
    )]
    #[case::a_tag_key_pattern_is_a_client_error_with_the_value(
        "TagResourceRequest",
        json!({"resourceArn":"a","tags":[{"key":"ok"},{"key":"bad#key","value":"v"}]}),
        "DirectConnectClientException",
        "'bad#key' at 'tags.2.member.key'"
    )]
    #[case::a_tag_key_length_is_a_client_error(
        "TagResourceRequest",
        json!({"resourceArn":"a","tags":[{"key":"k".repeat(129)}]}),
        "DirectConnectClientException",
        "Member must have length within [1, 128]"
    )]
    #[case::enum_violation_is_a_client_error(
        "CreateConnectionRequest",
        json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","billingMode":"Free"}),
        "DirectConnectClientException",
        "'Free' at 'billingMode'"
    )]
    fn violations_are_refused_by_type_naming_the_member(
        #[case] shape: &str,
        #[case] body: Value,
        #[case] error_type: &str,
        #[case] needle: &str,
    ) {
        let err = check(shape, body).unwrap_err();
        assert_eq!(err.error_type, error_type);
        assert_says(&err, needle);
    }

    #[test]
    fn two_violations_are_counted_and_unknown_members_ignored() {
        let err = check(
            "CreateConnectionRequest",
            json!({"bandwidth":"1Gbps","extra":1}),
        )
        .unwrap_err();
        assert!(
            err.message.starts_with("2 validation errors detected: "),
            "{}",
            err.message
        );
        assert!(check(
            "CreateConnectionRequest",
            json!({"location":"EqDC2","bandwidth":"1Gbps","connectionName":"a","someFutureMember":1})
        )
        .is_ok());
    }
}
