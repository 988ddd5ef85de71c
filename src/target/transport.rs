//! How a request reaches the endpoint: a POST with headers and a body, answered
//! by a status, headers and a body, or a transport failure.
//!
//! Plain `http://` endpoints on loopback (emulators, where thousands of requests a
//! second are sent) go through kept-alive connections of hyper's connection API
//! ([`super::loopback`]), without reqwest's per-request layers (URL parsing,
//! redirect policy, header map building, boxed futures) or hyper-util's pool: those
//! were a tenth of a run's CPU against the reference target (see
//! docs/performance.md). Every other endpoint (TLS, or another host, which may be
//! behind an `HTTP_PROXY`) goes through reqwest.

use std::time::Duration;

use bytes::Bytes;

use super::loopback::Loopback;
use super::TargetError;
use crate::vocab::TransportKind;

/// An answer below the API's level: status, headers, body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// A request that got no HTTP answer.
#[derive(Debug)]
pub(crate) struct Failure {
    pub kind: TransportKind,
    pub message: String,
}

/// The HTTP client of one endpoint (shared by clones: one connection pool).
#[derive(Debug, Clone)]
pub(super) enum Transport {
    /// reqwest, for TLS and non-loopback endpoints.
    Reqwest(reqwest::Client),
    /// Kept-alive HTTP/1.1 connections, for plain-HTTP loopback endpoints.
    Loopback(Loopback),
}

impl Transport {
    /// The transport for `url`.
    pub fn for_url(url: &reqwest::Url, options: &super::WireOptions) -> Result<Self, TargetError> {
        // A connection needs the port: `Url` leaves out a scheme's default one.
        if url.scheme() == "http" && loopback_host(url) && url.port().is_some() {
            return Ok(Transport::Loopback(Loopback::new(
                options.timeout,
                options.connect_timeout,
            )));
        }
        reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map(Transport::Reqwest)
            .map_err(|e| TargetError::Client(e.to_string()))
    }

    /// POST `body` with `headers` (a `host` header is the URL's and is not sent
    /// twice) to `url`.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: Bytes,
    ) -> Result<Answer, Failure> {
        match self {
            Transport::Reqwest(client) => reqwest_post(client, url, headers, body).await,
            Transport::Loopback(loopback) => loopback.post(url, headers, body).await,
        }
    }
}

async fn reqwest_post(
    client: &reqwest::Client,
    url: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> Result<Answer, Failure> {
    let mut request = client.post(url).body(body);
    for (name, value) in headers {
        if name != "host" {
            request = request.header(name, value);
        }
    }
    let failure = |e: reqwest::Error| Failure {
        kind: reqwest_kind(&e),
        message: e.to_string(),
    };
    let response = request.send().await.map_err(failure)?;
    let status = response.status().as_u16();
    let headers = header_pairs(response.headers());
    let body = response.bytes().await.map_err(|e| Failure {
        kind: if e.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Reset
        },
        message: e.to_string(),
    })?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Whether `endpoint`'s host is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(endpoint: &str) -> bool {
    reqwest::Url::parse(endpoint).is_ok_and(|url| loopback_host(&url))
}

fn loopback_host(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(|h| {
        h == "localhost"
            || h == "[::1]"
            || h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

pub(super) fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn reqwest_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        TransportKind::Refused
    } else if e.is_request() || e.is_body() {
        TransportKind::Reset
    } else {
        TransportKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(timeout_ms: u64) -> Transport {
        let options = super::super::WireOptions {
            timeout: Duration::from_millis(timeout_ms),
            connect_timeout: Duration::from_millis(500),
        };
        Transport::for_url(&"http://127.0.0.1:1/".parse().unwrap(), &options).unwrap()
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:4566"));
        assert!(is_loopback("http://localhost:1"));
        assert!(is_loopback("http://[::1]:1/"));
        assert!(!is_loopback(
            "https://directconnect.us-east-1.amazonaws.com"
        ));
        assert!(!is_loopback("http://10.0.0.1:1"));
    }

    #[test]
    fn only_plain_http_on_loopback_skips_reqwest() {
        assert!(matches!(loopback(1000), Transport::Loopback(_)));
        for url in [
            "https://directconnect.us-east-1.amazonaws.com/",
            "https://127.0.0.1:4566/",
            // Another host may be reached through an HTTP proxy, which reqwest honours.
            "http://emulator.internal:4566/",
            // Port 80 by default, which `Url` does not name.
            "http://localhost/",
        ] {
            let options = super::super::WireOptions::default();
            let transport = Transport::for_url(&url.parse().unwrap(), &options).unwrap();
            assert!(matches!(transport, Transport::Reqwest(_)), "{url}");
        }
    }

    #[tokio::test]
    async fn a_closed_port_is_refused() {
        // Bind then drop a listener: its port is (almost certainly) closed now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let failure = loopback(2000)
            .post(&format!("http://127.0.0.1:{port}/"), &[], Bytes::new())
            .await
            .unwrap_err();
        assert_eq!(failure.kind, TransportKind::Refused, "{}", failure.message);
    }

    #[tokio::test]
    async fn a_silent_server_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        // Accept and hold the connection without answering.
        let held = tokio::spawn(async move { listener.accept().await });
        let failure = loopback(200)
            .post(&url, &[], Bytes::from_static(b"{}"))
            .await
            .unwrap_err();
        assert_eq!(failure.kind, TransportKind::Timeout, "{}", failure.message);
        held.abort();
    }

    #[tokio::test]
    async fn a_connection_closed_mid_answer_is_a_reset() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"a\"")
                .await;
        });
        let failure = loopback(2000)
            .post(&url, &[], Bytes::from_static(b"{}"))
            .await
            .unwrap_err();
        assert_eq!(failure.kind, TransportKind::Reset, "{}", failure.message);
    }
}
