//! Validation of raw JSON against a shape of the specification.
//!
//! Works on the wire JSON (not on SDK types) so that a violation names the exact
//! JSON path, even where no SDK could parse the body.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Shape, ShapeType, Spec};

/// What rule of the specification a value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    /// Wrong JSON type.
    Type,
    /// A required member is absent.
    Required,
    /// A string is not one of the enum's values (exact case).
    Enum,
    /// A length or value is outside min/max.
    Range,
    /// A string does not match the declared pattern.
    Pattern,
    /// A structure carries a member the specification does not declare.
    UnknownMember,
}

/// One place where a JSON value breaks the specification.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The broken rule.
    pub kind: ViolationKind,
    /// JSON path from the document root, e.g. `$.connections[0].vlan`.
    pub path: String,
    /// What the specification wants.
    pub expected: String,
    /// What the value is.
    pub actual: String,
}

/// The JSON type name of a value, as used in messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Short rendering of a value for messages (long strings are cut).
fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// A walk through one JSON document: the path to the value being validated and the
/// violations found so far.
struct Walk {
    path: String,
    found: Vec<Violation>,
}

impl Walk {
    /// `kind` broken at the current path: `expected`, but the value is `actual`.
    fn violate(&mut self, kind: ViolationKind, expected: String, actual: String) {
        self.found.push(Violation {
            kind,
            path: self.path.clone(),
            expected,
            actual,
        });
    }

    /// Visit the value at `segment` (`.member`, `[3]`) below the current path.
    fn at(&mut self, segment: std::fmt::Arguments<'_>, visit: impl FnOnce(&mut Walk)) {
        let len = self.path.len();
        let _ = self.path.write_fmt(segment);
        visit(self);
        self.path.truncate(len);
    }

    /// A number (a length or a value, as `what` says) outside the shape's min/max.
    fn check_range(&mut self, shape: &Shape, n: f64, what: &str, value: &Value) {
        let low = shape.min.is_some_and(|min| n < min);
        let high = shape.max.is_some_and(|max| n > max);
        if low || high {
            let bound = |b: Option<f64>| b.map_or("-".to_owned(), |b| b.to_string());
            self.violate(
                ViolationKind::Range,
                format!("{what} within [{}, {}]", bound(shape.min), bound(shape.max)),
                format!("{what} {n} of {}", brief(value)),
            );
        }
    }
}

impl Spec {
    /// Validate `value` as an instance of shape `shape`; the root path is `$`.
    pub fn validate(&self, shape: &str, value: &Value) -> Vec<Violation> {
        let mut walk = Walk {
            path: String::from("$"),
            found: Vec::new(),
        };
        if let Some(found) = self.shape(shape) {
            self.validate_at(shape, found, value, &mut walk);
        }
        walk.found
    }

    /// Validate `value` as `member`'s shape (the spec resolved it at parse).
    fn validate_member(&self, member: usize, value: &Value, walk: &mut Walk) {
        if let Some((name, shape)) = self.shape_at(member) {
            self.validate_at(name, shape, value, walk);
        }
    }

