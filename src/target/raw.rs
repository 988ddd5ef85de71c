//! Malformed wire requests: what a request looks like when its framing, rather
//! than its members, is broken (an unparseable body, a missing or unknown
//! `X-Amz-Target`, a wrong content type, a missing or mangled signature).
//!
//! This layer only builds and sends them; what a conformant answer is lives in the
//! model (`model::MalformedStep`). Every request is bounded by the client's timeout,
//! so no answer (or lack of one) can hang a run.

use serde_json::Value;

use super::WireClient;
use crate::vocab::{AccountSelector, Exchange, Malformation, Principal, Signature};

impl WireClient {
    /// Send `operation`'s request with `body`, broken by `malformation`, as `principal`.
    pub async fn malformed(
        &self,
        principal: Principal,
        operation: &str,
        body: &Value,
        malformation: Malformation,
    ) -> Exchange {
        let bytes = malformation.bytes(body);
        let mut headers: Vec<(String, String)> = vec![
            ("host".to_owned(), self.host.clone()),
            (
                "content-type".to_owned(),
                malformation.content_type(&self.content_type).to_owned(),
            ),
        ];
        if let Some(target) = malformation.target_header(&self.target_prefix, operation) {
            headers.push(("x-amz-target".to_owned(), target));
        }
        if let AccountSelector::Header(name) = &self.selector {
            headers.push((
                name.to_ascii_lowercase(),
                self.accounts.of(principal).to_owned(),
            ));
        }
        match malformation.signature() {
            Signature::Absent => {}
            Signature::Garbage(authorization) => {
                headers.push(("authorization".to_owned(), authorization.to_owned()));
            }
            Signature::SigV4 => {
                if let Some(signer) = self.signers.get(&principal) {
                    let borrowed: Vec<(&str, &str)> = headers
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    if let Ok(extra) = signer.sign(&self.endpoint, &borrowed, &bytes) {
                        headers.extend(extra);
                    }
                }
            }
        }
        let recorded = malformation.recorded(body);
        self.send(principal, operation, &recorded, bytes, &headers)
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::{Duration, Instant};

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::target::WireOptions;
    use crate::vocab::{Accounts, Outcome};

    fn client(endpoint: &str) -> WireClient {
        let options = WireOptions {
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
        };
        WireClient::new(
            endpoint,
            Accounts::default(),
            AccountSelector::Header("x-account".into()),
            BTreeMap::new(),
            &options,
        )
        .unwrap()
    }

    #[test]
    fn bodies_break_only_their_framing() {
        let body = json!({"connectionId": "dxcon-abc12345"});
        assert!(serde_json::from_slice::<Value>(&Malformation::InvalidJson.bytes(&body)).is_err());
        assert_eq!(Malformation::ArrayBody.recorded(&body), json!([body]));
        assert!(Malformation::StringBody.recorded(&body).is_string());
        assert_eq!(Malformation::MissingTarget.recorded(&body), body);
    }

    /// A server that answers every connection with garbage, or not at all.
    async fn garbage_server(hang: bool) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    if hang {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    } else {
                        let _ = socket
                            .write_all(
                                b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n\x00\xff{[<\x01\x02",
                            )
                            .await;
                        let _ = socket.write_all(b"\r\n\r\ntrailing garbage").await;
                    }
                });
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn no_malformed_request_crashes_or_hangs_against_a_garbage_server() {
        for hang in [false, true] {
            let endpoint = garbage_server(hang).await;
            let client = client(&endpoint);
            for m in Malformation::ALL {
                let started = Instant::now();
                let exchange = client
                    .malformed(Principal::Owner, "DescribeConnections", &json!({}), m)
                    .await;
                assert!(started.elapsed() < Duration::from_secs(5), "{m:?} hung");
                assert!(
                    !matches!(exchange.outcome, Outcome::Success(_)),
                    "{m:?} against garbage: {:?}",
                    exchange.outcome
                );
            }
        }
    }
}
