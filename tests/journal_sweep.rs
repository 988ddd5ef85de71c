//! The resource journal and `dxconform sweep`: a run killed with SIGKILL against a
//! standalone `dxconform serve` (a target without reset) leaves its resources in
//! the journal, and a sweep deletes every one of them, also those whose create
//! answer never reached the journal (found by their `dxconform:run-id` tag).
//! Ctrl-C, SIGTERM and SIGHUP end a run with its own cleanup and a partial report.
//! Loopback only.

use dxconform::target::ServedReference;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use dxconform::target::{LaunchedTarget, TargetConfig, TargetKind};
use dxconform::vocab::Principal;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// `dxconform serve` on a free port with AWS-like async delays.
fn serve() -> ServedReference {
    ServedReference::spawn(Path::new(BIN), &["--async-delay-ms", "20"]).expect("serve starts")
}

/// Ids of resources that are not gone (any state but deleted/deleting/rejected).
fn live_resources(endpoint: &str) -> Vec<String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(endpoint.to_owned()),
            ..TargetConfig::default()
        };
        let target = LaunchedTarget::launch(&config, None).await.unwrap();
        let mut live = Vec::new();
        for principal in [Principal::Owner, Principal::Partner] {
            for (op, list, id, state) in [
                (
                    "DescribeConnections",
                    "connections",
                    "connectionId",
                    "connectionState",
                ),
                (
                    "DescribeInterconnects",
                    "interconnects",
                    "interconnectId",
                    "interconnectState",
                ),
                ("DescribeLags", "lags", "lagId", "lagState"),
                (
                    "DescribeVirtualInterfaces",
                    "virtualInterfaces",
                    "virtualInterfaceId",
                    "virtualInterfaceState",
                ),
                (
                    "DescribeDirectConnectGateways",
                    "directConnectGateways",
                    "directConnectGatewayId",
                    "directConnectGatewayState",
                ),
            ] {
                let ex = target
                    .client
                    .call(principal, op, &serde_json::json!({}))
                    .await;
                assert_eq!(ex.status, 200, "{op}: {:?}", ex.outcome);
                let body: serde_json::Value = serde_json::from_slice(&ex.body).unwrap_or_default();
                for item in body[list].as_array().cloned().unwrap_or_default() {
                    let s = item[state].as_str().unwrap_or_default();
                    if !matches!(s, "deleted" | "deleting" | "rejected") {
                        live.push(format!("{} {s}", item[id]));
                    }
                }
            }
        }
        target.stop().await;
        live
    })
}

#[test]
fn a_killed_run_leaves_nothing_after_a_sweep() {
    for (seed, kill_after_ms) in [(5u64, 0u64), (6, 600), (7, 1500), (8, 150), (9, 900)] {
        let server = serve();
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.ndjson");
        let mut run = Command::new(BIN)
            .args([
                "run",
                "--endpoint",
                server.endpoint(),
                "--cases",
                "400",
                "--max-steps",
                "12",
            ])
            .args([
                "--seed",
                &seed.to_string(),
                "--progress",
                "off",
                "--no-negative",
            ])
            .arg("--journal")
            .arg(&journal)
            .arg("--out")
            .arg(dir.path().join("out"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a point after the first journaled create (the machine may be slow).
        let waited = std::time::Instant::now();
        while !std::fs::read_to_string(&journal)
            .unwrap_or_default()
            .contains("\"created\"")
            && waited.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        run.kill().unwrap(); // SIGKILL: no cleanup of its own
        let _ = run.wait();
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        assert!(
            text.contains("\"created\""),
            "seed {seed}: the run journaled nothing"
        );

        let out = Command::new(BIN)
            .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
            .arg("--journal")
            .arg(&journal)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let live = live_resources(server.endpoint());
        assert!(
            live.is_empty(),
            "seed {seed}: left after the sweep: {live:?}\n{stdout}"
        );
        // A second sweep has nothing left to do.
        let again = Command::new(BIN)
            .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
            .arg("--journal")
            .arg(&journal)
            .output()
            .unwrap();
        let again = String::from_utf8_lossy(&again.stdout);
        assert!(
            again.contains("sweep: 0 deleted, 0 failed"),
            "{stdout}\n--- again:\n{again}"
        );
    }
}

#[test]
fn a_sweep_never_touches_resources_outside_the_journal() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    std::fs::write(&journal, "").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(server.endpoint().to_owned()),
            ..TargetConfig::default()
        };
        let target = LaunchedTarget::launch(&config, None).await.unwrap();
        let locations = target
            .client
            .call(Principal::Owner, "DescribeLocations", &serde_json::json!({}))
            .await;
        let body: serde_json::Value = serde_json::from_slice(&locations.body).unwrap();
        let location = body["locations"][0]["locationCode"].as_str().unwrap().to_owned();
        let created = target
            .client
            .call(
                Principal::Owner,
                "CreateConnection",
                &serde_json::json!({"location": location, "bandwidth": "1Gbps", "connectionName": "not-journaled"}),
            )
            .await;
        assert_eq!(created.status, 200);
        target.stop().await;
    });
    let out = Command::new(BIN)
        .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        live_resources(server.endpoint()).len(),
        1,
        "the unjournaled connection is untouched"
    );
}

