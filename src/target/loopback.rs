//! The transport of plain-HTTP loopback endpoints (emulators, where thousands of
//! requests a second are sent): kept-alive HTTP/1.1 connections, each carrying one
//! request at a time, written and read by the task that sends the request; idle
//! connections wait on a stack.
//!
//! This is a hand-written HTTP/1.1 client (httparse parses the answer's head), not
//! hyper's: hyper drives each connection from a task of its own and hands requests,
//! answers and body frames across channels, and that hand-over, with hyper-util's
//! pool before it, was a fifth of a run's CPU against the reference target
//! (docs/performance.md). It needs little: a POST with a known length, answers
//! framed by `content-length`, chunks or the connection's end. TLS and other hosts
//! go through reqwest ([`super::transport`]).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::transport::{Answer, Failure};
use crate::vocab::TransportKind;

/// Most idle connections kept (more than any `--jobs` keeps busy at once).
const MAX_IDLE: usize = 256;

/// The longest answer head accepted (status line and headers).
const MAX_HEAD: usize = 64 * 1024;

/// The most headers an answer may carry.
const MAX_HEADERS: usize = 64;

/// The loopback transport of one endpoint (shared by clones).
#[derive(Debug, Clone)]
pub(crate) struct Loopback {
    idle: Arc<Mutex<Vec<Connection>>>,
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
        match tokio::time::timeout(self.timeout, self.exchange(url, headers, &body)).await {
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
        body: &[u8],
    ) -> Result<Answer, Failure> {
        let (authority, path) = split_url(url).ok_or_else(|| Failure {
            kind: TransportKind::Other,
            message: format!("{url} is not an http:// URL with a host and a port"),
        })?;
        let request = request_bytes(authority, path, headers, body)?;
        let mut connection = match self.take_idle(authority) {
            Some(connection) => connection,
            None => Connection::open(authority, self.connect_timeout).await?,
        };
        let (answer, reusable) = connection.exchange(&request).await.map_err(|e| Failure {
            kind: TransportKind::Reset,
            message: format!("{authority}: {e}"),
        })?;
        if reusable {
            self.put_back(connection);
        }
        Ok(answer)
    }

    /// The most recently used idle connection to `authority` that the server has
    /// not closed.
    fn take_idle(&self, authority: &str) -> Option<Connection> {
        loop {
            let connection = {
                let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
                let at = idle.iter().rposition(|c| c.authority == authority)?;
                idle.swap_remove(at)
            };
            if connection.still_open() {
                return Some(connection);
            }
        }
    }

    fn put_back(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }
}

/// One kept-alive connection and what it has read past the last answer.
#[derive(Debug)]
struct Connection {
    authority: String,
    stream: TcpStream,
    buffer: Vec<u8>,
    /// Where the unread part of `buffer` starts.
    start: usize,
    /// Reads of the answer under way (the head and body may come in several).
    reads_this_answer: u32,
}

