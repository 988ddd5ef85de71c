//! The target-bound ceiling: a minimal HTTP/1.1 client (hyper's connection API,
//! one kept-alive connection per lane worker, opened as a run's loopback transport
//! opens them) that sends a recorded request
//! sequence and reads each answer, checking nothing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};

use super::BenchError;
use crate::target::{connect_keep_alive, Connection, LaunchedTarget, RawRequest, TargetConfig};

type Queue = Arc<Mutex<VecDeque<Vec<RawRequest>>>>;

/// Send `lanes` to the running `target` with `jobs` workers, each taking whole
/// lanes in order on one connection; then reset the target. Returns the requests
/// sent and the wall time of sending them.
pub(super) fn replay(
    target: &TargetConfig,
    lanes: Vec<Vec<RawRequest>>,
    jobs: usize,
) -> Result<(u64, Duration), BenchError> {
    // One thread, like a run against a target in another process, so that the two
    // are compared on the same footing (and the bare client's CPU is a fair floor).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let launched = LaunchedTarget::launch(target).await?;
        let queue: Queue = Arc::new(Mutex::new(VecDeque::from(lanes)));
        let started = Instant::now();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..jobs.max(1) {
            workers.spawn(worker(Arc::clone(&queue)));
        }
        let mut sent = 0;
        while let Some(joined) = workers.join_next().await {
            sent += joined.map_err(|e| BenchError::Raw(e.to_string()))??;
        }
        let wall = started.elapsed();
        // Leave the target as the next trial expects it: empty.
        launched.reset().await?;
        launched.stop().await;
        Ok((sent, wall))
    })
}

/// One kept-alive connection to `authority`, as a run's loopback transport opens it.
async fn connect(authority: &str) -> Result<Connection, BenchError> {
    connect_keep_alive(authority, std::time::Duration::from_secs(5))
        .await
        .map_err(BenchError::Raw)
}

async fn worker(queue: Queue) -> Result<u64, BenchError> {
    let mut sent = 0;
    let mut connection: Option<(String, Connection)> = None;
    loop {
        let Some(lane) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front() else {
            return Ok(sent);
        };
        for request in lane {
            let uri: http::Uri = request
                .url
                .parse()
                .map_err(|e| BenchError::Raw(format!("{}: {e}", request.url)))?;
            let authority = uri
                .authority()
                .map(ToString::to_string)
                .ok_or_else(|| BenchError::Raw(format!("no host in {}", request.url)))?;
            let reusable = connection
                .as_ref()
                .is_some_and(|(a, s)| *a == authority && !s.is_closed());
            if !reusable {
                connection = Some((authority.clone(), connect(&authority).await?));
            }
            let Some((_, sender)) = connection.as_mut() else {
                continue;
            };
            sender
                .ready()
                .await
                .map_err(|e| BenchError::Raw(e.to_string()))?;
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            let mut builder = http::Request::post(path).header("host", &authority);
            for (name, value) in &request.headers {
                if name != "host" {
                    builder = builder.header(name, value);
                }
            }
            let http_request = builder
                .body(Full::new(request.body.clone()))
                .map_err(|e| BenchError::Raw(e.to_string()))?;
            let response = sender
                .send_request(http_request)
                .await
                .map_err(|e| BenchError::Raw(e.to_string()))?;
            response
                .into_body()
                .collect()
                .await
                .map_err(|e| BenchError::Raw(e.to_string()))?;
            sent += 1;
        }
    }
}