#[test]
fn ctrl_c_deletes_what_the_run_created_without_a_sweep() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    let run = Command::new(BIN)
        .args([
            "run",
            "--endpoint",
            server.endpoint(),
            "--cases",
            "400",
            "--seed",
            "9",
        ])
        .args(["--progress", "off", "--no-negative"])
        .arg("--journal")
        .arg(&journal)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &run.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let live = live_resources(server.endpoint());
    assert!(live.is_empty(), "left after Ctrl-C: {live:?}\n{stderr}");
}

/// Create a connection on the target, tagged with `tags`; returns its id.
fn create_connection(endpoint: &str, name: &str, tags: serde_json::Value) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(endpoint.to_owned()),
            ..TargetConfig::default()
        };
        let target = LaunchedTarget::launch(&config, None).await.unwrap();
        let locations = target
            .client
            .call(
                Principal::Owner,
                "DescribeLocations",
                &serde_json::json!({}),
            )
            .await;
        let body: serde_json::Value = serde_json::from_slice(&locations.body).unwrap();
        let location = body["locations"][0]["locationCode"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut request =
            serde_json::json!({"location": location, "bandwidth": "1Gbps", "connectionName": name});
        if !tags.is_null() {
            request["tags"] = tags;
        }
        let created = target
            .client
            .call(Principal::Owner, "CreateConnection", &request)
            .await;
        assert_eq!(created.status, 200, "{:?}", created.outcome);
        target.stop().await;
        let body: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
        body["connectionId"].as_str().unwrap().to_owned()
    })
}

#[test]
fn a_sweep_by_tag_deletes_its_run_and_leaves_untagged_and_other_runs_alone() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    // No journal at all: the tag alone finds the run's resources.
    let journal = dir.path().join("absent.ndjson");
    let untagged = create_connection(server.endpoint(), "untagged", serde_json::Value::Null);
    let other = create_connection(
        server.endpoint(),
        "other-run",
        serde_json::json!([{"key": "dxconform:run-id", "value": "run-other"}]),
    );
    let lookalike = create_connection(
        server.endpoint(),
        "lookalike",
        serde_json::json!([{"key": "run-id", "value": "run-mine"}, {"key": "dxconform:run", "value": "run-mine"}]),
    );
    let mine = create_connection(
        server.endpoint(),
        "mine",
        serde_json::json!([{"key": "env", "value": "x"}, {"key": "dxconform:run-id", "value": "run-mine"}]),
    );
    let out = Command::new(BIN)
        .args([
            "sweep",
            "--endpoint",
            server.endpoint(),
            "--run-id",
            "run-mine",
        ])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("sweep: 1 deleted, 0 failed (1 found by"),
        "{stdout}"
    );
    assert!(stdout.contains(&mine), "{stdout}");
    let live = live_resources(server.endpoint()).join("\n");
    assert!(!live.contains(&mine), "{live}");
    for kept in [&untagged, &other, &lookalike] {
        assert!(live.contains(kept.as_str()), "{kept} was touched: {live}");
    }
    // --all-runs takes every run's tagged resources, and still no untagged one.
    let out = Command::new(BIN)
        .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sweep: 1 deleted, 0 failed"), "{stdout}");
    let live = live_resources(server.endpoint()).join("\n");
    assert!(!live.contains(&other), "{live}");
    assert!(
        live.contains(&untagged) && live.contains(&lookalike),
        "{live}"
    );
}

