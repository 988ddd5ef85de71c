//! Machine outputs through the command line: the NDJSON event stream, every
//! output file of a run, `dxconform report --from` re-rendering, and
//! `dxconform compare` with its drift exit code.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

fn dxconform(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dxconform"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn embedded_run(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let out = dir.join("out");
    let events = dir.join("events.ndjson");
    let (code, stdout, stderr) = dxconform(&[
        "run",
        "--cases",
        "12",
        "--seed",
        "5",
        "--out",
        path(&out),
        "--events",
        path(&events),
        "--progress",
        "off",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    (out, events)
}

#[test]
fn a_run_writes_every_output_and_one_event_line_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let (out, events) = embedded_run(dir.path());
    for file in ["report.json", "report.md", "report.html", "junit.xml"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let text = std::fs::read_to_string(&events).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert_eq!(lines.first().unwrap()["event"], "started");
    assert_eq!(lines.last().unwrap()["event"], "finished");
    let search_steps: Vec<&Value> = lines
        .iter()
        .filter(|e| e["event"] == "step" && e["phase"] == "search")
        .collect();
    let steps = report["steps_run"].as_u64().unwrap() + report["steps_skipped"].as_u64().unwrap();
    assert_eq!(search_steps.len() as u64, steps);
    for step in search_steps {
        for member in [
            "case",
            "step",
            "operation",
            "principal",
            "status",
            "outcome",
            "findings",
            "latency_us",
        ] {
            assert!(step.get(member).is_some(), "{member} missing in {step}");
        }
    }
    let cases = lines
        .iter()
        .filter(|e| e["event"] == "case-finished" && e["phase"] == "search")
        .count();
    assert_eq!(cases as u64, report["cases_run"].as_u64().unwrap());
}

#[test]
fn report_from_re_renders_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = embedded_run(dir.path());
    let json = out.join("report.json");
    let junit = dir.path().join("again.xml");
    let (code, _, stderr) = dxconform(&[
        "report",
        "--from",
        path(&json),
        "--format",
        "junit",
        "--out",
        path(&junit),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testcase classname=\"dxconform.CreateConnection\" name=\"model\"/>"));
    assert_eq!(
        xml,
        std::fs::read_to_string(out.join("junit.xml")).unwrap(),
        "re-rendering gives the run's own junit.xml"
    );
    let (code, md, _) = dxconform(&["report", "--from", path(&json), "--format", "md"]);
    assert_eq!(code, 0);
    assert!(md.contains("## Operations × check groups"));
    let (code, page, _) = dxconform(&["report", "--from", path(&json), "--format", "html"]);
    assert_eq!(code, 0);
    assert!(page.contains("<svg class=\"chart\""));
    let (code, again, _) = dxconform(&["report", "--from", path(&json), "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&again).unwrap(),
        serde_json::from_str::<Value>(&std::fs::read_to_string(&json).unwrap()).unwrap()
    );
    let missing = dir.path().join("missing.json");
    let (code, _, stderr) = dxconform(&["report", "--from", path(&missing)]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn compare_writes_the_matrix_and_exits_1_on_new_failures_only() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = embedded_run(dir.path());
    let baseline = out.join("report.json");
    let compare_dir = dir.path().join("cmp");
    let (code, stdout, stderr) = dxconform(&[
        "compare",
        path(&baseline),
        path(&baseline),
        "--out",
        path(&compare_dir),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("## Operations × targets"));
    assert!(stdout.contains("0 new (0 failures)"), "{stdout}");
    assert!(compare_dir.join("compare.md").is_file());

    // The same run with one failure more: drift, exit 1.
    let mut current: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    current["buckets"].as_array_mut().unwrap().push(json!({
        "check": "model.state", "severity": "failure", "basis": "documented",
        "operation": "CreateConnection", "path": "$.connectionState", "status": 200, "count": 1,
        "expected": "state after this call: requested", "actual": "\"available\"", "repro": null
    }));
    let drifted = dir.path().join("drifted.json");
    std::fs::write(&drifted, current.to_string()).unwrap();
    let (code, stdout, _) = dxconform(&["compare", path(&baseline), path(&drifted)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("### New (1)"), "{stdout}");
    assert!(stdout.contains("`model.state`"));
    // Fixed is not an alert.
    let (code, stdout, _) = dxconform(&["compare", path(&drifted), path(&baseline)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("### Fixed (1)"));

    let (code, _, stderr) = dxconform(&["compare", path(&baseline)]);
    assert_eq!(code, 2, "one report is a usage error: {stderr}");
}
