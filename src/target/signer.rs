//! SigV4 signing of awsJson requests.
//!
//! Every request of a run is a POST of JSON to the endpoint's root with the same
//! few headers, so the signing key (four HMACs, the same all day) is derived once
//! per day, the date formatted once per second, and the canonical request written
//! directly: aws-sigv4's general
//! pipeline (header maps, URI normalisation, owned intermediate strings) was 8% of
//! a run's CPU. The cryptography stays aws-sigv4's (`generate_signing_key`,
//! `calculate_signature`); any other request shape (an endpoint with a path or a
//! query) goes through aws-sigv4's `sign` unchanged, and a test holds both to the
//! same signature.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use sha2::{Digest, Sha256};

/// Signs requests for one set of credentials.
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    /// The last signature's second and day: formatting a date and deriving a key
    /// for every request cost more than the rest of the signature.
    key: Arc<Mutex<Option<Dated>>>,
}

/// The `x-amz-date` of one second, and the credential scope and signing key of its day.
struct Dated {
    second: u64,
    amz_date: String,
    scope: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    // The signing key is as secret as the secret key it comes from; Credentials'
    // own Debug redacts the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer for `credentials` in `region` for service `service` (`directconnect`).
    pub fn new(credentials: Credentials, region: &str, service: &str) -> Self {
        Signer {
            credentials,
            region: region.to_owned(),
            service: service.to_owned(),
            key: Arc::default(),
        }
    }

    /// Static credentials for emulators: the access key id is given, the secret is fixed.
    pub fn for_emulator(access_key_id: &str, region: &str, service: &str) -> Self {
        let creds = Credentials::new(
            access_key_id,
            "dxconform-emulator-secret",
            None,
            None,
            "dxconform",
        );
        Signer::new(creds, region, service)
    }

    /// An emulator signer like this one whose access key id is `access_key_id`
    /// (the reference target reads the account from it).
    pub fn for_emulator_account(&self, access_key_id: &str) -> Self {
        Signer::for_emulator(access_key_id, &self.region, &self.service)
    }