/// A VIF allocated on a journaled connection, whose own allocation never reached the
/// journal (the run was killed between the answer and the journal write) and which
/// carries no run tag (allocations have none), is found on its connection and
/// deleted as the account that owns it.
#[test]
fn a_sweep_deletes_what_lives_on_a_journaled_connection() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let connection = runtime.block_on(async {
        let config = TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(server.endpoint().to_owned()),
            ..TargetConfig::default()
        };
        let target = LaunchedTarget::launch(&config, None).await.unwrap();
        let call = |principal, op: &'static str, body: serde_json::Value| {
            let target = &target;
            async move {
                let ex = target.client.call(principal, op, &body).await;
                let answer: serde_json::Value =
                    serde_json::from_slice(&ex.body).unwrap_or_default();
                (ex.status, answer)
            }
        };
        let (_, locations) = call(Principal::Owner, "DescribeLocations", serde_json::json!({})).await;
        let location = locations["locations"][0]["locationCode"].clone();
        let (status, created) = call(
            Principal::Owner,
            "CreateConnection",
            serde_json::json!({"location": location, "bandwidth": "1Gbps", "connectionName": "parent"}),
        )
        .await;
        assert_eq!(status, 200, "{created}");
        let connection = created["connectionId"].as_str().unwrap().to_owned();
        let partner = target.client.accounts().of(Principal::Partner).to_owned();
        // The connection settles within the server's async delay; allocate once it takes it.
        let mut allocated = (0, serde_json::Value::Null);
        for _ in 0..100 {
            allocated = call(
                Principal::Owner,
                "AllocatePrivateVirtualInterface",
                serde_json::json!({
                    "connectionId": connection,
                    "ownerAccount": partner,
                    "newPrivateVirtualInterfaceAllocation": {
                        "virtualInterfaceName": "child", "vlan": 101, "asn": 65001
                    }
                }),
            )
            .await;
            if allocated.0 == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(allocated.0, 200, "{}", allocated.1);
        target.stop().await;
        connection
    });
    let line = serde_json::json!({
        "run_id": "run-killed", "event": "created", "operation": "DeleteConnection",
        "body": {"connectionId": connection}, "principal": "owner", "at": 0
    });
    std::fs::write(&journal, format!("{line}\n")).unwrap();
    assert_eq!(
        live_resources(server.endpoint()).len(),
        3,
        "connection + VIF in two views"
    );

    let out = Command::new(BIN)
        .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("1 found on the run's connections"),
        "{stdout}"
    );
    let live = live_resources(server.endpoint());
    assert!(live.is_empty(), "left after the sweep: {live:?}\n{stdout}");
}

/// Every line of an NDJSON file, parsed: a torn line fails the test.
fn ndjson(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: torn line {line:?}: {e}", path.display()))
        })
        .collect()
}

