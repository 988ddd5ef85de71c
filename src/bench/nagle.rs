//! The Nagle rows of `dxconform bench`: what a target that leaves Nagle's algorithm
//! on costs a run. A small Python `http.server` proxy (`nagle_proxy.py`, as many
//! hand-written emulators are built) stands in front of the served reference target
//! and writes each answer's head and body apart, once with TCP_NODELAY and once
//! without; the run is timed through each, and once more through the Nagle-on
//! proxy with the transport's quick-ACK remedy turned off, to show what it saves.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::BenchError;
use crate::run::RunConfig;
use crate::target::{set_quick_ack, TargetConfig, TargetKind};

/// The proxy's source, run as `python3 -c`.
const PROXY: &str = include_str!("nagle_proxy.py");

/// One timed run through the proxy.
#[derive(Debug, Clone)]
pub struct NagleRow {
    /// What was measured.
    pub label: &'static str,
    /// Requests the run sent.
    pub requests: u64,
    /// Wall time of the run.
    pub wall: Duration,
}

impl NagleRow {
    /// Mean wall time per request, in milliseconds.
    pub fn ms_per_request(&self) -> f64 {
        self.wall.as_secs_f64() * 1e3 / (self.requests.max(1) as f64)
    }
}

/// A running proxy process, killed when dropped.
struct Proxy {
    child: Child,
    endpoint: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_proxy(upstream: &str, nodelay: bool) -> Result<Proxy, String> {
    let authority = upstream
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut command = Command::new("python3");
    command.arg("-c").arg(PROXY).arg(&authority);
    if nodelay {
        command.arg("--nodelay");
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("python3 could not be started: {e}"))?;
    let mut line = String::new();
    let read = child
        .stdout
        .take()
        .map(|out| BufReader::new(out).read_line(&mut line));
    let port = line.trim().parse::<u16>().ok();
    match (read, port) {
        (Some(Ok(_)), Some(port)) => Ok(Proxy {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("the proxy printed {line:?} instead of its port"))
        }
    }
}

/// Time `cases` cases (`--jobs 1`, one connection, so every request waits for the
/// last) through a proxy of the reference target at `upstream`. `Ok(Err(reason))`
/// when the proxy cannot run (no `python3`).
pub fn measure(
    upstream: &str,
    seed: u64,
    cases: u32,
    progress: &mut dyn FnMut(&str),
) -> Result<Result<Vec<NagleRow>, String>, BenchError> {
    let setups: [(&'static str, bool, bool); 3] = [
        ("Nagle off (TCP_NODELAY)", true, true),
        ("Nagle on, quick ACKs", false, true),
        ("Nagle on, no quick ACKs", false, false),
    ];
    let mut rows = Vec::new();
    for (label, nodelay, quick) in setups {
        let proxy = match start_proxy(upstream, nodelay) {
            Ok(proxy) => proxy,
            Err(reason) => return Ok(Err(reason)),
        };
        let config = RunConfig {
            target: TargetConfig {
                kind: TargetKind::Embedded,
                endpoint: Some(proxy.endpoint.clone()),
                // Resets are POSTs too, and go through the proxy like every request.
                ..TargetConfig::default()
            },
            cases,
            seed,
            jobs: 1,
            max_shrink_iters: 0,
            ..RunConfig::default()
        };
        set_quick_ack(quick);
        let started = Instant::now();
        let report = crate::run::run(&config);
        let wall = started.elapsed();
        set_quick_ack(true);
        drop(proxy);
        let report = report?;
        let row = NagleRow {
            label,
            requests: report.wire.requests,
            wall,
        };
        progress(&format!(
            "Nagle: {label}: {} requests in {:.2} s, {:.2} ms/request",
            row.requests,
            wall.as_secs_f64(),
            row.ms_per_request()
        ));
        rows.push(row);
    }
    Ok(Ok(rows))
}
