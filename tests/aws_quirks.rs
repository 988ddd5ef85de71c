//! Real AWS answers that are publicly documented (tests/fixtures/aws/quirks.ndjson, each
//! line citing its source and naming the verdict; docs/aws-quirks.md), replayed through
//! the offline checks (`dxconform check`): no failure for any, and where AWS breaks its
//! own published specification a `shape.documented-deviation` warning naming the value
//! and its source. The same values elsewhere still fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use dxconform::cassette::{check_offline, Captured, OfflineInput};
use dxconform::check::Severity;
use dxconform::vocab::Accounts;
use serde_json::{json, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws/quirks.ndjson")
}

fn lines() -> Vec<Value> {
    std::fs::read_to_string(fixtures())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn findings(captured: &[Captured]) -> Vec<dxconform::check::Finding> {
    check_offline(captured, "us-east-1", None, &[], &[])
        .unwrap()
        .findings
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

#[test]
fn each_documented_aws_answer_gets_its_named_verdict() {
    let lines = lines();
    let captured = OfflineInput::Path(fixtures())
        .captured(&Accounts::default())
        .unwrap();
    assert_eq!(captured.len(), lines.len());
    let mut warned = 0;
    for (line, c) in lines.iter().zip(&captured) {
        let quirk = line["quirk"].as_str().unwrap();
        let source = line["source"].as_str().unwrap();
        assert!(
            source.contains('#') || source.starts_with("[outputs]") || source.contains("terraform"),
            "{quirk}: no source"
        );
        let found = findings(std::slice::from_ref(c));
        let verdict = line["verdict"].as_str().unwrap();
        match verdict.strip_prefix("warning:") {
            None => {
                assert_eq!(verdict, "accepted");
                assert!(found.is_empty(), "{quirk}: {found:#?}");
            }
            Some(named) => {
                warned += 1;
                assert!(
                    found.iter().all(|f| f.severity == Severity::Warning
                        && f.check == "shape.documented-deviation"),
                    "{quirk}: {found:#?}"
                );
                assert_eq!(found.len(), 1, "{quirk}: {found:#?}");
                let f = &found[0];
                assert!(
                    f.path.ends_with(named) || f.actual.contains(&format!("{named:?}")),
                    "{quirk}: the warning names {named}: {f:?}"
                );
                assert!(f.actual.contains("real AWS answers it ("), "{f:?}");
            }
        }
    }
    assert_eq!(warned, 2);
    // `dxconform check` passes the file: warnings are not failures.
    let out = Command::new(env!("CARGO_BIN_EXE_dxconform"))
        .args(["check", fixtures().to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("shape.documented-deviation"), "{stdout}");
}

fn answer(operation: &str, body: Value) -> Captured {
    Captured {
        source: "test".into(),
        operation: operation.into(),
        request: json!({}),
        status: 200,
        headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
        body: body.to_string().into_bytes(),
        account: None,
    }
}

#[test]
fn the_same_values_where_aws_is_not_documented_to_answer_them_still_fail() {
    let failing = |operation: &str, body: Value| -> Vec<String> {
        findings(&[answer(operation, body)])
            .into_iter()
            .filter(|f| f.severity == Severity::Failure)
            .map(|f| f.check)
            .collect()
    };
    // `approving` as a connection state: shape.enum and the SDK both fail it.
    let checks = failing(
        "DescribeConnections",
        json!({"connections": [{"connectionId": "dxcon-fguhmqlc", "connectionState": "approving",
            "ownerAccount": "123456789012", "region": "us-east-1", "location": "EqDC2",
            "bandwidth": "1Gbps", "connectionName": "c"}]}),
    );
    assert!(checks.contains(&"shape.enum".to_owned()), "{checks:?}");
    assert!(checks.contains(&"sdk.parse".to_owned()), "{checks:?}");
    // An empty connection id is no documented deviation.
    let checks = failing(
        "DescribeConnections",
        json!({"connections": [{"connectionId": "", "connectionState": "available",
            "ownerAccount": "123456789012", "region": "us-east-1", "location": "EqDC2",
            "bandwidth": "1Gbps", "connectionName": "c"}]}),
    );
    assert!(checks.contains(&"shape.pattern".to_owned()), "{checks:?}");
    // A gateway id that is not a UUID and not empty still fails.
    let checks = failing(
        "DescribeDirectConnectGateways",
        json!({"directConnectGateways": [{"directConnectGatewayId": "dxgw-1",
            "directConnectGatewayName": "g", "directConnectGatewayState": "available",
            "ownerAccount": "123456789012", "amazonSideAsn": 64512}]}),
    );
    assert!(checks.contains(&"shape.pattern".to_owned()), "{checks:?}");
}
