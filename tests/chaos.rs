//! Chaos, bounded: the target of a run (a standalone `dxconform serve`, no reset,
//! so the run journals what it creates) is killed mid-run and started again on the
//! same port, or stopped (SIGSTOP) so it takes connections and answers nothing.
//! The run must end on its own within its timeouts, without a panic, either
//! reporting `transport.fault` findings (exit 1) or as an infrastructure error
//! (exit 2); its journal must hold every resource it could not delete, whole, so a
//! sweep leaves nothing live. Loopback only.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dxconform::target::ServedReference;
use serde_json::Value;
use support::live_accounts;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// The longest a chaos run may take: well past its request timeout and the
/// cases it runs, far below a hang.
const RUN_BOUND: Duration = Duration::from_secs(240);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

/// `dxconform run` against `endpoint`, journaled and logged into `dir`.
fn start_run(endpoint: &str, dir: &Path, cases: u32, timeout_s: &str) -> Child {
    Command::new(BIN)
        .args(["run", "--endpoint", endpoint, "--cases", &cases.to_string()])
        .args(["--seed", "11", "--progress", "off", "--jobs", "4"])
        .args(["--timeout", timeout_s])
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .arg("--events")
        .arg(dir.join("events.ndjson"))
        .arg("--out")
        .arg(dir.join("out"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the run has journaled its first create (it is under way).
fn under_way(run: &mut Child, dir: &Path) {
    let started = Instant::now();
    while !std::fs::read_to_string(dir.join("journal.ndjson"))
        .unwrap_or_default()
        .contains("\"created\"")
    {
        assert!(run.try_wait().unwrap().is_none(), "the run ended early");
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing journaled"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The run's end, within [`RUN_BOUND`] (killed and failed past it).
fn finish(mut run: Child) -> Output {
    let started = Instant::now();
    while run.try_wait().unwrap().is_none() {
        if started.elapsed() > RUN_BOUND {
            let _ = run.kill();
            let out = run.wait_with_output().unwrap();
            panic!(
                "the run hung past {RUN_BOUND:?}:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    run.wait_with_output().unwrap()
}

/// What every chaos run must show: an end by exit 1 with `transport.fault`
/// findings or exit 2, no panic, every journal line whole, every resource the run
/// could not delete still journaled, and nothing live after a sweep.
fn judge(what: &str, out: &Output, dir: &Path, endpoint: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what}: panic:\n{stderr}");
    let code = out.status.code();
    let report: Option<Value> = std::fs::read_to_string(dir.join("out/report.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    match code {
        Some(1) => {
            let report = report.expect("exit 1 writes a report");
            let checks: BTreeSet<&str> = report["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|b| b["check"].as_str())
                .collect();
            eprintln!(
                "{what}: exit 1, {} cases, checks {checks:?}",
                report["cases_run"]
            );
            assert!(
                checks.contains("transport.fault"),
                "{what}: exit 1 without transport.fault: {checks:?}"
            );
            // Every resource the run could not delete is journaled as live.
            let journal = dir.join("journal.ndjson");
            let live: BTreeSet<String> = dxconform::target::Journal::leftovers(&journal, None)
                .unwrap()
                .iter()
                .map(|e| e.body.to_string())
                .collect();
            for leaked in report["leaked"].as_array().unwrap() {
                let leaked: Value = serde_json::from_str(leaked.as_str().unwrap()).unwrap();
                assert!(
                    live.contains(&leaked.to_string()),
                    "{what}: {leaked} leaked but is not journaled as live: {live:?}"
                );
            }
        }
        Some(2) => assert!(
            stderr.to_ascii_lowercase().contains("error"),
            "{what}: exit 2 without saying why:\n{stderr}"
        ),
        other => panic!("{what}: exit {other:?}, expected 1 or 2:\n{stderr}"),
    }
    let journal = std::fs::read_to_string(dir.join("journal.ndjson")).unwrap();
    for line in journal.lines() {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "{what}: torn journal line {line:?}"
        );
    }
    let events = std::fs::read_to_string(dir.join("events.ndjson")).unwrap_or_default();
    assert!(
        events
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{what}: torn event line"
    );
    // Nothing outside the journal, nothing left after a sweep of it.
    let named: BTreeSet<String> = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .flat_map(|l| ["owner", "partner"].map(|p| l["accounts"][p].as_str().map(str::to_owned)))
        .flatten()
        .collect();
    let before = live_accounts(endpoint);
    assert!(
        before.keys().all(|a| named.contains(a)),
        "{what}: live resources in accounts the journal does not name: {before:?}"
    );
    let sweep = Command::new(BIN)
        .args(["sweep", "--endpoint", endpoint, "--all-runs", "--journal"])
        .arg(dir.join("journal.ndjson"))
        .output()
        .unwrap();
    let after = live_accounts(endpoint);
    assert!(
        after.is_empty(),
        "{what}: live after the sweep: {after:?}\n{}",
        String::from_utf8_lossy(&sweep.stdout)
    );
}

#[test]
fn a_target_killed_and_restarted_mid_run_ends_the_run_with_transport_faults_or_exit_2() {
    let port = free_port();
    let server = ServedReference::spawn_on(Path::new(BIN), port, &[]).expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut run = start_run(&endpoint, dir.path(), 300, "5");
    under_way(&mut run, dir.path());
    std::thread::sleep(Duration::from_millis(300));
    signal(server.pid(), "KILL");
    drop(server);
    std::thread::sleep(Duration::from_millis(300));
    let restarted =
        ServedReference::spawn_on(Path::new(BIN), port, &[]).expect("serve starts again");
    let started = Instant::now();
    let out = finish(run);
    eprintln!("ran {:?} after the kill", started.elapsed());
    judge(
        "killed and restarted",
        &out,
        dir.path(),
        restarted.endpoint(),
    );
}

#[test]
fn a_target_that_stops_answering_mid_run_ends_the_run_within_its_timeouts() {
    let server = ServedReference::spawn(Path::new(BIN), &[]).expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut run = start_run(&endpoint, dir.path(), 60, "1");
    under_way(&mut run, dir.path());
    signal(server.pid(), "STOP");
    // Longer than the request timeout: requests in flight and new ones time out.
    std::thread::sleep(Duration::from_secs(4));
    signal(server.pid(), "CONT");
    let out = finish(run);
    judge("stopped", &out, dir.path(), &endpoint);
}

/// The same kill, landing while a case waits for a virtual interface to leave
/// `pending` (the reference target holds each state for a second): the wait's poll
/// gets no answer, and that is the case's `transport.fault`, not a wait that polls on
/// into the restarted, empty target until it times out as `model.liveness`. The run
/// is then ended by SIGTERM (exit 3), its report holding what it found.
#[test]
fn a_target_killed_during_a_wait_is_a_transport_fault() {
    let port = free_port();
    let delay = ["--async-delay-ms", "1000"];
    let server = ServedReference::spawn_on(Path::new(BIN), port, &delay).expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    let mut run = Command::new(BIN)
        .args([
            "run",
            "--endpoint",
            &endpoint,
            "--cases",
            "400",
            "--seed",
            "3",
        ])
        .args(["--progress", "off", "--jobs", "1", "--timeout", "5"])
        .args(["--wait-interval", "0.05", "--wait-timeout", "30"])
        .arg("--journal")
        .arg(&journal)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A VIF is journaled before the wait for its `pending` to pass.
    let started = Instant::now();
    while !std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .lines()
        .any(|l| l.contains("\"created\"") && l.contains("DeleteVirtualInterface"))
    {
        assert!(run.try_wait().unwrap().is_none(), "the run ended early");
        assert!(
            started.elapsed() < RUN_BOUND,
            "no virtual interface created"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(server.pid(), "KILL");
    drop(server);
    std::thread::sleep(Duration::from_millis(300));
    let _restarted =
        ServedReference::spawn_on(Path::new(BIN), port, &delay).expect("serve starts again");
    std::thread::sleep(Duration::from_secs(2));
    signal(run.id(), "TERM");
    let out = finish(run);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    let checks: BTreeSet<&str> = report["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["check"].as_str())
        .collect();
    assert!(
        checks.contains("transport.fault"),
        "a kill during a wait is a transport fault: {checks:?}"
    );
    assert!(!checks.contains("model.liveness"), "{checks:?}");
}
