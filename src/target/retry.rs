//! Retries and client-side rate: throttling (400 ThrottlingException or
//! TooManyRequestsException, 429) and 5xx server errors are retried with jittered
//! exponential backoff, and after a throttle an adaptive token bucket slows every
//! later request (multiplicative decrease on a throttle, slow increase on success).
//!
//! What was retried, throttled and waited is counted in [`WireStats`]; a request
//! that still fails after its attempts becomes a transport fault, never a
//! conformance answer. This layer decides nothing about conformance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::vocab::Outcome;

/// How requests are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included (default 8; 1 disables retries;
    /// `--max-attempts`).
    pub max_attempts: u32,
    /// Backoff of the first retry (default 100 ms); doubled per retry, with jitter.
    pub base: Duration,
    /// Longest single backoff (default 20 s).
    pub max_backoff: Duration,
    /// Whether a throttle turns on the adaptive client-side rate (default true).
    pub adaptive: bool,
    /// A ceiling on the client-side rate, requests per second (`--max-rps`; `None`:
    /// unlimited until a throttle).
    pub max_rps: Option<f64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
            adaptive: true,
            max_rps: None,
        }
    }
}

/// Why an answer is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryable {
    /// 429, or a 400 ThrottlingException / TooManyRequestsException.
    Throttled,
    /// 502–504, or a 5xx typed as a server failure (DirectConnectServerException, …).
    ServerError,
}

/// Whether an answer (`status`, classified `outcome`) is retried.
pub fn retryable(status: u16, outcome: &Outcome) -> Option<Retryable> {
    let throttle_type = outcome.error_type().is_some_and(|t| {
        matches!(
            t,
            "ThrottlingException"
                | "Throttling"
                | "TooManyRequestsException"
                | "ThrottledException"
        )
    });
    if status == 429 || (status == 400 && throttle_type) {
        return Some(Retryable::Throttled);
    }
    // Only transient server failures: a 5xx carrying a client error type, an HTML
    // page or moto's "not implemented" is an answer to check, not to retry.
    let server_type = outcome.error_type().is_some_and(|t| {
        matches!(
            t,
            "DirectConnectServerException"
                | "InternalFailure"
                | "InternalServerError"
                | "ServiceUnavailable"
                | "ServiceUnavailableException"
        )
    });
    if (status >= 500 && server_type) || matches!(status, 502..=504) {
        return Some(Retryable::ServerError);
    }
    None
}

/// What the wire client retried and waited, for report.json's `wire` member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireStats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Retries (requests beyond the first attempt).
    pub retries: u64,
    /// Throttling answers received (429, ThrottlingException).
    pub throttles: u64,
    /// 5xx answers retried.
    pub server_errors: u64,
    /// Requests that still failed after every attempt (reported as transport faults).
    pub gave_up: u64,
    /// Milliseconds slept in backoff before retries.
    pub retry_delay_ms: u64,
    /// Milliseconds waited for the adaptive client-side rate.
    pub rate_delay_ms: u64,
    /// The client-side rate at the end, requests per second (0: unlimited).
    #[serde(default)]
    pub rate_limit_rps: f64,
}

impl WireStats {
    /// Add the counts of `other` (another share of a partitioned run).
    pub fn absorb(&mut self, other: &WireStats) {
        merge_counts!(self, other;
            sum: requests, retries, throttles, server_errors, gave_up, retry_delay_ms, rate_delay_ms;
            max: rate_limit_rps);
    }
}

#[derive(Debug)]
struct Bucket {
    /// Requests per second; `None`: unlimited (no throttle seen yet).
    rate: Option<f64>,
    tokens: f64,
    refilled: Instant,
    /// Sends in the current one-second window, to estimate the rate at the first throttle.
    window_start: Instant,
    window_sends: u32,
    last_rate: f64,
}

