//! Secrets never leave the process: BGP auth keys and MACsec keys are redacted
//! from everything a run writes (records, replay files, reports).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
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

/// A response body as report text with its secrets redacted. Bodies that cannot
/// hold a secret member (none of the names occurs in them, the common case) are
/// kept as received, without parsing them again.
pub fn redact_body(body: &[u8]) -> String {
    // One pass over the body for all the names (a window-by-window comparison per
    // name was 3% of a run's CPU).
    static NAMES: LazyLock<Option<AhoCorasick>> =
        LazyLock::new(|| AhoCorasick::new(SECRET_MEMBERS).ok());
    // Were the automaton unbuildable, every body is parsed and redacted: slower, never leaky.
    let may_hold_secret = NAMES.as_ref().is_none_or(|names| names.is_match(body));
    if may_hold_secret {
        if let Ok(value) = serde_json::from_slice::<Value>(body) {
            return redact(&value).to_string();
        }
    }
    String::from_utf8_lossy(body).into_owned()
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

    #[test]
    fn an_over_long_auth_key_of_an_invalid_step_is_redacted_from_its_request() {
        let rule = crate::model::rules("CreateBGPPeer")
            .iter()
            .find(|r| r.name == "authKey.max")
            .unwrap();
        let body = crate::model::apply_edits(&json!({"newBGPPeer": {}}), &rule.edits).unwrap();
        assert_eq!(redact(&body)["newBGPPeer"]["authKey"], REDACTED);
    }

    #[test]
    fn bodies_are_redacted_only_when_they_can_hold_a_secret() {
        let plain = br#"{"connectionId": "dxcon-1",  "vlan": 5}"#;
        assert_eq!(redact_body(plain), String::from_utf8_lossy(plain));
        let secret = br#"{"bgpPeers": [{"authKey": "s3cr3t-key"}]}"#;
        let text = redact_body(secret);
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains(REDACTED));
        assert_eq!(redact_body(b"<html>authKey</html>"), "<html>authKey</html>");
    }
}