    /// The signing headers (`authorization`, `x-amz-date`, maybe `x-amz-security-token`)
    /// for a POST of `body` to `url` carrying `headers`.
    pub fn sign(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, String> {
        let time = SystemTime::now();
        match root_of(url) {
            true => self.sign_root_post(headers, body, time),
            false => self.sign_any(url, headers, body, time),
        }
    }

    /// aws-sigv4's general signing, for any URL.
    fn sign_any(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<Vec<(String, String)>, String> {
        let identity: Identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            "POST",
            url,
            headers.iter().copied(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }

    /// The same signature as [`Signer::sign_any`] for a POST to the endpoint's root
    /// (default settings: no payload-hash header, the session token signed).
    fn sign_root_post(
        &self,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<Vec<(String, String)>, String> {
        let second = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| "the clock is before 1970".to_owned())?
            .as_secs();
        let (amz_date, scope, key) = {
            let mut cached = self
                .key
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if cached.as_ref().is_none_or(|d| d.second != second) {
                let amz_date = amz_date(second)?;
                let day = &amz_date[..8];
                let scope = format!("{day}/{}/{}/aws4_request", self.region, self.service);
                let key = match cached.take() {
                    Some(d) if d.amz_date[..8] == *day => d.key,
                    _ => v4::generate_signing_key(
                        self.credentials.secret_access_key(),
                        time,
                        &self.region,
                        &self.service,
                    )
                    .as_ref()
                    .to_vec(),
                };
                *cached = Some(Dated {
                    second,
                    amz_date,
                    scope,
                    key,
                });
            }
            let dated = cached.as_ref().expect("set above");
            (
                dated.amz_date.clone(),
                dated.scope.clone(),
                dated.key.clone(),
            )
        };
        let token = self.credentials.session_token();
        let mut signed: Vec<(std::borrow::Cow<'_, str>, &str)> =
            headers.iter().map(|(k, v)| (lower_case(k), *v)).collect();
        signed.push(("x-amz-date".into(), &amz_date));
        if let Some(token) = token {
            signed.push(("x-amz-security-token".into(), token));
        }
        signed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut canonical = String::with_capacity(512);
        canonical.push_str("POST\n/\n\n");
        let mut names = String::with_capacity(128);
        // Repeated names are joined with commas, as aws-sigv4 does.
        for (i, (name, value)) in signed.iter().enumerate() {
            let value = collapse_spaces(value);
            if i > 0 && signed[i - 1].0 == *name {
                canonical.pop();
                canonical.push(',');
            } else {
                canonical.push_str(name);
                canonical.push(':');
                if !names.is_empty() {
                    names.push(';');
                }
                names.push_str(name);
            }
            canonical.push_str(&value);
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(&names);
        canonical.push('\n');
        canonical.push_str(hex_digest(body, &mut [0; 64]));
        let mut string_to_sign = String::with_capacity(256);
        for part in [
            "AWS4-HMAC-SHA256\n",
            &amz_date,
            "\n",
            &scope,
            "\n",
            hex_digest(canonical.as_bytes(), &mut [0; 64]),
        ] {
            string_to_sign.push_str(part);
        }
        let signature = v4::calculate_signature(&key, string_to_sign.as_bytes());
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={names}, Signature={signature}",
            self.credentials.access_key_id()
        );
        let mut out = vec![
            ("x-amz-date".to_owned(), amz_date),
            ("authorization".to_owned(), authorization),
        ];
        if let Some(token) = token {
            out.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        Ok(out)
    }
}

/// Whether `url` is an endpoint's root (`scheme://host[:port][/]`, no query): the
/// canonical URI is then `/` whatever the encoding rules.
fn root_of(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    match rest.find(['/', '?', '#']) {
        None => true,
        Some(at) => &rest[at..] == "/",
    }
}

/// A header name in lower case, borrowed when it already is (the client's are).
fn lower_case(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        name.to_ascii_lowercase().into()
    } else {
        name.into()
    }
}

/// The SHA-256 of `bytes` in lower-case hex, written into `out`.
fn hex_digest<'a>(bytes: &[u8], out: &'a mut [u8; 64]) -> &'a str {
    // 32 bytes always fit 64 hex digits, which are ASCII.
    let _ = hex::encode_to_slice(Sha256::digest(bytes), out);
    std::str::from_utf8(out).unwrap_or_default()
}

/// `YYYYMMDD'T'HHMMSS'Z'` of the UTC second `secs` since the epoch.
fn amz_date(secs: u64) -> Result<String, String> {
    let iso = aws_smithy_types::DateTime::from_secs(secs as i64)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .map_err(|e| e.to_string())?;
    // 2026-12-02T03:40:00Z → 20261202T034000Z
    Ok(iso.chars().filter(|c| *c != '-' && *c != ':').collect())
}

/// A header value as SigV4 canonicalises it: outer spaces trimmed, runs of spaces
/// collapsed to one.
fn collapse_spaces(value: &str) -> std::borrow::Cow<'_, str> {
    let value = value.trim_matches(' ');
    if !value.contains("  ") {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference target's signer for the default owner account in us-east-1.
    fn owner_signer() -> Signer {
        Signer::for_emulator("111111111111", "us-east-1", "directconnect")
    }

    #[test]
    fn signature_names_the_access_key_region_and_service() {
        let headers = owner_signer()
            .sign(
                "http://127.0.0.1:1/",
                &[
                    ("host", "127.0.0.1:1"),
                    ("x-amz-target", "OvertureService.DescribeLocations"),
                ],
                b"{}",
            )
            .unwrap();
        let auth = &headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1;
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=111111111111/"),
            "{auth}"
        );
        assert!(
            auth.contains("/us-east-1/directconnect/aws4_request"),
            "{auth}"
        );
        assert!(auth.contains("x-amz-target"), "{auth}");
        assert!(headers.iter().any(|(k, _)| k == "x-amz-date"));
    }

    fn signed_both_ways(
        signer: &Signer,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> [Vec<(String, String)>; 2] {
        let mut fast = signer
            .sign_root_post(headers, body, time)
            .expect("root post signs");
        let mut general = signer
            .sign_any("http://127.0.0.1:4566/", headers, body, time)
            .expect("aws-sigv4 signs");
        fast.sort();
        general.sort();
        [fast, general]
    }

    #[rstest::rstest]
    #[case::emulator(None, &[("host", "127.0.0.1:4566"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "OvertureService.CreateConnection")], br#"{"connectionName":"a"}"#.as_slice())]
    #[case::session_token(Some("token/with+chars=="), &[("host", "directconnect.us-east-1.amazonaws.com"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "OvertureService.DescribeConnections")], b"{}".as_slice())]
    #[case::account_header_and_spaces(None, &[("host", "127.0.0.1:4566"), ("x-dxconform-account", "  111111111111  "), ("X-Amz-Target", "OvertureService.DescribeLags"), ("content-type", "a  b")], b"".as_slice())]
    fn the_root_post_signature_is_aws_sigv4s(
        #[case] token: Option<&str>,
        #[case] headers: &[(&str, &str)],
        #[case] body: &[u8],
    ) {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        );
        let signer = Signer::new(creds, "eu-west-2", "directconnect");
        // Two seconds of one day, then another day: the cached date is replaced every
        // second, the key only when the day changes.
        for secs in [1_764_646_800, 1_764_646_801, 1_764_733_300] {
            let time = UNIX_EPOCH + std::time::Duration::from_secs(secs);
            let [fast, general] = signed_both_ways(&signer, headers, body, time);
            assert_eq!(fast, general);
        }
    }

    #[test]
    fn debug_output_shows_neither_the_secret_nor_the_signing_key() {
        let signer = owner_signer();
        signer
            .sign("http://127.0.0.1:1/", &[("host", "127.0.0.1:1")], b"{}")
            .unwrap();
        let debug = format!("{signer:?}");
        assert!(debug.contains("111111111111"), "{debug}");
        assert!(!debug.contains("dxconform-emulator-secret"), "{debug}");
        assert!(!debug.contains('['), "no key bytes: {debug}");
    }

    #[test]
    fn only_an_endpoints_root_takes_the_direct_path() {
        assert!(root_of("http://127.0.0.1:4566/"));
        assert!(root_of("https://directconnect.us-east-1.amazonaws.com"));
        assert!(!root_of("http://127.0.0.1:4566/prefix/"));
        assert!(!root_of("http://127.0.0.1:4566/?a=b"));
        assert!(!root_of("not a url"));
    }

    #[test]
    fn an_endpoint_with_a_path_is_signed_by_aws_sigv4() {
        let headers = owner_signer()
            .sign(
                "http://127.0.0.1:1/prefix/",
                &[("host", "127.0.0.1:1"), ("x-amz-target", "T.Op")],
                b"{}",
            )
            .unwrap();
        assert!(headers.iter().any(|(k, _)| k == "authorization"));
    }
}
