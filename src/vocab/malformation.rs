//! Malformed wire requests: what a request looks like when its framing, rather
//! than its members, is broken (an unparseable body, a missing or unknown
//! `X-Amz-Target`, a wrong content type, a missing or mangled signature).
//!
//! The target layer sends them (`WireClient::malformed`); what a conformant answer
//! is lives in the model (`model::MalformedStep`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One way to break a request's framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Malformation {
    /// A body that is not JSON (`{"connectionId": `).
    InvalidJson,
    /// A JSON array instead of an object.
    ArrayBody,
    /// A JSON string instead of an object.
    StringBody,
    /// An `X-Amz-Target` naming an operation the service does not have.
    UnknownOperation,
    /// No `X-Amz-Target` header.
    MissingTarget,
    /// `Content-Type: text/plain` instead of `application/x-amz-json-1.1`.
    WrongContentType,
    /// No SigV4 `Authorization` header.
    MissingSignature,
    /// An `Authorization` header that is not a SigV4 signature.
    MalformedSignature,
}

impl Malformation {
    /// Every malformation.
    pub const ALL: [Malformation; 8] = [
        Malformation::InvalidJson,
        Malformation::ArrayBody,
        Malformation::StringBody,
        Malformation::UnknownOperation,
        Malformation::MissingTarget,
        Malformation::WrongContentType,
        Malformation::MissingSignature,
        Malformation::MalformedSignature,
    ];

    /// The body bytes sent for a request whose valid body is `body`.
    pub fn bytes(self, body: &Value) -> Vec<u8> {
        match self {
            Malformation::InvalidJson => b"{\"connectionId\": ".to_vec(),
            Malformation::ArrayBody => serde_json::to_vec(&Value::Array(vec![body.clone()]))
                .unwrap_or_else(|_| b"[]".to_vec()),
            Malformation::StringBody => b"\"DescribeConnections\"".to_vec(),
            _ => serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()),
        }
    }

    /// The body bytes sent, from what the exchange recorded ([`Malformation::recorded`]):
    /// reports and reproductions keep only the recording.
    pub fn bytes_of_recorded(self, recorded: &Value) -> Vec<u8> {
        match self {
            // Constant bodies, whatever the valid body was.
            Malformation::InvalidJson | Malformation::StringBody => self.bytes(&Value::Null),
            _ => serde_json::to_vec(recorded).unwrap_or_default(),
        }
    }

    /// The `X-Amz-Target` header a request of `operation` carries (`prefix` is the
    /// service's target prefix), or `None` when the header is left out.
    pub fn target_header(self, prefix: &str, operation: &str) -> Option<String> {
        match self {
            Malformation::UnknownOperation => Some(format!("{prefix}.{operation}Nonexistent")),
            Malformation::MissingTarget => None,
            _ => Some(format!("{prefix}.{operation}")),
        }
    }

    /// The content type sent, given the protocol's own.
    pub fn content_type(self, protocol: &str) -> &str {
        match self {
            Malformation::WrongContentType => "text/plain",
            _ => protocol,
        }
    }

    /// How the request is signed.
    pub fn signature(self) -> Signature {
        match self {
            Malformation::MissingSignature => Signature::Absent,
            Malformation::MalformedSignature => Signature::Garbage(MALFORMED_AUTHORIZATION),
            _ => Signature::SigV4,
        }
    }

    /// What the exchange records as the request (the body text when it is not JSON).
    pub fn recorded(self, body: &Value) -> Value {
        let bytes = self.bytes(body);
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// The `Authorization` header of [`Malformation::MalformedSignature`].
pub const MALFORMED_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=not-a-credential";

/// How a malformed request is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// Signed with SigV4, as every valid request.
    SigV4,
    /// No `Authorization` header.
    Absent,
    /// This `Authorization` header, which is not a SigV4 signature.
    Garbage(&'static str),
}