impl Connection {
    /// Open a connection to `authority` (`host:port`).
    async fn open(authority: &str, connect_timeout: Duration) -> Result<Connection, Failure> {
        let refused = |message: String| Failure {
            kind: TransportKind::Refused,
            message,
        };
        let stream =
            match tokio::time::timeout(connect_timeout, TcpStream::connect(authority)).await {
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
        Ok(Connection {
            authority: authority.to_owned(),
            stream,
            buffer: Vec::with_capacity(16 * 1024),
            start: 0,
            reads_this_answer: 0,
        })
    }

    /// Whether the server has not closed this idle connection. An idle connection
    /// has nothing to read: if the reactor saw it readable, the server closed it
    /// (or broke the protocol by talking unasked); either way it is not reused. No
    /// system call: tokio clears read readiness when a read leaves room in the
    /// buffer, as the last read of every answer does (`fill` keeps room), so a
    /// readable idle connection has had something happen since.
    fn still_open(&self) -> bool {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        matches!(self.stream.poll_read_ready(&mut context), Poll::Pending)
            && self.start == self.buffer.len()
    }

    /// Send `request` and read its answer; whether the connection can carry another.
    async fn exchange(&mut self, request: &[u8]) -> io::Result<(Answer, bool)> {
        self.stream.write_all(request).await?;
        self.reads_this_answer = 0;
        loop {
            let (head, head_len) = self.read_head().await?;
            self.start += head_len;
            // Informational answers (100 Continue) precede the real one.
            if (100..200).contains(&head.status) {
                continue;
            }
            let (body, until_close) = match head.framing() {
                Framing::Length(n) => (self.take(n).await?, false),
                Framing::Chunked => (self.chunked().await?, false),
                Framing::None => (Vec::new(), false),
                Framing::UntilClose => (self.until_close().await?, true),
            };
            // Anything read past the answer was never asked for.
            let reusable = !until_close && !head.close && self.start == self.buffer.len();
            self.buffer.clear();
            self.start = 0;
            let answer = Answer {
                status: head.status,
                headers: head.headers,
                body: Bytes::from(body),
            };
            return Ok((answer, reusable));
        }
    }

    /// Read more into the buffer; an error at the end of the stream.
    async fn fill(&mut self) -> io::Result<()> {
        if self.buffer.capacity() - self.buffer.len() < 4096 {
            self.buffer.reserve(self.buffer.capacity().max(8192));
        }
        // An answer that arrives in pieces may be held back by the server's Nagle
        // algorithm until the piece already here is acknowledged, while our kernel
        // delays that acknowledgement (40 ms on Linux) hoping to piggy-back it: a
        // server that writes head and body apart without TCP_NODELAY (Python's
        // http.server) then costs 40 ms a request. Asking for a quick ACK before
        // waiting for the next piece sends the pending one at once. A whole answer
        // in one read (the common case) costs no extra system call.
        if self.reads_this_answer > 0 && QUICK_ACK.load(Ordering::Relaxed) {
            quick_ack(&self.stream);
        }
        self.reads_this_answer += 1;
        if self.stream.read_buf(&mut self.buffer).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection before the answer was complete",
            ));
        }
        Ok(())
    }

    async fn read_head(&mut self) -> io::Result<(Head, usize)> {
        loop {
            if let Some(parsed) = Head::parse(&self.buffer[self.start..])? {
                return Ok(parsed);
            }
            if self.buffer.len() - self.start > MAX_HEAD {
                return Err(invalid(format!(
                    "an answer head longer than {MAX_HEAD} bytes"
                )));
            }
            self.fill().await?;
        }
    }

    /// The next `n` bytes.
    async fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buffer.len() - self.start < n {
            self.fill().await?;
        }
        let bytes = self.buffer[self.start..self.start + n].to_vec();
        self.start += n;
        Ok(bytes)
    }

    /// The next line, without its CRLF.
    async fn line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            let unread = &self.buffer[self.start..];
            if let Some(at) = unread.windows(2).position(|w| w == b"\r\n") {
                let line = unread[..at].to_vec();
                self.start += at + 2;
                return Ok(line);
            }
            if unread.len() > MAX_HEAD {
                return Err(invalid("a chunk line without an end".to_owned()));
            }
            self.fill().await?;
        }
    }

    /// A chunked body, its trailers skipped.
    async fn chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.line().await?;
            let size = std::str::from_utf8(&line)
                .ok()
                .and_then(|l| l.split(';').next())
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or_else(|| invalid("a chunk size that is not hexadecimal".to_owned()))?;
            if size == 0 {
                while !self.line().await?.is_empty() {}
                return Ok(body);
            }
            body.extend_from_slice(&self.take(size).await?);
            if !self.line().await?.is_empty() {
                return Err(invalid("a chunk longer than its size".to_owned()));
            }
        }
    }

    /// Everything until the server closes the connection.
    async fn until_close(&mut self) -> io::Result<Vec<u8>> {
        let mut rest = self.buffer.split_off(self.start);
        self.stream.read_to_end(&mut rest).await?;
        self.buffer.clear();
        self.start = 0;
        Ok(rest)
    }
}

/// Whether [`Connection::fill`] asks for quick ACKs; off only to measure what they
/// save (`dxconform bench`'s Nagle rows).
static QUICK_ACK: AtomicBool = AtomicBool::new(true);

