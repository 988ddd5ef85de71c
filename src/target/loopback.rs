//! The transport of plain-HTTP loopback endpoints (emulators, where thousands of
//! requests a second are sent): kept-alive HTTP/1.1 connections over hyper's
//! connection API, each carrying one request at a time; idle ones wait on a stack.
//!
//! This is hyper-util's pooled client without what a loopback endpoint does not
//! need (absolute URIs parsed per request, pool keys hashed per checkout, expiry
//! timers, a connect future raced against every checkout): those were a tenth of a
//! run's CPU against the reference target (docs/performance.md).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use super::transport::{header_pairs, Answer, Failure};
use super::{error_chain, TransportKind};

/// A kept-alive HTTP/1.1 connection, ready for one request at a time.
pub(crate) type Connection = SendRequest<Full<Bytes>>;

/// Most idle connections kept (more than any `--jobs` keeps busy at once).
const MAX_IDLE: usize = 256;

/// The loopback transport of one endpoint (shared by clones).
#[derive(Debug, Clone)]
pub(super) struct Loopback {
    idle: Arc<Mutex<Vec<(String, Connection)>>>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl Loopback {
    /// A transport whose requests end within `timeout` and whose connections are
    /// made within `connect_timeout`.
    pub fn new(timeout: Duration, connect_timeout: Duration) -> Self {
        Loopback {
            idle: Arc::default(),
            timeout,
            connect_timeout,
        }
    }

    /// POST `body` with `headers` to `url` (`http://host:port/path`; the `host`
    /// header is the URL's authority).
    pub async fn post(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: Bytes,
    ) -> Result<Answer, Failure> {
        match tokio::time::timeout(self.timeout, self.exchange(url, headers, body)).await {
            Ok(answer) => answer,
            Err(_) => Err(Failure {
                kind: TransportKind::Timeout,
                message: format!("no answer within {} s", self.timeout.as_secs_f64()),
            }),
        }
    }

    async fn exchange(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: Bytes,
    ) -> Result<Answer, Failure> {
        let (authority, path) = split_url(url).ok_or_else(|| Failure {
            kind: TransportKind::Other,
            message: format!("{url} is not an http:// URL with a host"),
        })?;
        let mut request = build_request(authority, path, headers, body)?;
        loop {
            let (mut connection, reused) = match self.take_idle(authority).await {
                Some(connection) => (connection, true),
                None => (connect(authority, self.connect_timeout).await?, false),
            };
            match connection.try_send_request(request).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = header_pairs(response.headers());
                    let body = response
                        .into_body()
                        .collect()
                        .await
                        .map_err(|e| Failure {
                            kind: TransportKind::Reset,
                            message: error_chain(&e),
                        })?
                        .to_bytes();
                    self.put_back(authority, connection);
                    return Ok(Answer {
                        status,
                        headers,
                        body,
                    });
                }
                Err(mut failed) => match failed.take_message() {
                    // The server closed a kept-alive connection before the request
                    // was written: nothing was sent, so it goes out on another one.
                    Some(unsent) if reused => request = unsent,
                    _ => {
                        return Err(Failure {
                            kind: TransportKind::Reset,
                            message: error_chain(failed.error()),
                        })
                    }
                },
            }
        }
    }

    /// The most recently used idle connection to `authority` that is still open.
    async fn take_idle(&self, authority: &str) -> Option<Connection> {
        loop {
            let taken = {
                let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
                let at = idle.iter().rposition(|(a, _)| a == authority)?;
                idle.swap_remove(at).1
            };
            let mut connection = taken;
            // Ready once the connection has finished its previous answer; an error
            // means the server closed it.
            if connection.ready().await.is_ok() {
                return Some(connection);
            }
        }
    }

    fn put_back(&self, authority: &str, connection: Connection) {
        if connection.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push((authority.to_owned(), connection));
        }
    }
}