/// A run against `server` with a journal, an event log and an output folder in
/// `dir`, its output piped.
fn journaled_run(server: &ServedReference, dir: &Path) -> std::process::Child {
    Command::new(BIN)
        .args(["run", "--endpoint", server.endpoint()])
        .args([
            "--cases",
            "400",
            "--seed",
            "11",
            "--progress",
            "off",
            "--no-negative",
        ])
        .arg("--journal")
        .arg(dir.join("journal.ndjson"))
        .arg("--events")
        .arg(dir.join("events.ndjson"))
        .arg("--out")
        .arg(dir.join("out"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the run has journaled a create and its event log shows a finding
/// (the lines written so far; the one being written may be incomplete).
fn wait_for_a_create_and_a_finding(dir: &Path) {
    let waited = std::time::Instant::now();
    loop {
        let journal = std::fs::read_to_string(dir.join("journal.ndjson")).unwrap_or_default();
        let events = std::fs::read_to_string(dir.join("events.ndjson")).unwrap_or_default();
        let found = events
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .any(|e| {
                e["event"] == "case-finished"
                    && e["new_buckets"].as_array().is_some_and(|b| !b.is_empty())
            });
        if journal.contains("\"created\"") && found {
            return;
        }
        // Not a timing assertion: a bound, so a run that never gets there fails.
        assert!(
            waited.elapsed() < Duration::from_secs(300),
            "no create and finding yet:\n{events}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn send(signal: &str, child: &std::process::Child) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal}");
}

/// `dxconform serve` with a fault the first cases find (a connection's name comes
/// back changed), so the partial report has findings to keep.
fn serve_with_a_fault() -> ServedReference {
    ServedReference::spawn(
        Path::new(BIN),
        &["--async-delay-ms", "20", "--mutant", "wrong-name-echo"],
    )
    .expect("serve starts")
}

#[rstest::rstest]
#[case::sigterm("TERM", "SIGTERM")]
#[case::sighup("HUP", "SIGHUP")]
fn a_signal_ends_the_run_with_its_cleanup_and_a_partial_report(
    #[case] kill_name: &str,
    #[case] signal: &str,
) {
    let server = serve_with_a_fault();
    let dir = tempfile::tempdir().unwrap();
    let run = journaled_run(&server, dir.path());
    wait_for_a_create_and_a_finding(dir.path());
    send(kill_name, &run);
    let output = run.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The documented exit code of an interrupted run.
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "interrupted by {signal}; the report is incomplete"
        )),
        "{stderr}"
    );

    // The event log: every line whole, the steps, then how the run ended.
    let events = ndjson(&dir.path().join("events.ndjson"));
    assert!(events.iter().any(|e| e["event"] == "step"), "no step lines");
    let interrupted = events
        .iter()
        .find(|e| e["event"] == "interrupted")
        .expect("an interrupted event");
    assert_eq!(interrupted["signal"], signal);
    assert_eq!(events.last().unwrap()["event"], "finished");

    // The journal: every line whole, the run's creates in it.
    let journal = ndjson(&dir.path().join("journal.ndjson"));
    assert!(journal.iter().any(|e| e["event"] == "created"));

    // The partial report: marked incomplete with the signal, with the findings so far.
    let out = dir.path().join("out");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["interrupted"]["signal"], signal, "{report:#}");
    assert_eq!(report["interrupted"]["swept"]["left"], 0, "{report:#}");
    assert!(report["cases_run"].as_u64().unwrap() >= 1);
    let buckets = report["buckets"].as_array().unwrap();
    assert!(
        buckets.iter().any(|b| b["check"] == "model.echo"),
        "{buckets:#?}"
    );
    for file in ["report.md", "report.html", "junit.xml"] {
        assert!(out.join(file).exists(), "{file} not written");
    }
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        markdown.contains(&format!("INTERRUPTED by {signal}")),
        "{markdown}"
    );
    assert!(
        stdout.contains(&format!("INTERRUPTED by {signal}")) && stdout.contains("interrupted"),
        "{stdout}"
    );

    // The run's own cleanup left nothing live.
    let live = live_resources(server.endpoint());
    assert!(live.is_empty(), "left after {signal}: {live:?}\n{stderr}");
}

#[test]
fn a_second_signal_exits_at_once_and_the_journal_still_sweeps() {
    let server = serve_with_a_fault();
    let dir = tempfile::tempdir().unwrap();
    let mut run = journaled_run(&server, dir.path());
    wait_for_a_create_and_a_finding(dir.path());
    send("TERM", &run);
    // The second once the first has been taken (signals that arrive together count once).
    let mut stderr = std::io::BufReader::new(run.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("a second signal exits at once") {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
    }
    send("TERM", &run);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    seen.push_str(&rest);
    let status = run.wait().unwrap();
    // Exited at once, or (when the cleanup was already over) after it: interrupted either way.
    assert_eq!(status.code(), Some(3), "{seen}");
    let journal = ndjson(&dir.path().join("journal.ndjson"));
    assert!(journal.iter().any(|e| e["event"] == "created"));
    ndjson(&dir.path().join("events.ndjson"));

    let swept = Command::new(BIN)
        .args(["sweep", "--endpoint", server.endpoint(), "--all-runs"])
        .arg("--journal")
        .arg(dir.path().join("journal.ndjson"))
        .output()
        .unwrap();
    assert!(swept.status.success());
    let live = live_resources(server.endpoint());
    assert!(live.is_empty(), "left after the sweep: {live:?}\n{seen}");
}
