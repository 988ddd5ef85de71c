//! The awsJson 1.1 wire protocol: decoding a request (target, authentication,
//! body) and rendering answers.
//!
//! Expectations and where they come from (awsJson 1.1 as specified by Smithy and
//! answered by AWS JSON services):
//! - `X-Amz-Target: OvertureService.<Operation>` names the operation; a missing
//!   header, another prefix or an operation the service model does not have →
//!   400 `UnknownOperationException`;
//! - authentication is checked next (see `auth`);
//! - the body must be a JSON object (an empty body counts as `{}`); anything else
//!   → 400 `SerializationException`;
//! - the request `Content-Type` is not enforced (SDKs always send
//!   `application/x-amz-json-1.1`; the harness checks what we send, not this);
//! - every answer carries `Content-Type: application/x-amz-json-1.1` and an
//!   `x-amzn-RequestId`; errors are `{"__type": ..., "message": ...}` with the
//!   type repeated in `x-amzn-ErrorType`.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Map, Value};

use super::{auth, ApiError, EmulatorConfig};
use crate::spec::Spec;

/// A decoded, authenticated API request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ApiRequest {
    /// Operation name from `X-Amz-Target`.
    pub operation: String,
    /// The caller's account.
    pub account: String,
    /// The JSON body.
    pub body: Map<String, Value>,
}

/// Decode a request: target first, then authentication, then the body.
pub(super) fn decode(
    spec: &Spec,
    config: &EmulatorConfig,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ApiRequest, ApiError> {
    let operation = operation(spec, headers)?;
    let account = auth::caller_account(headers, config)?;
    let body = parse_body(body)?;
    Ok(ApiRequest {
        operation,
        account,
        body,
    })
}

/// The operation named by `X-Amz-Target`.
fn operation(spec: &Spec, headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(target) = headers.get("x-amz-target") else {
        return Err(ApiError::unknown_operation("Missing X-Amz-Target header"));
    };
    let target = target
        .to_str()
        .map_err(|_| ApiError::unknown_operation("X-Amz-Target is not ASCII"))?;
    match target.split_once('.') {
        Some((prefix, name))
            if prefix == spec.source.target_prefix && spec.operation(name).is_some() =>
        {
            Ok(name.to_owned())
        }
        _ => Err(ApiError::unknown_operation(format!(
            "Unknown operation {target}"
        ))),
    }
}

/// The body as a JSON object.
fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::serialization(format!(
            "Request body must be a JSON object, not {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        ))),
        Err(e) => Err(ApiError::serialization(format!(
            "Request body is not valid JSON: {e}"
        ))),
    }
}

/// An awsJson answer with status `status` and JSON `body`.
pub(super) fn response(status: u16, body: &Value, request_id: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// An error answer.
pub(super) fn error_response(error: &ApiError, request_id: &str) -> Response<Full<Bytes>> {
    let body = json!({"__type": error.error_type, "message": error.message});
    let mut response = response(error.status, &body, request_id);
    response.headers_mut().insert(
        "x-amzn-errortype",
        HeaderValue::from_static(error.error_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/directconnect/aws4_request, \
                        SignedHeaders=host, Signature=abcd";

    fn decode_with(
        target: Option<&str>,
        auth: Option<&str>,
        body: &str,
    ) -> Result<ApiRequest, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(target) = target {
            headers.insert("x-amz-target", target.parse().unwrap());
        }
        if let Some(auth) = auth {
            headers.insert("authorization", auth.parse().unwrap());
        }
        decode(
            Spec::builtin(),
            &EmulatorConfig::default(),
            &headers,
            body.as_bytes(),
        )
    }

    #[test]
    fn decodes_a_well_formed_request() {
        let request = decode_with(
            Some("OvertureService.DescribeConnections"),
            Some(AUTH),
            r#"{"a":1}"#,
        )
        .unwrap();
        assert_eq!(request.operation, "DescribeConnections");
        assert_eq!(request.account, "111111111111");
        assert_eq!(request.body["a"], 1);
        let empty = decode_with(Some("OvertureService.DescribeLocations"), Some(AUTH), "").unwrap();
        assert!(empty.body.is_empty());
    }

    #[test]
    fn target_is_checked_before_authentication() {
        for target in [
            None,
            Some("OvertureService.Nope"),
            Some("Other.CreateConnection"),
            Some("CreateConnection"),
        ] {
            let err = decode_with(target, None, "{}").unwrap_err();
            assert_eq!(
                (err.status, err.error_type),
                (400, "UnknownOperationException"),
                "{target:?}"
            );
        }
        let err = decode_with(Some("OvertureService.CreateConnection"), None, "{}").unwrap_err();
        assert_eq!(err.error_type, "MissingAuthenticationTokenException");
    }

    #[test]
    fn bodies_that_are_not_objects_are_serialization_errors() {
        for body in ["[]", "\"x\"", "3", "null", "{", "not json"] {
            let err = decode_with(
                Some("OvertureService.DescribeConnections"),
                Some(AUTH),
                body,
            )
            .unwrap_err();
            assert_eq!(
                (err.status, err.error_type),
                (400, "SerializationException"),
                "{body}"
            );
        }
    }

    #[test]
    fn error_rendering() {
        let response = error_response(&ApiError::client("nope"), "rid");
        assert_eq!(response.status(), 400);
        assert_eq!(
            response.headers()["content-type"],
            "application/x-amz-json-1.1"
        );
        assert_eq!(response.headers()["x-amzn-requestid"], "rid");
        assert_eq!(
            response.headers()["x-amzn-errortype"],
            "DirectConnectClientException"
        );
    }
}