/// Open a kept-alive HTTP/1.1 connection to `authority` (`host:port`).
pub(crate) async fn connect(
    authority: &str,
    connect_timeout: Duration,
) -> Result<Connection, Failure> {
    let refused = |message: String| Failure {
        kind: TransportKind::Refused,
        message,
    };
    let stream = match tokio::time::timeout(
        connect_timeout,
        tokio::net::TcpStream::connect(authority),
    )
    .await
    {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return Err(refused(format!("connect {authority}: {e}"))),
        Err(_) => {
            return Err(refused(format!(
                "connect {authority}: no connection within {} s",
                connect_timeout.as_secs_f64()
            )))
        }
    };
    // Requests are small and answered at once: never wait to coalesce them.
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| Failure {
            kind: TransportKind::Other,
            message: error_chain(&e),
        })?;
    tokio::spawn(async move {
        // The connection ends when the server closes it or its sender is dropped;
        // a request on it sees any error.
        let _ = connection.await;
    });
    Ok(sender)
}

/// [`connect`] for callers outside this layer (the benchmark's bare client): the
/// failure as its message.
pub(crate) async fn connect_keep_alive(
    authority: &str,
    connect_timeout: Duration,
) -> Result<Connection, String> {
    connect(authority, connect_timeout)
        .await
        .map_err(|f| f.message)
}

/// `http://authority/path` → (`authority` with a port, `/path`).
fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    };
    (!authority.is_empty() && has_port(authority)).then_some((authority, path))
}

/// Whether `authority` names its port (`host:port`, `[::1]:port`).
fn has_port(authority: &str) -> bool {
    authority.rsplit_once(':').is_some_and(|(host, port)| {
        !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && (!host.contains(':') || host.ends_with(']'))
    })
}

fn build_request(
    authority: &str,
    path: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> Result<http::Request<Full<Bytes>>, Failure> {
    let mut request = http::Request::post(path).header(http::header::HOST, authority);
    for (name, value) in headers {
        if name != "host" {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    request.body(Full::new(body)).map_err(|e| Failure {
        kind: TransportKind::Other,
        message: format!("request to {authority}{path}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn urls_split_into_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:4566/"),
            Some(("127.0.0.1:4566", "/"))
        );
        assert_eq!(
            split_url("http://localhost:5000/moto-api/reset"),
            Some(("localhost:5000", "/moto-api/reset"))
        );
        assert_eq!(split_url("http://[::1]:80"), Some(("[::1]:80", "/")));
        // A connection needs a port: URLs are normalised with one before they get here.
        assert_eq!(split_url("http://[::1]/"), None);
        assert_eq!(split_url("http://localhost/"), None);
        assert_eq!(split_url("https://127.0.0.1:1/"), None);
    }

    /// A server answering `answers` requests on each connection it accepts, the
    /// last with `connection: close`, then closing it; returns its URL and the
    /// number of connections it accepted.
    async fn server(answers: usize) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    for answer in 1..=answers {
                        let mut seen = Vec::new();
                        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            let n = socket.read(&mut buf).await.unwrap();
                            if n == 0 {
                                return;
                            }
                            seen.extend_from_slice(&buf[..n]);
                        }
                        let close = if answer == answers {
                            "connection: close\r\n"
                        } else {
                            ""
                        };
                        let head =
                            format!("HTTP/1.1 200 OK\r\n{close}content-length: 2\r\n\r\n{{}}");
                        let _ = socket.write_all(head.as_bytes()).await;
                    }
                });
            }
        });
        (url, accepted)
    }

    #[tokio::test]
    async fn connections_are_kept_alive_and_replaced_when_the_server_closes_them() {
        let transport = Loopback::new(Duration::from_secs(5), Duration::from_secs(1));
        let (url, accepted) = server(usize::MAX).await;
        for _ in 0..5 {
            let answer = transport.post(&url, &[], Bytes::new()).await.unwrap();
            assert_eq!((answer.status, &answer.body[..]), (200, &b"{}"[..]));
        }
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);

        // A server that closes each connection after two answers.
        let (url, accepted) = server(2).await;
        for _ in 0..6 {
            let answer = transport.post(&url, &[], Bytes::new()).await.unwrap();
            assert_eq!(answer.status, 200);
        }
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
