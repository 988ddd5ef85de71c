//! The target-bound ceiling: the run's own loopback HTTP/1.1 transport (one
//! kept-alive connection per lane worker) sending a recorded request sequence and
//! reading each answer, checking nothing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::BenchError;
use crate::target::{LaunchedTarget, Loopback, RawRequest, TargetConfig};

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
        let launched = LaunchedTarget::launch(target, None).await?;
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

async fn worker(queue: Queue) -> Result<u64, BenchError> {
    let mut sent = 0;
    // One connection at a time (the transport keeps it alive between requests).
    let transport = Loopback::new(Duration::from_secs(30), Duration::from_secs(5));
    loop {
        let Some(lane) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front() else {
            return Ok(sent);
        };
        for request in lane {
            transport
                .post(&request.url, &request.headers, request.body.clone())
                .await
                .map_err(|f| BenchError::Raw(f.message))?;
            sent += 1;
        }
    }
}
