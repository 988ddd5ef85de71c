//! A small report with one of everything, for the renderers' unit tests: a
//! failing cell with a three-step reproduction (a created id reused by later
//! steps, a cross-account call), a not-implemented operation, a warning,
//! lifecycle edges in every status, and an operation that is not modelled.

use std::path::PathBuf;

use serde_json::json;
use tempfile::TempDir;

use crate::run::RunReport;

/// The sample report (moto-like target, seed 7).
pub fn sample_report() -> RunReport {
    let id = "dxcon-fg5abc12";
    let arn = format!("arn:aws:directconnect:us-east-1:111111111111:dxcon/{id}");
    let create = json!({"op": "CreateConnection", "by": "owner", "location": 0, "bandwidth": "1Gbps", "name": "dx-alpha", "tags": []});
    let describe = json!({"op": "DescribeConnections", "by": "partner", "target": 0});
    let steps = json!([
        {
            "index": 0, "step": create, "skipped": false, "operation": "CreateConnection",
            "principal": "owner",
            "request": {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "dx-alpha"},
            "status": 200, "outcome": "success", "error_type": null,
            "response": json!({"connectionId": id, "connectionName": "dx-alpha", "connectionState": "available", "ownerAccount": "111111111111", "awsLogicalDeviceId": "mock_logical_device_id"}).to_string(),
            "response_headers": [["content-type", "text/html; charset=utf-8"], ["x-amzn-requestid", "r-1"]],
            "latency_us": 900
        },
        {
            "index": 1, "step": {"op": "TagResource", "by": "owner", "kind": "connection", "target": 0, "tags": [{"key": "team", "value": "it's <ops>"}]},
            "skipped": false, "operation": "TagResource", "principal": "owner",
            "request": {"resourceArn": arn, "tags": [{"key": "team", "value": "it's <ops>"}]},
            "status": 200, "outcome": "success", "error_type": null, "response": "{}",
            "latency_us": 500
        },
        {
            "index": 2, "step": describe, "skipped": false, "operation": "DescribeConnections",
            "principal": "partner", "request": {"connectionId": id},
            "status": 400, "outcome": "service-error", "error_type": "DirectConnectClientException",
            "response": json!({"__type": "DirectConnectClientException", "message": "not found"}).to_string(),
            "latency_us": 700
        }
    ]);
    let finding = json!({
        "check": "model.state", "severity": "failure", "basis": "documented",
        "operation": "CreateConnection", "step": 0, "status": 200, "path": "$.connectionState",
        "expected": "state after this call: requested", "actual": "\"available\""
    });
    let repro = json!({
        "seed": 7, "round": 0,
        "plan": {"steps": [create, {"op": "TagResource", "by": "owner", "kind": "connection", "target": 0, "tags": [{"key": "team", "value": "it's <ops>"}]}, describe]},
        "steps": steps, "findings": [finding], "reproduced": true,
        "replay_file": "replays/001-model.state-CreateConnection.json"
    });
    let cells = |cell: &str| json!({"op": cell, "wire": cell, "shape": cell, "sdk": cell, "error": cell, "model": cell});
    let mut create_row = cells("pass");
    create_row["model"] = json!("fail");
    let report = json!({
        "schema_version": 1,
        "harness": {"name": "dxconform", "version": "0.1.0", "spec": "botocore 1.44.8"},
        "target": {"kind": "moto", "endpoint": "http://127.0.0.1:5000/", "version": "moto 5.2.5", "region": "us-east-1", "accounts": {"kind": "header", "header": "x-moto-account-id"}},
        "seed": 7, "started_at": 1_790_000_000u64, "duration_ms": 4800,
        "config": {"cases": 64, "max_steps": 12, "checks": ["model.state", "op.implemented", "wire.status", "shape.type"], "two_accounts": true},
        "cases_run": 64, "steps_run": 200, "steps_skipped": 10, "requests": 900,
        "operations": {
            "CreateConnection": {"calls": 80, "outcomes": {"success": 80}, "latency_us": 80000},
            "DescribeConnections": {"calls": 50, "outcomes": {"success": 45, "service-error": 5}, "latency_us": 40000},
            "DescribeLocations": {"calls": 9, "outcomes": {"not-implemented": 9}, "latency_us": 9000}
        },
        "coverage": {
            "CreateConnection": create_row,
            "DescribeConnections": cells("pass"),
            "DescribeLocations": cells("not-implemented")
        },
        "buckets": [
            {
                "check": "model.state", "severity": "failure", "basis": "documented",
                "operation": "CreateConnection", "path": "$.connectionState", "status": 200, "count": 80,
                "expected": "state after this call: requested", "actual": "\"available\" <b>&</b>",
                "repro": repro
            },
            {
                "check": "op.implemented", "severity": "failure", "basis": "spec",
                "operation": "DescribeLocations", "path": "$", "status": 500, "count": 9,
                "expected": "DescribeLocations implemented", "actual": "HTTP 500 with an HTML body",
                "repro": null
            },
            {
                "check": "shape.unknown-member", "severity": "warning", "basis": "spec",
                "operation": "DescribeConnections", "path": "$.connections[*].x", "status": 200, "count": 3,
                "expected": "a member of Connection", "actual": "\"x\"", "repro": null
            }
        ],
        "leaked": [],
        "transitions": [
            {"kind": "connection", "from": "[*]", "to": "requested", "via": "CreateConnection", "status": "violated"},
            {"kind": "connection", "from": "requested", "to": "pending", "via": "async", "status": "not-reached"},
            {"kind": "connection", "from": "pending", "to": "available", "via": "async", "status": "not-reached"},
            {"kind": "connection", "from": "available", "to": "down", "via": "async", "status": "not-reached"},
            {"kind": "connection", "from": "down", "to": "available", "via": "async", "status": "not-reached"},
            {"kind": "connection", "from": "*", "to": "deleted", "via": "DeleteConnection", "status": "exercised"},
            {"kind": "connection", "from": "available", "to": "available", "via": "UpdateConnection", "status": "exercised"}
        ],
        "not_modelled": [{"operation": "CreateLag", "reason": "LAGs are not modelled yet"}]
    });
    let mut report: RunReport =
        serde_json::from_value(report).expect("the sample report matches the schema");
    report.root_causes = crate::run::root_causes(&report.buckets, &report.operations);
    report
}

/// The sample report with its first step sent broken by `how` (a wire malformation,
/// as serialized: `unknown-operation`, `malformed-signature`, …).
pub fn with_malformed_first_step(how: &str) -> RunReport {
    let mut report = sample_report();
    let repro = report.buckets[0]
        .repro
        .as_mut()
        .expect("the sample has a repro");
    let base = serde_json::to_value(&repro.steps[0].step).expect("a step serializes");
    repro.steps[0].step = serde_json::from_value(json!({
        "base": base, "malformed": {"kind": "wire", "how": how}
    }))
    .expect("a wire malformation");
    report
}

/// A path named `name` in a fresh temporary folder, and the folder (removed when dropped).
pub fn scratch_path(name: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}
