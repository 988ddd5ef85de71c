//! Who is calling: the SigV4 `Authorization` header and the caller's account.
//!
//! Expectations and where they come from:
//! - no `Authorization` header → 403 `MissingAuthenticationTokenException`
//!   ("Missing Authentication Token"), as AWS JSON endpoints answer unsigned calls;
//! - a header that is not
//!   `AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/directconnect/aws4_request, SignedHeaders=<h1;h2>, Signature=<hex>`
//!   → 403 `IncompleteSignatureException`, AWS's answer to a malformed signature
//!   (SigV4 documentation, "Authorization header requires 'X' parameter");
//! - a credential scoped to another region → 403 `InvalidSignatureException`
//!   ("Credential should be scoped to a valid region"), as AWS answers.
//!
//! The signature itself is NOT verified cryptographically: the target has no
//! secret keys. Only the header's form is checked.
//!
//! The caller's account: the access key id when it is exactly 12 digits;
//! otherwise the `x-dxconform-account-id` header (12 digits) if present;
//! otherwise the configured default account.

use http::header::AUTHORIZATION;
use http::HeaderMap;

use super::config::is_account_id;
use super::{ApiError, EmulatorConfig};

/// The header that selects the caller's account when the access key does not.
pub(super) const ACCOUNT_HEADER: &str = "x-dxconform-account-id";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of a well-formed SigV4 `Authorization` header this target uses.
#[derive(Debug, PartialEq, Eq)]
struct Credential<'h> {
    access_key_id: &'h str,
    region: &'h str,
}

/// Parse the header, or say what is malformed.
fn parse(header: &str) -> Result<Credential<'_>, String> {
    let Some(rest) = header
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
    else {
        return Err(format!("Authorization header must start with {ALGORITHM}"));
    };
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!(
                "Authorization header component {part} is not name=value"
            ));
        };
        match name {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            other => {
                return Err(format!(
                    "Authorization header has unknown component {other}"
                ))
            }
        }
    }
    let missing: Vec<String> = [
        ("Credential", credential.is_none()),
        ("Signature", signature.is_none()),
        ("SignedHeaders", signed_headers.is_none()),
    ]
    .iter()
    .filter(|(_, absent)| *absent)
    .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
    .collect();
    if !missing.is_empty() {
        return Err(missing.join(" "));
    }
    let (credential, signed_headers, signature) = (
        credential.unwrap_or_default(),
        signed_headers.unwrap_or_default(),
        signature.unwrap_or_default(),
    );
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(format!(
            "Credential {credential} must be <access key>/<date>/<region>/directconnect/aws4_request"
        ));
    };
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    if access_key_id.is_empty() || !date_ok || region.is_empty() {
        return Err(format!("Credential {credential} has a malformed scope"));
    }
    if service != "directconnect" || terminator != "aws4_request" {
        return Err(format!(
            "Credential should be scoped to correct service: 'directconnect' with terminator 'aws4_request', not '{service}/{terminator}'"
        ));
    }
    let headers_ok = !signed_headers.is_empty()
        && signed_headers.split(';').all(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !headers_ok {
        return Err(format!(
            "SignedHeaders {signed_headers} must be lower-case header names joined by ';'"
        ));
    }
    let signature_ok = !signature.is_empty()
        && signature
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    if !signature_ok {
        return Err("Signature must be lower-case hexadecimal".to_owned());
    }
    Ok(Credential {
        access_key_id,
        region,
    })
}

/// The caller's account, after checking the `Authorization` header's form.
pub(super) fn caller_account(
    headers: &HeaderMap,
    config: &EmulatorConfig,
) -> Result<String, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(ApiError::missing_authentication());
    };
    let header = value
        .to_str()
        .map_err(|_| ApiError::incomplete_signature("Authorization header is not ASCII"))?;
    let credential = parse(header).map_err(ApiError::incomplete_signature)?;
    if credential.region != config.region {
        return Err(ApiError::invalid_signature(format!(
            "Credential should be scoped to a valid region, not '{}'. Expected '{}'.",
            credential.region, config.region
        )));
    }
    if is_account_id(credential.access_key_id) {
        return Ok(credential.access_key_id.to_owned());
    }
    match headers.get(ACCOUNT_HEADER) {
        None => Ok(config.default_account.clone()),
        Some(value) => match value.to_str() {
            Ok(account) if is_account_id(account) => Ok(account.to_owned()),
            _ => Err(ApiError::unrecognized_client(format!(
                "The {ACCOUNT_HEADER} header must be a 12-digit account id"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::assert_says;

    fn header(akid: &str, region: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={akid}/20240101/{region}/directconnect/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123abcd"
        )
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn account(pairs: &[(&'static str, &str)]) -> Result<String, ApiError> {
        caller_account(&headers(pairs), &EmulatorConfig::default())
    }

    #[test]
    fn account_from_key_then_header_then_default() {
        let numeric = header("222222222222", "us-east-1");
        assert_eq!(
            account(&[("authorization", &numeric)]).unwrap(),
            "222222222222"
        );
        let named = header("AKIDEXAMPLE", "us-east-1");
        assert_eq!(
            account(&[("authorization", &named), (ACCOUNT_HEADER, "333333333333")]).unwrap(),
            "333333333333"
        );
        assert_eq!(
            account(&[
                ("authorization", &numeric),
                (ACCOUNT_HEADER, "333333333333")
            ])
            .unwrap(),
            "222222222222",
            "a 12-digit access key wins over the header"
        );
        assert_eq!(
            account(&[("authorization", &named)]).unwrap(),
            "111111111111"
        );
        let bad = account(&[("authorization", &named), (ACCOUNT_HEADER, "12")]).unwrap_err();
        assert_eq!(
            (bad.status, bad.error_type),
            (403, "UnrecognizedClientException")
        );
    }

    #[test]
    fn missing_and_malformed_headers() {
        let err = account(&[]).unwrap_err();
        assert_eq!(
            (err.status, err.error_type),
            (403, "MissingAuthenticationTokenException")
        );
        for malformed in [
            "Bearer token",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/directconnect/aws4_request",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AKID/2024/us-east-1/directconnect/aws4_request, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/directconnect/aws4_request, SignedHeaders=Host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/directconnect/aws4_request, SignedHeaders=host, Signature=xyz",
        ] {
            let err = account(&[("authorization", malformed)]).unwrap_err();
            assert_eq!((err.status, err.error_type), (403, "IncompleteSignatureException"), "{malformed}");
        }
        let err = account(&[(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/directconnect/aws4_request",
        )])
        .unwrap_err();
        assert_says(&err, "requires 'Signature' parameter");
    }

    #[test]
    fn other_region_is_an_invalid_signature() {
        let err = account(&[("authorization", &header("AKID", "eu-west-1"))]).unwrap_err();
        assert_eq!(
            (err.status, err.error_type),
            (403, "InvalidSignatureException")
        );
    }
}
