//! The awsJson 1.1 wire client: any operation by name with a JSON body, signed
//! with SigV4, recorded and classified.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Signer, TargetError};
use crate::vocab::classify;
use crate::vocab::{AccountSelector, Accounts, Exchange, Outcome, Principal, TransportKind};

/// Wire options. Defaults suit loopback emulators; real AWS runs raise the timeout.
#[derive(Debug, Clone)]
pub struct WireOptions {
    /// Whole-request timeout (default 30 s; `--timeout`, `DXCONFORM_TIMEOUT`).
    pub timeout: Duration,
    /// TCP connect timeout (default 5 s).
    pub connect_timeout: Duration,
}

impl Default for WireOptions {
    fn default() -> Self {
        WireOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// Sends awsJson requests to one endpoint on behalf of the principals.
#[derive(Debug, Clone)]
pub struct WireClient {
    pub(super) transport: super::transport::Transport,
    pub(super) endpoint: String,
    pub(super) host: String,
    pub(super) target_prefix: String,
    pub(super) content_type: String,
    pub(super) accounts: Accounts,
    pub(super) selector: AccountSelector,
    pub(super) signers: BTreeMap<Principal, Signer>,
    pub(super) retry: std::sync::Arc<super::retry::RetryState>,
    /// Where every request sent is also recorded (benchmarks).
    pub(super) tap: Option<super::Tap>,
}

impl WireClient {
    /// A client for `endpoint` (e.g. `http://127.0.0.1:4566`).
    pub fn new(
        endpoint: &str,
        accounts: Accounts,
        selector: AccountSelector,
        signers: BTreeMap<Principal, Signer>,
        options: &WireOptions,
    ) -> Result<WireClient, TargetError> {
        let url = reqwest::Url::parse(endpoint).map_err(|e| TargetError::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(TargetError::InvalidEndpoint {
                endpoint: endpoint.to_owned(),
                reason: "expected http:// or https:// with a host".to_owned(),
            });
        }
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let transport = super::transport::Transport::for_url(&url, options)?;
        let spec = crate::spec::Spec::builtin();
        Ok(WireClient {
            transport,
            endpoint: url.to_string(),
            host,
            target_prefix: spec.source.target_prefix.clone(),
            content_type: spec.content_type(),
            accounts,
            selector,
            signers,
            retry: std::sync::Arc::new(
                super::retry::RetryState::new(super::RetryPolicy::default()),
            ),
            tap: None,
        })
    }

    /// The same client retrying under `policy`, with fresh counters.
    pub fn with_retry(mut self, policy: super::RetryPolicy) -> WireClient {
        self.retry = std::sync::Arc::new(super::retry::RetryState::new(policy));
        self
    }

    /// The same client, also recording every request it sends into `tap`.
    pub fn tapped(mut self, tap: super::Tap) -> WireClient {
        self.tap = Some(tap);
        self
    }

    /// The tap this client records into, if any.
    pub fn tap(&self) -> Option<&super::Tap> {
        self.tap.as_ref()
    }

    /// What this client (and its clones) retried, throttled and waited so far.
    pub fn wire_stats(&self) -> super::WireStats {
        self.retry.stats()
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The accounts of the principals.
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The same client acting for `accounts`, sharing connections and retry state,
    /// when the target selects accounts by access key or header (emulators); `None`
    /// when accounts are real credentials, which a harness cannot mint.
    pub fn for_accounts(&self, accounts: Accounts) -> Option<WireClient> {
        let signers = match &self.selector {
            AccountSelector::Credentials => return None,
            AccountSelector::Header(_) => self.signers.clone(),
            AccountSelector::AccessKey => self
                .signers
                .iter()
                .map(|(principal, signer)| {
                    (
                        *principal,
                        signer.for_emulator_account(accounts.of(*principal)),
                    )
                })
                .collect(),
        };
        Some(WireClient {
            accounts,
            signers,
            ..self.clone()
        })
    }

    /// Call `operation` as `principal` with `body`.
    pub async fn call(&self, principal: Principal, operation: &str, body: &Value) -> Exchange {
        let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        let target = format!("{}.{operation}", self.target_prefix);
        let mut headers: Vec<(String, String)> = vec![
            ("host".to_owned(), self.host.clone()),
            ("content-type".to_owned(), self.content_type.clone()),
            ("x-amz-target".to_owned(), target),
        ];
        if let AccountSelector::Header(name) = &self.selector {
            headers.push((
                name.to_ascii_lowercase(),
                self.accounts.of(principal).to_owned(),
            ));
        }
        if let Some(signer) = self.signers.get(&principal) {
            let borrowed: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            match signer.sign(&self.endpoint, &borrowed, &bytes) {
                Ok(extra) => headers.extend(extra),
                Err(reason) => {
                    return self.fault(
                        principal,
                        operation,
                        body,
                        TransportKind::Other,
                        format!("signing failed: {reason}"),
                        Duration::ZERO,
                    )
                }
            }
        }
        self.send(principal, operation, body, bytes, &headers).await
    }

    /// Send prepared bytes and headers (signed or not) and classify the answer;
    /// `recorded` is what the exchange records as the request. Throttles and 5xx
    /// are retried (`target::retry`); one still failing after every attempt is a
    /// transport fault. The exchange's latency is that of the last attempt.
    pub(super) async fn send(
        &self,
        principal: Principal,
        operation: &str,
        recorded: &Value,
        bytes: Vec<u8>,
        headers: &[(String, String)],
    ) -> Exchange {
        // Shared, not copied, by the tap and every attempt.
        let bytes = bytes::Bytes::from(bytes);
        if let Some(tap) = &self.tap {
            tap.record(super::RawRequest {
                url: self.endpoint.clone(),
                headers: headers.to_vec(),
                body: bytes.clone(),
            });
        }
        let mut attempt = 0u32;
        loop {
            self.retry.acquire().await;
            let exchange = self
                .send_once(principal, operation, recorded, bytes.clone(), headers)
                .await;
            let retry = super::retry::retryable(exchange.status, &exchange.outcome);
            match self.retry.after(attempt, retry) {
                Some(delay) => {
                    tracing::debug!(
                        operation,
                        status = exchange.status,
                        attempt,
                        ?delay,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None if retry.is_some() => {
                    let what = exchange
                        .outcome
                        .error_type()
                        .unwrap_or("server error")
                        .to_owned();
                    let message = format!(
                        "gave up after {} attempts: HTTP {} {what}",
                        attempt + 1,
                        exchange.status
                    );
                    return self.fault(
                        principal,
                        operation,
                        recorded,
                        TransportKind::Other,
                        message,
                        exchange.latency,
                    );
                }
                None => return exchange,
            }
        }
    }

    async fn send_once(
        &self,
        principal: Principal,
        operation: &str,
        recorded: &Value,
        bytes: bytes::Bytes,
        headers: &[(String, String)],
    ) -> Exchange {
        let body = recorded;
        let started = Instant::now();
        let answer = match self.transport.post(&self.endpoint, headers, bytes).await {
            Ok(answer) => answer,
            Err(failure) => {
                return self.fault(
                    principal,
                    operation,
                    body,
                    failure.kind,
                    failure.message,
                    started.elapsed(),
                )
            }
        };
        let (status, response_headers, raw) = (answer.status, answer.headers, answer.body);
        let latency = started.elapsed();
        let outcome = classify(status, &raw);
        Exchange {
            operation: operation.to_owned(),
            principal,
            request: body.clone(),
            status,
            headers: response_headers,
            body: raw,
            latency,
            outcome,
        }
    }

    pub(super) fn fault(
        &self,
        principal: Principal,
        operation: &str,
        body: &Value,
        kind: TransportKind,
        message: String,
        latency: Duration,
    ) -> Exchange {
        Exchange {
            operation: operation.to_owned(),
            principal,
            request: body.clone(),
            status: 0,
            headers: Vec::new(),
            body: Default::default(),
            latency,
            outcome: Outcome::TransportFault { kind, message },
        }
    }
}
