//! A tap on a client: the exact requests it sent (URL, headers, body), in order,
//! so a benchmark can replay the same sequence with a minimal HTTP client and
//! tell the target's cost from the harness's.

use std::sync::{Arc, Mutex};

use bytes::Bytes;

/// One request as sent on the wire.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// Full URL (the API endpoint, or an admin URL such as a reset).
    pub url: String,
    /// Headers as sent, lower-case names (including `host` and the signature).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
}

/// A shared, append-only record of requests (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Tap(Arc<Mutex<Vec<RawRequest>>>);

impl Tap {
    /// Append one request.
    pub fn record(&self, request: RawRequest) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
    }

    /// Everything recorded so far, leaving the tap empty.
    pub fn take(&self) -> Vec<RawRequest> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The taps of every lane of a run, one per concurrent lane (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct TapSet(Arc<Mutex<Vec<Tap>>>);

impl TapSet {
    /// A new tap, registered in the set.
    pub fn tap(&self) -> Tap {
        let tap = Tap::default();
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tap.clone());
        tap
    }

    /// Each lane's requests, in order, leaving the set empty.
    pub fn take(&self) -> Vec<Vec<RawRequest>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
            .iter()
            .map(Tap::take)
            .filter(|requests| !requests.is_empty())
            .collect()
    }
}
