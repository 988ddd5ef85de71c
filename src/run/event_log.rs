//! The NDJSON event stream (`--events FILE`): one JSON object per line, one line
//! per [`RunEvent`], each written whole in one write as it happens, so a CI log
//! that follows the file sees every step live and a run cut short (killed, out of
//! time, a second signal) leaves every event it emitted and no torn line.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::events::{EventSink, RunEvent};
use super::RunError;

/// Writes every event as one JSON line.
#[derive(Debug)]
pub struct EventLog {
    path: PathBuf,
    state: Mutex<LogState>,
}

#[derive(Debug)]
struct LogState {
    /// Unbuffered: each line goes to the file in one `write_all` of its own.
    out: File,
    /// The first write error; later events are dropped and [`EventLog::finish`] reports it.
    error: Option<std::io::Error>,
}

impl EventLog {
    /// Create (or truncate) `path`.
    pub fn create(path: &Path) -> Result<EventLog, RunError> {
        let file = File::create(path).map_err(|source| RunError::Write {
            path: path.to_owned(),
            source,
        })?;
        Ok(EventLog {
            path: path.to_owned(),
            state: Mutex::new(LogState {
                out: file,
                error: None,
            }),
        })
    }

    /// Flush, and report the first write error, if any.
    pub fn finish(self) -> Result<(), RunError> {
        let path = self.path;
        let mut state = self
            .state
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = match state.error.take() {
            Some(e) => Err(e),
            None => state.out.flush(),
        };
        result.map_err(|source| RunError::Write { path, source })
    }
}

impl EventSink for EventLog {
    fn event(&self, event: &RunEvent) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.error.is_some() {
            return;
        }
        let written = serde_json::to_vec(event)
            .map_err(std::io::Error::from)
            .and_then(|mut line| {
                line.push(b'\n');
                state.out.write_all(&line)
            });
        if let Err(e) = written {
            state.error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::events::Phase;
    use crate::vocab::Principal;

    /// A log at `events.ndjson` in a fresh folder, its path, and the folder.
    fn new_log() -> (tempfile::TempDir, std::path::PathBuf, EventLog) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.ndjson");
        let log = EventLog::create(&path).unwrap();
        (dir, path, log)
    }

    /// A successful owner step of the search.
    fn step(case: u64, step: usize, operation: &str, findings: Vec<String>) -> RunEvent {
        RunEvent::Step {
            case,
            phase: Phase::Search,
            step,
            operation: operation.into(),
            principal: Principal::Owner,
            status: 200,
            outcome: "success".into(),
            findings,
            latency_us: 42,
            non_answer: None,
            rule: None,
        }
    }

    #[test]
    fn each_event_is_one_parseable_line() {
        let (_dir, path, log) = new_log();
        for index in 0..3 {
            log.event(&step(
                1,
                index,
                "CreateConnection",
                vec!["model.state".into()],
            ));
        }
        log.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        for line in lines {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["event"], "step");
            assert_eq!(v["findings"][0], "model.state");
        }
    }

    #[test]
    fn each_line_is_on_disk_before_the_next_event() {
        let (_dir, path, log) = new_log();
        log.event(&step(0, 0, "DescribeLocations", Vec::new()));
        // No finish: a run killed here has still written the line.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1, "{text:?}");
        assert!(text.ends_with('\n'));
        drop(log);
    }
}
