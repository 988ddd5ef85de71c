//! SigV4 signing of awsJson requests with aws-sigv4.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

/// Signs requests for one set of credentials.
#[derive(Debug, Clone)]
pub struct Signer {
    identity: Identity,
    region: String,
    service: String,
}

impl Signer {
    /// A signer for `credentials` in `region` for service `service` (`directconnect`).
    pub fn new(credentials: Credentials, region: &str, service: &str) -> Self {
        Signer {
            identity: credentials.into(),
            region: region.to_owned(),
            service: service.to_owned(),
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
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(&self.service)
            .time(SystemTime::now())
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_names_the_access_key_region_and_service() {
        let signer = Signer::for_emulator("111111111111", "us-east-1", "directconnect");
        let headers = signer
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
}
