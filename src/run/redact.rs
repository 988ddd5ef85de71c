//! Secrets never leave the process: BGP auth keys and MACsec keys are redacted
//! from everything a run writes (records, replay files, reports).

use serde_json::Value;

/// Members whose values are secrets.
const SECRET_MEMBERS: &[&str] = &[
    "authKey",
    "cak",
    "secretARN",
    "secretAccessKey",
    "sessionToken",
];

/// The placeholder written instead of a secret.
pub const REDACTED: &str = "***redacted***";

/// A copy of `value` with every secret member's value replaced.
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if SECRET_MEMBERS.contains(&k.as_str()) && !v.is_null() {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_secrets_are_replaced_and_the_rest_kept() {
        let v = json!({"newPrivateVirtualInterface": {"authKey": "s3cr3t-key", "vlan": 5}, "list": [{"cak": "abc"}]});
        let r = redact(&v);
        assert_eq!(r["newPrivateVirtualInterface"]["authKey"], REDACTED);
        assert_eq!(r["newPrivateVirtualInterface"]["vlan"], 5);
        assert_eq!(r["list"][0]["cak"], REDACTED);
        assert!(!r.to_string().contains("s3cr3t"));
    }
}
