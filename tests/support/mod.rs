//! What several integration tests ask of a served reference target on loopback, in
//! one place: its JSON endpoints outside the API (`/dxconform/...`).

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::Value;

/// `GET path` on the loopback endpoint, the answer's JSON body.
pub fn get_json(endpoint: &str, path: &str) -> Value {
    let address = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).expect("target answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {answer}"))
}

/// Every account of the target with live resources, and how many of each kind
/// (`GET /dxconform/accounts`).
pub fn live_accounts(endpoint: &str) -> serde_json::Map<String, Value> {
    get_json(endpoint, "/dxconform/accounts")["accounts"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}