    fn validate_at(&self, name: &str, shape: &Shape, value: &Value, walk: &mut Walk) {
        let type_ok = match shape.shape_type {
            ShapeType::Structure | ShapeType::Map => value.is_object(),
            ShapeType::List => value.is_array(),
            ShapeType::String | ShapeType::Blob => value.is_string(),
            ShapeType::Integer | ShapeType::Long => value.is_i64() || value.is_u64(),
            ShapeType::Boolean => value.is_boolean(),
            ShapeType::Timestamp | ShapeType::Double | ShapeType::Float => value.is_number(),
        };
        if !type_ok {
            let expected = match shape.shape_type {
                ShapeType::Timestamp => "number (epoch seconds)".to_owned(),
                t => format!("{t:?}").to_lowercase(),
            };
            walk.violate(
                ViolationKind::Type,
                format!("{expected} ({name})"),
                format!("{} {}", json_type(value), brief(value)),
            );
            return;
        }
        match shape.shape_type {
            ShapeType::Structure => self.validate_structure(name, shape, value, walk),
            ShapeType::List => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                // An empty list means the same as an absent member to every awsJson
                // deserializer, so a list's minimum length applies to non-empty lists only.
                if !items.is_empty() {
                    walk.check_range(shape, items.len() as f64, "length", value);
                }
                if let Some(member) = &shape.member {
                    for (i, item) in items.iter().enumerate() {
                        walk.at(format_args!("[{i}]"), |walk| {
                            self.validate_member(member.index, item, walk);
                        });
                    }
                }
            }
            ShapeType::Map => {
                let Some(map) = value.as_object() else { return };
                for (k, v) in map {
                    let key_value = Value::String(k.clone());
                    walk.at(format_args!("[{key_value}]"), |walk| {
                        if let Some(key) = &shape.key {
                            self.validate_member(key.index, &key_value, walk);
                        }
                        if let Some(val) = &shape.value {
                            self.validate_member(val.index, v, walk);
                        }
                    });
                }
            }
            ShapeType::String => {
                let text = value.as_str().unwrap_or_default();
                if let Some(values) = &shape.enum_values {
                    if !values.iter().any(|v| v == text) {
                        walk.violate(
                            ViolationKind::Enum,
                            format!("one of {} ({name})", values.join("|")),
                            brief(value),
                        );
                    }
                }
                walk.check_range(shape, text.chars().count() as f64, "length", value);
                if let Some(source) = &shape.pattern {
                    if let Some(re) = shape.regex() {
                        if !re.is_match(text) {
                            walk.violate(
                                ViolationKind::Pattern,
                                format!("matches {source} ({name})"),
                                brief(value),
                            );
                        }
                    }
                }
            }
            ShapeType::Integer | ShapeType::Long | ShapeType::Double | ShapeType::Float => {
                if let Some(n) = value.as_f64() {
                    walk.check_range(shape, n, "value", value);
                }
                if shape.shape_type == ShapeType::Integer {
                    let fits = value.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
                    if !fits {
                        walk.violate(
                            ViolationKind::Range,
                            format!("32-bit integer ({name})"),
                            brief(value),
                        );
                    }
                }
            }
            ShapeType::Boolean | ShapeType::Timestamp | ShapeType::Blob => {}
        }
    }

    fn validate_structure(&self, name: &str, shape: &Shape, value: &Value, walk: &mut Walk) {
        let Some(object) = value.as_object() else {
            return;
        };
        for required in &shape.required {
            if object.get(required).is_none_or(Value::is_null) {
                walk.at(format_args!(".{required}"), |walk| {
                    walk.violate(
                        ViolationKind::Required,
                        format!("member {required} of {name}"),
                        "absent".to_owned(),
                    );
                });
            }
        }
        for (key, member_value) in object {
            walk.at(format_args!(".{key}"), |walk| {
                match shape.members.get(key) {
                    // awsJson serializers may emit null for absent members; SDKs skip them.
                    Some(_) if member_value.is_null() => {}
                    Some(member) => self.validate_member(member.index, member_value, walk),
                    None => walk.violate(
                        ViolationKind::UnknownMember,
                        format!("a member of {name}"),
                        brief(member_value),
                    ),
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    fn kinds(shape: &str, value: Value) -> Vec<(ViolationKind, String)> {
        Spec::builtin()
            .validate(shape, &value)
            .into_iter()
            .map(|v| (v.kind, v.path))
            .collect()
    }

    #[test]
    fn a_conforming_connection_has_no_violations() {
        let value = json!({"ownerAccount":"111111111111","connectionId":"dxcon-fg5678gh",
            "connectionName":"a","connectionState":"requested","region":"us-east-1",
            "location":"EqDC2","bandwidth":"1Gbps","vlan":0,"jumboFrameCapable":false,
            "loaIssueTime": 1700000000.5, "tags":[{"key":"k","value":"v"}]});
        assert_eq!(kinds("Connection", value), vec![]);
    }

    #[rstest]
    #[case::mis_cased_enum(json!({"connectionState":"Available"}), ViolationKind::Enum, "$.connectionState")]
    #[case::string_vlan(json!({"vlan":"5"}), ViolationKind::Type, "$.vlan")]
    #[case::string_timestamp(json!({"loaIssueTime":"2024-01-01T00:00:00Z"}), ViolationKind::Type, "$.loaIssueTime")]
    #[case::boolean_as_string(json!({"jumboFrameCapable":"false"}), ViolationKind::Type, "$.jumboFrameCapable")]
    #[case::unknown_member(json!({"connectionID":"x"}), ViolationKind::UnknownMember, "$.connectionID")]
    #[case::tag_without_key(json!({"tags":[{"value":"v"}]}), ViolationKind::Required, "$.tags[0].key")]
    #[case::tag_key_too_long(json!({"tags":[{"key":"k".repeat(129)}]}), ViolationKind::Range, "$.tags[0].key")]
    #[case::tag_key_bad_char(json!({"tags":[{"key":"a#b"}]}), ViolationKind::Pattern, "$.tags[0].key")]
    #[case::list_not_array(json!({"tags":{"key":"k"}}), ViolationKind::Type, "$.tags")]
    fn violations_name_kind_and_path(
        #[case] value: Value,
        #[case] kind: ViolationKind,
        #[case] path: &str,
    ) {
        assert_eq!(kinds("Connection", value), vec![(kind, path.to_owned())]);
    }

    #[test]
    fn nested_lists_carry_indices() {
        let value =
            json!({"connections":[{"connectionState":"available"},{"connectionState":"gone"}]});
        assert_eq!(
            kinds("Connections", value),
            vec![(
                ViolationKind::Enum,
                "$.connections[1].connectionState".to_owned()
            )]
        );
    }

    #[test]
    fn an_empty_list_counts_as_absent() {
        assert_eq!(kinds("Connection", json!({"tags": []})), vec![]);
    }

    #[test]
    fn integer_outside_32_bits_is_a_range_violation() {
        let value = json!({"vlan": 5_000_000_000_i64});
        assert_eq!(
            kinds("Connection", value),
            vec![(ViolationKind::Range, "$.vlan".to_owned())]
        );
    }
}
