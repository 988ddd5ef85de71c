//! `dxconform check`: hand-written AWS-shaped answers (tests/fixtures/aws/, each citing
//! where its shape comes from) give zero findings in every input form, and planted
//! faults are caught with the same finding format and exit codes as `run`.

use std::path::{Path, PathBuf};
use std::process::Command;

use dxconform::cassette::{check_offline, Captured, OfflineInput};
use dxconform::vocab::Accounts;
use serde_json::{json, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws/answers.ndjson")
}

fn lines() -> Vec<Value> {
    std::fs::read_to_string(fixtures())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check(captured: &[Captured]) -> dxconform::cassette::OfflineOutcome {
    check_offline(captured, "us-east-1", None, &[], &[]).unwrap()
}

fn dxconform(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dxconform"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn every_fixture_cites_its_source_and_twenty_operations_are_covered() {
    let lines = lines();
    let mut operations = std::collections::BTreeSet::new();
    for l in &lines {
        let source = l["source"].as_str().unwrap_or_default();
        assert!(
            source.contains("reference"),
            "{} has no source: {source:?}",
            l["operation"]
        );
        operations.insert(l["operation"].as_str().unwrap().to_owned());
    }
    assert!(operations.len() >= 20, "{operations:?}");
}

#[test]
fn aws_shaped_answers_give_zero_findings_as_ndjson() {
    let captured = OfflineInput::Path(fixtures())
        .captured(&Accounts::default())
        .unwrap();
    assert_eq!(captured.len(), lines().len());
    let outcome = check(&captured);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    assert!(
        outcome.predicted >= 9,
        "creates, updates and deletes get model predictions: {}",
        outcome.predicted
    );
    let (code, stdout) = dxconform(&["check", fixtures().to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn aws_shaped_answers_give_zero_findings_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    for (i, l) in lines().iter().enumerate() {
        let response = dir.path().join(format!("{i}-response.json"));
        let request = dir.path().join(format!("{i}-request.json"));
        std::fs::write(&response, l["body"].to_string()).unwrap();
        std::fs::write(&request, l["request"].to_string()).unwrap();
        let (code, stdout) = dxconform(&[
            "check",
            "--operation",
            l["operation"].as_str().unwrap(),
            response.to_str().unwrap(),
            "--request",
            request.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{}: {stdout}", l["operation"]);
    }
}

#[test]
fn aws_shaped_answers_give_zero_findings_as_har() {
    let entries: Vec<Value> = lines()
        .iter()
        .map(|l| {
            json!({
                "request": {
                    "method": "POST",
                    "url": "https://directconnect.us-east-1.amazonaws.com/",
                    "headers": [
                        {"name": "X-Amz-Target", "value": format!("OvertureService.{}", l["operation"].as_str().unwrap())},
                        {"name": "Content-Type", "value": "application/x-amz-json-1.1"}
                    ],
                    "postData": {"mimeType": "application/x-amz-json-1.1", "text": l["request"].to_string()}
                },
                "response": {
                    "status": l["status"],
                    "headers": [{"name": "Content-Type", "value": "application/x-amz-json-1.1"}],
                    "content": {"mimeType": "application/x-amz-json-1.1", "text": l["body"].to_string()}
                }
            })
        })
        .collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.har");
    std::fs::write(&path, har.to_string()).unwrap();
    let captured = OfflineInput::Path(path.clone())
        .captured(&Accounts::default())
        .unwrap();
    assert_eq!(captured.len(), lines().len());
    assert_eq!(captured[0].operation, "CreateConnection");
    let outcome = check(&captured);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    assert_eq!(dxconform(&["check", path.to_str().unwrap()]).0, 0);
}

#[test]
fn planted_faults_are_found_with_run_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("request.json");
    std::fs::write(
        &request,
        r#"{"location":"EqDC2","bandwidth":"1Gbps","connectionName":"Connection to AWS"}"#,
    )
    .unwrap();
    // CreateConnection answering `available` (model.state) with a mis-cased enum elsewhere.
    let response = dir.path().join("response.json");
    std::fs::write(
        &response,
        r#"{"ownerAccount":"123456789012","connectionId":"dxcon-fg31dyv6","connectionState":"available","bandwidth":"1Gbps","location":"EqDC2","connectionName":"Connection to AWS","region":"us-east-1"}"#,
    )
    .unwrap();
    let (code, stdout) = dxconform(&[
        "check",
        "--operation",
        "CreateConnection",
        response.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("model.state CreateConnection $.connectionState"),
        "{stdout}"
    );
    // Without the request only the specification applies: the state is a valid enum.
    let (code, _) = dxconform(&[
        "check",
        "--operation",
        "CreateConnection",
        response.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    // A wrong type is a shape finding in any form.
    let bad = dxconform::cassette::Captured {
        source: "inline".into(),
        operation: "DescribeConnections".into(),
        request: json!({}),
        status: 200,
        headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
        body: br#"{"connections":[{"connectionId":"dxcon-fg31dyv6","vlan":"101"}]}"#.to_vec(),
        account: None,
    };
    let outcome = check(&[bad]);
    assert!(
        outcome
            .findings
            .iter()
            .any(|(_, f)| f.check == "shape.type" && f.path == "$.connections[0].vlan"),
        "{:#?}",
        outcome.findings
    );
    // Usage errors are exit 2.
    assert_eq!(
        dxconform(&[
            "check",
            "--operation",
            "NoSuchOperation",
            response.to_str().unwrap()
        ])
        .0,
        2
    );
    assert_eq!(
        dxconform(&["check", dir.path().join("absent.json").to_str().unwrap()]).0,
        2
    );
}
