//! The reference target in a child process (`dxconform serve --port 0`): what a
//! benchmark measures against (so this process's CPU is the harness's alone) and
//! what tests that kill or interrupt runs talk to.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The child process could not be started or did not say where it listens.
#[derive(Debug, thiserror::Error)]
#[error("cannot start `dxconform serve`: {0}")]
pub struct ServeProcessError(pub String);

/// `dxconform serve --port 0` as a child process, killed on drop.
pub struct ServedReference {
    child: Child,
    endpoint: String,
    /// Kept open: the child prints more lines, and a closed pipe would end it.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl ServedReference {
    /// Start this executable's reference target on a free loopback port.
    pub fn start() -> Result<ServedReference, ServeProcessError> {
        let exe = std::env::current_exe().map_err(|e| ServeProcessError(e.to_string()))?;
        ServedReference::spawn(&exe, &[])
    }

    /// Start `exe serve --port 0 ARGS…` (`exe`: a dxconform executable).
    pub fn spawn(exe: &Path, args: &[&str]) -> Result<ServedReference, ServeProcessError> {
        ServedReference::spawn_on(exe, 0, args)
    }

    /// Start `exe serve --port PORT ARGS…` (0: a free port), e.g. again on the port
    /// of one that was killed.
    pub fn spawn_on(
        exe: &Path,
        port: u16,
        args: &[&str],
    ) -> Result<ServedReference, ServeProcessError> {
        let port = port.to_string();
        let mut child = Command::new(exe)
            .args(["serve", "--port", &port])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| ServeProcessError(e.to_string()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| ServeProcessError("no stdout".to_owned()))?;
        let mut line = String::new();
        let mut stdout = BufReader::new(stdout);
        stdout
            .read_line(&mut line)
            .map_err(|e| ServeProcessError(e.to_string()))?;
        let Some(endpoint) = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(str::to_owned)
        else {
            let _ = child.kill();
            return Err(ServeProcessError(format!(
                "unexpected first line {line:?} (expected the listening address)"
            )));
        };
        Ok(ServedReference {
            child,
            endpoint,
            _stdout: stdout,
        })
    }

    /// Its endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Its process id (to stop or kill it from outside, as a chaos test does).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServedReference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