/// Turn the quick-ACK remedy for servers with Nagle on off or on again, for the
/// benchmark that measures it. Runs never call this.
pub fn set_quick_ack(on: bool) {
    QUICK_ACK.store(on, Ordering::Relaxed);
}

/// Acknowledge what was received at once (Linux `TCP_QUICKACK`, which the kernel
/// clears again by itself); elsewhere nothing, the delayed ACK then stands.
fn quick_ack(stream: &TcpStream) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let one: libc::c_int = 1;
        // SAFETY: the descriptor is the live socket `stream` owns, and the option
        // value is a c_int of the size passed; a failure leaves the socket as it was.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stream;
}

fn invalid(message: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("invalid HTTP answer: {message}"),
    )
}

/// An answer's status line and headers, as far as framing and reuse need them.
struct Head {
    status: u16,
    /// Names in lower case, values as sent (lossily decoded).
    headers: Vec<(String, String)>,
    /// `connection: close`, or HTTP/1.0 without `connection: keep-alive`.
    close: bool,
}

/// How an answer's body is delimited (RFC 9112 §6.3).
enum Framing {
    Length(usize),
    Chunked,
    /// No body: 204, 304.
    None,
    UntilClose,
}

impl Head {
    /// The head at the start of `bytes` and its length, or `None` if incomplete.
    fn parse(bytes: &[u8]) -> io::Result<Option<(Head, usize)>> {
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut slots);
        let len = match response.parse(bytes) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(e) => return Err(invalid(e.to_string())),
        };
        let status = response
            .code
            .ok_or_else(|| invalid("no status".to_owned()))?;
        let headers: Vec<(String, String)> = response
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), header_text(h.value)))
            .collect();
        let connection = headers
            .iter()
            .find(|(n, _)| n == "connection")
            .map(|(_, v)| v.to_ascii_lowercase());
        let close = match response.version {
            Some(0) => connection.as_deref() != Some("keep-alive"),
            _ => connection.as_deref() == Some("close"),
        };
        Ok(Some((
            Head {
                status,
                headers,
                close,
            },
            len,
        )))
    }

    fn framing(&self) -> Framing {
        if self.status == 204 || self.status == 304 {
            return Framing::None;
        }
        let value = |name: &str| {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim())
        };
        if value("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            return Framing::Chunked;
        }
        match value("content-length").and_then(|v| v.parse().ok()) {
            Some(n) => Framing::Length(n),
            None => Framing::UntilClose,
        }
    }
}

/// `http://authority/path` → (`authority`, `/path`); the authority must name its port.
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

/// The request as it goes on the wire; header names and values that would break
/// the framing (control characters) are refused, as any HTTP client refuses them.
fn request_bytes(
    authority: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::with_capacity(512 + body.len());
    out.extend_from_slice(b"POST ");
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nhost: ");
    out.extend_from_slice(authority.as_bytes());
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        // Folded rather than short-circuited: every byte is read either way, and
        // the fold is branch-free.
        let text = |ok: bool, b: u8| ok & (b == b'\t' || (b >= 0x20 && b != 0x7f));
        let token = |ok: bool, b: u8| ok & is_token(b);
        if name.is_empty() || !name.bytes().fold(true, token) || !value.bytes().fold(true, text) {
            return Err(Failure {
                kind: TransportKind::Other,
                message: format!("header {name:?} cannot be sent in HTTP/1.1"),
            });
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
    }
    out.extend_from_slice(b"\r\ncontent-length: ");
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
    Ok(out)
}

