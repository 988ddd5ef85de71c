//! One request/response pair as it crossed the wire, and how its outcome is classified.

use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Principal;

/// What kind of transport fault ended a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransportKind {
    /// Connection refused.
    Refused,
    /// Connection reset or closed mid-answer.
    Reset,
    /// No answer within the timeout.
    Timeout,
    /// Anything else below HTTP.
    Other,
}

/// The classified outcome of an exchange.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 2xx with a JSON object body (or an empty body where the output is empty).
    Success(Value),
    /// An error answer with a type (`__type` or `x-amzn-ErrorType`), namespace stripped.
    ServiceError {
        /// The error type, e.g. `DirectConnectClientException`.
        error_type: String,
        /// The message, if any (`message` or `Message`).
        message: Option<String>,
    },
    /// The target does not implement the operation (HTML 500, 501, UnknownOperation, NotImplemented).
    NotImplemented {
        /// What gave it away.
        reason: String,
    },
    /// An answer that cannot be read as awsJson.
    ProtocolFault {
        /// What is wrong.
        reason: String,
    },
    /// No HTTP answer.
    TransportFault {
        /// Kind of fault.
        kind: TransportKind,
        /// Transport message.
        message: String,
    },
}

impl Outcome {
    /// Short label for reports: `success`, `service-error`, ….
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Success(_) => "success",
            Outcome::ServiceError { .. } => "service-error",
            Outcome::NotImplemented { .. } => "not-implemented",
            Outcome::ProtocolFault { .. } => "protocol-fault",
            Outcome::TransportFault { .. } => "transport-fault",
        }
    }

    /// The success body, if any.
    pub fn body(&self) -> Option<&Value> {
        match self {
            Outcome::Success(v) => Some(v),
            _ => None,
        }
    }

    /// The error type, if this is a service error.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Outcome::ServiceError { error_type, .. } => Some(error_type),
            _ => None,
        }
    }
}

/// One call: what was sent and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Operation name.
    pub operation: String,
    /// Who called.
    pub principal: Principal,
    /// The JSON body sent.
    pub request: Value,
    /// HTTP status (0 when there was no HTTP answer).
    pub status: u16,
    /// Response headers, lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Raw response body.
    pub body: Bytes,
    /// Time from sending to the last byte.
    pub latency: Duration,
    /// Classified outcome.
    pub outcome: Outcome,
}

impl Exchange {
    /// A response header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy), for reports.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Strip the namespace (`com.amazonaws.directconnect#`) and any `:url` suffix from an error type,
/// the way AWS SDKs read `__type` and `x-amzn-ErrorType`.
pub fn sanitize_error_type(raw: &str) -> String {
    let after_hash = raw.rsplit('#').next().unwrap_or(raw);
    after_hash
        .split(':')
        .next()
        .unwrap_or(after_hash)
        .trim()
        .to_owned()
}

/// Error types by which targets say "I do not implement this operation".
const NOT_IMPLEMENTED_TYPES: &[&str] = &[
    "UnknownOperationException",
    "NotImplemented",
    "NotImplementedException",
    "InvalidAction",
];

/// Classify an HTTP answer from its status and raw body. The body decides, not the
/// content type: moto sends JSON labelled text/html, which `wire.protocol` reports.
pub fn classify(status: u16, body: &[u8]) -> Outcome {
    // Decoded only for messages: a JSON answer is parsed from its bytes.
    let text = || String::from_utf8_lossy(body);
    let looks_html = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    if status == 501 {
        return Outcome::NotImplemented {
            reason: format!("HTTP 501 {}", first_line(&text())),
        };
    }
    if looks_html {
        if status >= 500 {
            // moto answers operations it lacks with an HTML 500 page.
            return Outcome::NotImplemented {
                reason: format!("HTTP {status} with an HTML body: {}", first_line(&text())),
            };
        }
        return Outcome::ProtocolFault {
            reason: format!(
                "HTTP {status} with a non-JSON (HTML/XML) body: {}",
                first_line(&text())
            ),
        };
    }
    let parsed: Option<Value> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => Some(v),
            Err(e) => {
                return Outcome::ProtocolFault {
                    reason: format!(
                        "HTTP {status} body is not JSON ({e}): {}",
                        first_line(&text())
                    ),
                }
            }
        }
    };
    if (200..300).contains(&status) {
        return match parsed {
            Some(v @ Value::Object(_)) => Outcome::Success(v),
            // An empty 200 is a valid awsJson answer for operations without output members;
            // wire.protocol decides whether the operation declares an output.
            None => Outcome::Success(Value::Object(Default::default())),
            Some(other) => Outcome::ProtocolFault {
                reason: format!(
                    "HTTP {status} body is JSON but not an object: {}",
                    first_line(&other.to_string())
                ),
            },
        };
    }
    let error_type = parsed
        .as_ref()
        .and_then(|v| v.get("__type").or_else(|| v.get("code")))
        .and_then(Value::as_str)
        .map(sanitize_error_type);
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("Message")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match error_type {
        Some(t) if NOT_IMPLEMENTED_TYPES.contains(&t.as_str()) => Outcome::NotImplemented {
            reason: format!("HTTP {status} {t}: {}", message.as_deref().unwrap_or("")),
        },
        Some(error_type) => Outcome::ServiceError {
            error_type,
            message,
        },
        None => Outcome::ProtocolFault {
            reason: format!(
                "HTTP {status} without an error type: {}",
                first_line(&text())
            ),
        },
    }
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    line.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(200, Some("application/x-amz-json-1.1"), r#"{"a":1}"#, "success")]
    #[case(200, Some("application/x-amz-json-1.1"), "", "success")]
    #[case(200, Some("application/json"), "[1]", "protocol-fault")]
    #[case(200, Some("text/plain"), "nope", "protocol-fault")]
    #[case(
        400,
        Some("application/x-amz-json-1.1"),
        r#"{"__type":"DirectConnectClientException","message":"m"}"#,
        "service-error"
    )]
    #[case(
        400,
        None,
        r#"{"__type":"UnknownOperationException"}"#,
        "not-implemented"
    )]
    #[case(
        500,
        Some("text/html"),
        "<!doctype html><title>500</title>",
        "not-implemented"
    )]
    #[case(404, Some("text/html"), "<html>", "protocol-fault")]
    #[case(
        200,
        Some("text/html; charset=utf-8"),
        r#"{"connections":[]}"#,
        "success"
    )]
    #[case(501, None, "", "not-implemented")]
    #[case(400, Some("application/x-amz-json-1.1"), "{}", "protocol-fault")]
    #[case(
        400,
        Some("application/x-amz-json-1.1"),
        "{\"__type\":",
        "protocol-fault"
    )]
    fn classification(
        #[case] status: u16,
        #[case] _content_type: Option<&str>,
        #[case] body: &str,
        #[case] label: &str,
    ) {
        assert_eq!(classify(status, body.as_bytes()).label(), label);
    }

    #[rstest]
    #[case(
        "com.amazonaws.directconnect#DirectConnectClientException",
        "DirectConnectClientException"
    )]
    #[case(
        "DirectConnectClientException:http://internal.amazon.com/",
        "DirectConnectClientException"
    )]
    #[case("TooManyTagsException", "TooManyTagsException")]
    fn error_types_lose_namespace_and_suffix(#[case] raw: &str, #[case] clean: &str) {
        assert_eq!(sanitize_error_type(raw), clean);
    }
}
