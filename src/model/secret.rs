//! Secrets in steps (BGP auth keys) never leave the process: a step serializes an
//! auth key as its length only, and a replayed step regenerates a key of that length
//! (deterministic, within the documented alphabet), which is all conformance needs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a secret appears in replay files and reports.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    /// Written by this version: the length only.
    Redacted {
        /// Length of the secret.
        redacted_length: usize,
    },
    /// A literal value (hand-written replay files).
    Literal(String),
}

/// A deterministic stand-in of `length` characters of the auth-key alphabet.
pub fn stand_in(length: usize) -> String {
    "dxconformkey0123456789"
        .chars()
        .cycle()
        .take(length)
        .collect()
}

/// Serialize an optional secret as its length.
pub fn serialize<S: Serializer>(value: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    value
        .as_ref()
        .map(|v| Stored::Redacted {
            redacted_length: v.chars().count(),
        })
        .serialize(serializer)
}

/// Read an optional secret written by [`serialize`] (or a literal one).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        Option::<Stored>::deserialize(deserializer)?.map(|stored| match stored {
            Stored::Redacted { redacted_length } => stand_in(redacted_length),
            Stored::Literal(value) => value,
        }),
    )
}

/// A required hexadecimal secret (a MACsec CAK): written as its length, read back
/// as a stand-in of hex digits of that length.
pub mod hex {
    use super::Stored;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serialize as the length only.
    pub fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        Stored::Redacted {
            redacted_length: value.chars().count(),
        }
        .serialize(serializer)
    }

    /// Read back a stand-in of hex digits (or a literal value).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Redacted { redacted_length } => "0123456789abcdef"
                .chars()
                .cycle()
                .take(redacted_length)
                .collect(),
            Stored::Literal(value) => value,
        })
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(with = "super", default)]
        key: Option<String>,
    }

    #[test]
    fn a_secret_is_written_as_its_length_and_read_back_as_a_stand_in() {
        let json = serde_json::to_string(&Holder {
            key: Some("s3cretValue".into()),
        })
        .unwrap();
        assert!(!json.contains("s3cret"), "{json}");
        assert_eq!(json, r#"{"key":{"redacted_length":11}}"#);
        let back: Holder = serde_json::from_str(&json).unwrap();
        assert_eq!(back.key.as_deref().map(str::len), Some(11));
        let none: Holder = serde_json::from_str(r#"{"key":null}"#).unwrap();
        assert_eq!(none.key, None);
        let literal: Holder = serde_json::from_str(r#"{"key":"abcdef"}"#).unwrap();
        assert_eq!(literal.key.as_deref(), Some("abcdef"));
    }
}