/// A character of a header name (RFC 9110 `tchar`).
fn is_token(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// A header value as text: UTF-8 as it is (the usual case, no copy of the check), else lossily.
fn header_text(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(value).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
        // A connection needs a port: such URLs go through reqwest.
        assert_eq!(split_url("http://[::1]/"), None);
        assert_eq!(split_url("http://localhost/"), None);
        assert_eq!(split_url("https://127.0.0.1:1/"), None);
    }

    #[test]
    fn requests_carry_host_and_length_and_refuse_broken_headers() {
        let headers = vec![
            ("host".to_owned(), "ignored".to_owned()),
            ("x-amz-target".to_owned(), "OvertureService.X".to_owned()),
        ];
        let bytes = request_bytes("127.0.0.1:1", "/", &headers, b"{}").unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "POST / HTTP/1.1\r\nhost: 127.0.0.1:1\r\nx-amz-target: OvertureService.X\r\ncontent-length: 2\r\n\r\n{}"
        );
        for (name, value) in [("x-a", "one\r\ntwo"), ("bad name", "v"), ("", "v")] {
            let headers = vec![(name.to_owned(), value.to_owned())];
            assert!(
                request_bytes("h:1", "/", &headers, b"").is_err(),
                "{name:?}"
            );
        }
    }

    /// A server that answers each request on a connection with the next of
    /// `answers` (raw bytes), closing the connection after the last; returns its URL
    /// and a count of the connections it accepted.
    async fn server(answers: Vec<&'static str>) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                count.fetch_add(1, Ordering::SeqCst);
                let answers = answers.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    for answer in answers {
                        let mut seen = Vec::new();
                        // Requests here have empty bodies: the head is the request.
                        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => seen.extend_from_slice(&buf[..n]),
                            }
                        }
                        let _ = socket.write_all(answer.as_bytes()).await;
                    }
                });
            }
        });
        (url, accepted)
    }

    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Amzn-RequestId: r\r\n\r\n{}";

    #[tokio::test]
    async fn connections_are_kept_alive() {
        let transport = Loopback::new(Duration::from_secs(5), Duration::from_secs(1));
        let (url, accepted) = server(vec![OK; 5]).await;
        for _ in 0..5 {
            let answer = transport.post(&url, &[], Bytes::new()).await.unwrap();
            assert_eq!((answer.status, &answer.body[..]), (200, &b"{}"[..]));
            assert!(answer
                .headers
                .contains(&("x-amzn-requestid".to_owned(), "r".to_owned())));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_is_not_reused() {
        let transport = Loopback::new(Duration::from_secs(5), Duration::from_secs(1));
        // Each connection: two answers, then the server closes it (without saying so).
        let (url, accepted) = server(vec![OK, OK]).await;
        for _ in 0..6 {
            let answer = transport.post(&url, &[], Bytes::new()).await;
            assert_eq!(answer.unwrap().status, 200);
            // Let the reactor see the close, as it does between a run's requests.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    #[rstest::rstest]
    #[case::chunked(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"a\r\n5\r\n\":1}\n\r\n0\r\nT: t\r\n\r\n",
        "{\"a\":1}\n",
        true
    )]
    #[case::until_close("HTTP/1.1 500 Oops\r\n\r\nplain text", "plain text", false)]
    #[case::no_content("HTTP/1.1 204 No Content\r\n\r\n", "", true)]
    #[case::continue_first(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx",
        "x",
        true
    )]
    #[case::close_asked(
        "HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 1\r\n\r\nx",
        "x",
        false
    )]
    #[case::http_1_0("HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nx", "x", false)]
    #[tokio::test]
    async fn answers_are_framed_as_http_1_1_says(
        #[case] answer: &'static str,
        #[case] body: &str,
        #[case] kept: bool,
    ) {
        let transport = Loopback::new(Duration::from_secs(5), Duration::from_secs(1));
        // A server closes a connection it will not keep (it said so, or the body ends
        // with the connection).
        let per_connection = if kept { vec![answer; 2] } else { vec![answer] };
        let (url, accepted) = server(per_connection).await;
        for _ in 0..2 {
            let got = transport.post(&url, &[], Bytes::new()).await.unwrap();
            assert_eq!(String::from_utf8_lossy(&got.body), body);
        }
        let connections = if kept { 1 } else { 2 };
        assert_eq!(accepted.load(Ordering::SeqCst), connections);
    }

    #[rstest::rstest]
    #[case::garbage("this is not HTTP\r\n\r\n")]
    #[case::short_body("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}")]
    #[case::bad_chunk("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n")]
    #[tokio::test]
    async fn broken_answers_are_resets(#[case] answer: &'static str) {
        let transport = Loopback::new(Duration::from_secs(5), Duration::from_secs(1));
        let (url, _) = server(vec![answer]).await;
        let failure = transport.post(&url, &[], Bytes::new()).await.unwrap_err();
        assert_eq!(failure.kind, TransportKind::Reset, "{}", failure.message);
    }
}
