//! Budgets: caps on requests, wall time and live resources end a run early or skip
//! creates, the run still cleans up, and the report says which cap did what.
//! Loopback only.

use dxconform::target::ServedReference;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use dxconform::run::{Budgets, RunConfig};

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

fn config(out: &std::path::Path, budgets: Budgets) -> RunConfig {
    RunConfig {
        cases: 100_000,
        seed: 2026,
        out: out.to_path_buf(),
        budgets,
        ..RunConfig::default()
    }
}

#[test]
fn max_operations_ends_the_search_within_one_case_and_is_reported() {
    let out = tempfile::tempdir().unwrap();
    let report = dxconform::run::run(&config(
        out.path(),
        Budgets {
            max_operations: Some(50),
            ..Budgets::default()
        },
    ))
    .unwrap();
    let budget = report.budget.clone().expect("budget in the report");
    let stop = budget.stopped.expect("a budget stopped the run");
    assert_eq!(stop.budget, "max-operations");
    assert!(stop.requests >= 50);
    // 50, plus at most the rest of the case under way (12 steps).
    assert!(report.wire.requests <= 50 + 12, "{:?}", report.wire);
    assert!(report.cases_run < 100, "{}", report.cases_run);
    assert!(report.conformant());
    let summary = dxconform::report::summary(&report);
    assert!(
        summary.contains("budget: max-operations stopped the run after"),
        "{summary}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["budget"]["stopped"]["budget"], "max-operations");
}

#[test]
fn max_duration_ends_the_search_and_is_reported() {
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let report = dxconform::run::run(&config(
        out.path(),
        Budgets {
            max_duration_secs: Some(1.0),
            ..Budgets::default()
        },
    ))
    .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    let stop = report.budget.unwrap().stopped.expect("stopped");
    assert_eq!(stop.budget, "max-duration");
    assert!(stop.after_ms >= 1000, "{stop:?}");
    assert!(report.cases_run > 0 && report.cases_run < 100_000);
}

/// `dxconform serve` on a free port with AWS-like async delays.
fn serve() -> ServedReference {
    ServedReference::spawn(Path::new(BIN), &["--async-delay-ms", "20"]).expect("serve starts")
}

/// The most connections the journal shows alive at once.
fn most_live_connections(journal: &str) -> usize {
    let mut live = std::collections::BTreeSet::new();
    let mut most = 0;
    for line in journal.lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if entry["operation"] != "DeleteConnection" {
            continue;
        }
        let key = entry["body"].to_string();
        if entry["event"] == "created" {
            live.insert(key);
        } else {
            live.remove(&key);
        }
        most = most.max(live.len());
    }
    most
}

#[test]
fn a_live_cap_of_one_connection_never_has_two_and_skips_the_rest() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    let out = Command::new(BIN)
        .args([
            "run",
            "--endpoint",
            server.endpoint(),
            "--cases",
            "40",
            "--seed",
            "3",
        ])
        .args([
            "--progress",
            "off",
            "--no-negative",
            "--max-live",
            "connection=1",
        ])
        .arg("--journal")
        .arg(&journal)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.contains("DeleteConnection"),
        "no connection was created"
    );
    assert_eq!(most_live_connections(&text), 1, "{text}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    let skipped = &report["budget"]["skipped_creates"]["max-live connection=1 reached"];
    assert!(skipped.as_u64().unwrap_or(0) > 0, "{}", report["budget"]);
    assert_eq!(report["budget"]["peak_live"]["connection"], 1);
    assert!(
        stdout.contains("creates skipped (max-live connection=1 reached"),
        "{stdout}"
    );
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join("out").join(file)).unwrap();
        assert!(text.contains("Waits, retries and budgets"), "{file}");
        assert!(text.contains("max-live connection=1 reached"), "{file}");
    }
}

#[test]
fn budgets_are_read_from_the_config_file_and_bad_ones_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dxconform.toml");
    std::fs::write(&file, "max_operations = 30\nmax_rps = 500\n").unwrap();
    let out = Command::new(BIN)
        .args(["run", "--cases", "1000", "--seed", "4", "--progress", "off"])
        .arg("--config")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("budget: max-operations stopped the run"),
        "{stdout}"
    );
    for (flags, message) in [
        (vec!["--max-live", "router=1"], "unknown resource type"),
        (vec!["--max-live", "lag=many"], "not a whole number"),
        (vec!["--max-rps", "0"], "--max-rps"),
        (vec!["--max-duration=-3"], "--max-duration"),
        (vec!["--wait-interval=-1"], "--wait-interval"),
    ] {
        let out = Command::new(BIN)
            .args(["run", "--cases", "1", "--progress", "off"])
            .args(&flags)
            .arg("--out")
            .arg(dir.path().join("bad"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
    std::fs::write(&file, "max_live = \"router=1\"\n").unwrap();
    let out = Command::new(BIN)
        .args(["run", "--cases", "1", "--progress", "off"])
        .arg("--config")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_live"));
}