/// Shared retry state of one client (and its clones).
#[derive(Debug)]
pub struct RetryState {
    pub(super) policy: RetryPolicy,
    bucket: Mutex<Bucket>,
    requests: AtomicU64,
    retries: AtomicU64,
    throttles: AtomicU64,
    server_errors: AtomicU64,
    gave_up: AtomicU64,
    retry_delay_us: AtomicU64,
    rate_delay_us: AtomicU64,
    jitter: AtomicU64,
}

const MIN_RATE: f64 = 0.5;
const MAX_RATE: f64 = 1000.0;

impl RetryState {
    /// Fresh state under `policy`.
    pub fn new(policy: RetryPolicy) -> RetryState {
        let now = Instant::now();
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64)
            | 1;
        RetryState {
            policy,
            bucket: Mutex::new(Bucket {
                rate: None,
                tokens: 1.0,
                refilled: now,
                window_start: now,
                window_sends: 0,
                last_rate: 0.0,
            }),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            throttles: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            gave_up: AtomicU64::new(0),
            retry_delay_us: AtomicU64::new(0),
            rate_delay_us: AtomicU64::new(0),
            jitter: AtomicU64::new(seed),
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> WireStats {
        let ms = |a: &AtomicU64| a.load(Ordering::Relaxed) / 1000;
        WireStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttles: self.throttles.load(Ordering::Relaxed),
            server_errors: self.server_errors.load(Ordering::Relaxed),
            gave_up: self.gave_up.load(Ordering::Relaxed),
            retry_delay_ms: ms(&self.retry_delay_us),
            rate_delay_ms: ms(&self.rate_delay_us),
            rate_limit_rps: self.lock().rate.unwrap_or(0.0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bucket> {
        self.bucket.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for a token of the client-side rate (immediately while unlimited).
    pub(super) async fn acquire(&self) {
        loop {
            let wait = {
                let mut b = self.lock();
                let now = Instant::now();
                if now.duration_since(b.window_start) >= Duration::from_secs(1) {
                    b.last_rate = f64::from(b.window_sends)
                        / now.duration_since(b.window_start).as_secs_f64();
                    b.window_start = now;
                    b.window_sends = 0;
                }
                let rate = match (b.rate, self.policy.max_rps) {
                    (Some(r), Some(max)) => r.min(max),
                    (r, max) => match r.or(max) {
                        Some(r) => r,
                        None => {
                            b.window_sends += 1;
                            break;
                        }
                    },
                };
                let elapsed = now.duration_since(b.refilled).as_secs_f64();
                b.tokens = (b.tokens + elapsed * rate).min(rate.max(1.0));
                b.refilled = now;
                if b.tokens >= 1.0 {
                    b.tokens -= 1.0;
                    b.window_sends += 1;
                    break;
                }
                Duration::from_secs_f64((1.0 - b.tokens) / rate)
            };
            self.rate_delay_us
                .fetch_add(wait.as_micros() as u64, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Record an answer: adapt the rate; say how long to back off before attempt
    /// `attempt + 1` (attempts count from 0), or `None` when it is not retried.
    pub(super) fn after(&self, attempt: u32, retry: Option<Retryable>) -> Option<Duration> {
        match retry {
            None => {
                let mut b = self.lock();
                if let Some(rate) = b.rate {
                    // Additive increase; unlimited again once well above any throttle.
                    let next = rate + 0.1;
                    b.rate = (next < MAX_RATE).then_some(next);
                }
                return None;
            }
            Some(Retryable::Throttled) => {
                self.throttles.fetch_add(1, Ordering::Relaxed);
                if self.policy.adaptive {
                    let mut b = self.lock();
                    let now = Instant::now();
                    let window = now.duration_since(b.window_start).as_secs_f64();
                    let current = b.rate.unwrap_or_else(|| {
                        let recent = if window > 0.2 {
                            f64::from(b.window_sends) / window
                        } else {
                            b.last_rate.max(f64::from(b.window_sends))
                        };
                        recent.max(1.0)
                    });
                    b.rate = Some((current * 0.7).max(MIN_RATE));
                    b.tokens = 0.0;
                    b.refilled = now;
                }
            }
            Some(Retryable::ServerError) => {
                self.server_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        if attempt + 1 >= self.policy.max_attempts {
            self.gave_up.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        self.retries.fetch_add(1, Ordering::Relaxed);
        let delay = self.backoff(attempt);
        self.retry_delay_us
            .fetch_add(delay.as_micros() as u64, Ordering::Relaxed);
        Some(delay)
    }

    /// Equal-jitter exponential backoff: half the step plus a random share of the other half.
    fn backoff(&self, attempt: u32) -> Duration {
        let step = self
            .policy
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.policy.max_backoff);
        let mut x = self.jitter.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.jitter.store(x, Ordering::Relaxed);
        let share = (x % 1000) as f64 / 1000.0;
        step / 2 + step.mul_f64(share / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(t: &str) -> Outcome {
        Outcome::ServiceError {
            error_type: t.to_owned(),
            message: None,
        }
    }

    #[test]
    fn what_is_retried() {
        assert_eq!(
            retryable(400, &service("ThrottlingException")),
            Some(Retryable::Throttled)
        );
        assert_eq!(
            retryable(400, &service("TooManyRequestsException")),
            Some(Retryable::Throttled)
        );
        assert_eq!(retryable(429, &service("x")), Some(Retryable::Throttled));
        assert_eq!(
            retryable(500, &service("DirectConnectServerException")),
            Some(Retryable::ServerError)
        );
        assert_eq!(
            retryable(400, &service("DirectConnectClientException")),
            None
        );
        assert_eq!(
            retryable(500, &service("DirectConnectClientException")),
            None,
            "a client error sent as 500 is a finding, not a transient failure"
        );
        let html = Outcome::NotImplemented {
            reason: "html 500".into(),
        };
        assert_eq!(
            retryable(500, &html),
            None,
            "moto's not-implemented is an answer"
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_gives_up() {
        let state = RetryState::new(RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            adaptive: true,
            max_rps: None,
        });
        let d0 = state.after(0, Some(Retryable::Throttled)).unwrap();
        assert!(d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100));
        let d1 = state.after(1, Some(Retryable::ServerError)).unwrap();
        assert!(d1 >= Duration::from_millis(100) && d1 <= Duration::from_millis(200));
        assert_eq!(state.after(2, Some(Retryable::Throttled)), None);
        let stats = state.stats();
        assert_eq!(
            (
                stats.retries,
                stats.throttles,
                stats.server_errors,
                stats.gave_up
            ),
            (2, 2, 1, 1)
        );
        assert!(stats.retry_delay_ms >= 150);
        assert!(
            stats.rate_limit_rps >= MIN_RATE,
            "a throttle turns the rate on"
        );
    }

    /// Take `tokens` from `state`, asserting that it took at least `at_least`.
    async fn assert_paced(state: &RetryState, tokens: usize, at_least: Duration) {
        let started = Instant::now();
        for _ in 0..tokens {
            state.acquire().await;
        }
        assert!(started.elapsed() >= at_least, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn adaptive_rate_spaces_requests() {
        let state = RetryState::new(RetryPolicy::default());
        {
            let mut b = state.lock();
            b.rate = Some(20.0);
            b.tokens = 0.0;
            b.refilled = Instant::now();
        }
        assert_paced(&state, 4, Duration::from_millis(150)).await;
        assert!(state.stats().rate_delay_ms >= 100);
    }

    #[tokio::test]
    async fn max_rps_caps_the_rate_before_any_throttle() {
        let state = RetryState::new(RetryPolicy {
            max_rps: Some(20.0),
            ..RetryPolicy::default()
        });
        // One token at once, then one every 50 ms.
        assert_paced(&state, 5, Duration::from_millis(190)).await;
        assert!(state.stats().rate_delay_ms >= 150);
    }
}
