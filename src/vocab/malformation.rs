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

    /// What the exchange records as the request (the body text when it is not JSON).
    pub fn recorded(self, body: &Value) -> Value {
        let bytes = self.bytes(body);
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    }
}
