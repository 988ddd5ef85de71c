//! The command line: exit codes, one-line errors, outputs and replay.

use std::process::Command;

fn dxconform() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dxconform"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = dxconform().args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        vec!["run", "--bogus"],
        vec!["run", "--cases", "zero"],
        vec!["run", "--cases", "0"],
        vec!["run", "--owner-account", "12"],
        vec!["run", "--checks", "nosuch.check"],
        vec!["frobnicate"],
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn an_unreachable_endpoint_is_a_one_line_error_with_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Nothing listens on the port once the listener is dropped.
    let endpoint = format!("http://127.0.0.1:{port}");
    let (code, _, stderr) = run(&[
        "run",
        "--endpoint",
        &endpoint,
        "--cases",
        "1",
        "--timeout",
        "2",
    ]);
    assert_eq!(code, 2, "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("unreachable"), "{stderr}");
}

#[test]
fn real_aws_needs_an_explicit_opt_in() {
    let (code, _, stderr) = run(&[
        "run",
        "--endpoint",
        "https://directconnect.us-east-1.amazonaws.com",
        "--cases",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--allow-real-aws"), "{stderr}");
}

#[test]
fn a_run_writes_reports_and_exits_0_when_conformant() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(&[
        "run",
        "--cases",
        "10",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("result: 0 failures"), "{stdout}");
    assert!(stderr.contains("seed 3"), "the seed is printed: {stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["seed"], 3);
    assert_eq!(report["target"]["kind"], "embedded");
    assert!(std::fs::read_to_string(out.join("report.md"))
        .unwrap()
        .contains("Operations × check groups"));
}

#[test]
fn replay_of_a_sequence_that_no_longer_fails_exits_0_and_a_bad_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("replay.json");
    let replay = serde_json::json!({
        "format": 1, "about": "test", "seed": 1, "round": 0,
        "target": {"kind": "embedded", "endpoint": "", "version": null, "region": "us-east-1", "accounts": {"kind": "access-key"}},
        "checks": [],
        "expect": [{"check": "model.state", "operation": "CreateConnection", "path": "$.connectionState", "status": 200}],
        "plan": {"steps": [
            {"op": "CreateConnection", "by": "owner", "location": 0, "bandwidth": "1Gbps", "name": "dx-alpha", "tags": []},
            {"op": "DescribeConnections", "by": "owner", "target": 0}
        ]}
    });
    std::fs::write(&file, replay.to_string()).unwrap();
    let (code, stdout, stderr) = run(&["replay", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("does not fail any more"), "{stdout}");
    assert!(stdout.contains("CreateConnection"), "{stdout}");

    std::fs::write(&file, "{not json").unwrap();
    let (code, _, stderr) = run(&["replay", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read replay file"), "{stderr}");
}

#[test]
fn the_readme_documents_every_exit_code() {
    let readme = include_str!("../README.md");
    for (code, _) in dxconform::exit_code::ExitCode::ALL {
        let row = format!("| {} |", code.code());
        assert!(
            readme.contains(&row),
            "README lacks the exit-code row {row}"
        );
    }
}
