//! The wire client retries throttles and transient 5xx on loopback, counts them,
//! and turns a request that fails after every attempt into a transport fault.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dxconform::target::{RetryPolicy, WireClient, WireOptions};
use dxconform::vocab::{AccountSelector, Accounts, Outcome, Principal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A loopback server answering the first `failures` requests with `failure`
/// (status, error type), then `{}`.
async fn flaky(failures: usize, failure: (u16, &'static str)) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut read = 0;
                // Read headers and the (small) body.
                loop {
                    let Ok(k) = socket.read(&mut buf[read..]).await else {
                        return;
                    };
                    if k == 0 {
                        return;
                    }
                    read += k;
                    let text = String::from_utf8_lossy(&buf[..read]);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if read >= end + 4 + len {
                            break;
                        }
                    }
                }
                let (status, body) = if n < failures {
                    (
                        failure.0,
                        format!("{{\"__type\":\"{}\",\"message\":\"slow down\"}}", failure.1),
                    )
                } else {
                    (200, "{}".to_owned())
                };
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn client(endpoint: &str, attempts: u32) -> WireClient {
    WireClient::new(
        endpoint,
        Accounts::default(),
        AccountSelector::Header("x-account".into()),
        BTreeMap::new(),
        &WireOptions::default(),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        max_attempts: attempts,
        base: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        adaptive: true,
        max_rps: None,
    })
}

#[tokio::test]
async fn throttles_are_retried_and_counted() {
    let (endpoint, seen) = flaky(2, (400, "ThrottlingException")).await;
    let client = client(&endpoint, 5);
    let exchange = client
        .call(
            Principal::Owner,
            "DescribeLocations",
            &serde_json::json!({}),
        )
        .await;
    assert!(
        matches!(exchange.outcome, Outcome::Success(_)),
        "{:?}",
        exchange.outcome
    );
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    let stats = client.wire_stats();
    assert_eq!(
        (
            stats.requests,
            stats.retries,
            stats.throttles,
            stats.gave_up
        ),
        (3, 2, 2, 0)
    );
    assert!(stats.retry_delay_ms >= 10, "{stats:?}");
    assert!(
        stats.rate_limit_rps > 0.0,
        "a throttle turns the client-side rate on"
    );
}

#[tokio::test]
async fn server_errors_and_429_are_retried() {
    let (endpoint, _) = flaky(1, (503, "ServiceUnavailable")).await;
    let client = client(&endpoint, 3);
    let exchange = client
        .call(
            Principal::Owner,
            "DescribeLocations",
            &serde_json::json!({}),
        )
        .await;
    assert!(matches!(exchange.outcome, Outcome::Success(_)));
    assert_eq!(client.wire_stats().server_errors, 1);

    let (endpoint, _) = flaky(1, (429, "TooManyRequestsException")).await;
    let client = self::client(&endpoint, 3);
    let exchange = client
        .call(
            Principal::Owner,
            "DescribeLocations",
            &serde_json::json!({}),
        )
        .await;
    assert!(matches!(exchange.outcome, Outcome::Success(_)));
    assert_eq!(client.wire_stats().throttles, 1);
}

#[tokio::test]
async fn a_request_failing_after_retries_is_a_transport_fault() {
    let (endpoint, seen) = flaky(usize::MAX, (400, "ThrottlingException")).await;
    let client = client(&endpoint, 3);
    let exchange = client
        .call(
            Principal::Owner,
            "DescribeLocations",
            &serde_json::json!({}),
        )
        .await;
    match &exchange.outcome {
        Outcome::TransportFault { message, .. } => {
            assert!(message.contains("gave up after 3 attempts"), "{message}")
        }
        other => panic!("expected a transport fault, got {other:?}"),
    }
    assert_eq!(exchange.outcome.label(), "transport-fault");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    assert_eq!(client.wire_stats().gave_up, 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let (endpoint, seen) = flaky(usize::MAX, (400, "DirectConnectClientException")).await;
    let client = client(&endpoint, 5);
    let exchange = client
        .call(
            Principal::Owner,
            "DescribeLocations",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(
        exchange.outcome.error_type(),
        Some("DirectConnectClientException")
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(client.wire_stats().retries, 0);
}
