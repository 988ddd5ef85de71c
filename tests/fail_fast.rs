//! Fail-fast and shrink budgets against the reference target with a planted
//! mutant (loopback, deterministic): `--max-failures`/`--fail-fast` end the search
//! after new root causes only, `--shrink-budget`/`--no-shrink` bound shrinking and
//! the reports say how far each reproduction was shrunk; bad values exit 2.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// A mutant that shows several root causes (input validation skipped).
const MUTANT: &str = "accepts-invalid-input";

fn run(out: &Path, extra: &[&str]) -> (i32, String, String, serde_json::Value) {
    let output = Command::new(BIN)
        .args([
            "run",
            "--mutant",
            MUTANT,
            "--seed",
            "2026",
            "--progress",
            "off",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let report = std::fs::read_to_string(out.join("report.json"))
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap_or(serde_json::Value::Null);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
    )
}

fn failing_root_causes(report: &serde_json::Value) -> usize {
    report["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] == "failure")
        .count()
}

fn shrink_statuses(report: &serde_json::Value) -> Vec<String> {
    report["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["repro"]["shrink"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn fail_fast_stops_at_the_first_new_root_cause_and_known_ones_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _, full) = run(&dir.path().join("full"), &["--cases", "60"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(failing_root_causes(&full) >= 2, "{}", full["root_causes"]);

    let (code, stdout, _, fast) = run(&dir.path().join("fast"), &["--cases", "60", "--fail-fast"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(fast["budget"]["stopped"]["budget"], "max-failures");
    assert_eq!(fast["budget"]["limits"]["max_failures"], 1);
    assert!(
        fast["cases_run"].as_u64().unwrap() < 60,
        "{}",
        fast["cases_run"]
    );
    assert!(failing_root_causes(&fast) < failing_root_causes(&full));
    assert!(
        stdout.contains("budget: max-failures stopped the run"),
        "{stdout}"
    );

    // Every root cause of the full run known: nothing new, so nothing stops the search.
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let (code, ..) = run(
        &dir.path().join("update"),
        &["--cases", "60", "--baseline", baseline, "--baseline-update"],
    );
    assert_eq!(code, 0);
    let (code, stdout, _, known) = run(
        &dir.path().join("known"),
        &[
            "--cases",
            "60",
            "--max-failures",
            "1",
            "--baseline",
            baseline,
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(known["cases_run"], 60);
    assert!(known["budget"]["stopped"].is_null(), "{}", known["budget"]);
}

#[test]
fn shrink_budgets_leave_reproductions_partly_shrunk_or_unshrunk_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _, whole) = run(&dir.path().join("none"), &["--cases", "30", "--no-shrink"]);
    assert_eq!(code, 1);
    let statuses = shrink_statuses(&whole);
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| s == "none"), "{statuses:?}");
    assert_eq!(whole["budget"]["limits"]["shrink"]["requests"], 0);
    for file in ["report.md", "report.html", "junit.xml"] {
        let text = std::fs::read_to_string(dir.path().join("none").join(file)).unwrap();
        assert!(text.contains("unshrunk"), "{file} does not say it");
    }
    // The whole case that first showed a bucket shows it again.
    for b in whole["buckets"].as_array().unwrap() {
        if let Some(repro) = b["repro"].as_object() {
            assert!(repro["reproduced"].as_bool().unwrap());
        }
    }

    let (_, _, _, bounded) = run(
        &dir.path().join("bounded"),
        &["--cases", "30", "--shrink-budget", "40"],
    );
    let statuses = shrink_statuses(&bounded);
    assert!(
        statuses.iter().any(|s| s != "complete"),
        "40 requests cannot shrink every bucket: {statuses:?}"
    );
    let shrink_requests: u64 = bounded["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["repro"]["shrink_requests"].as_u64())
        .sum();
    let (_, _, _, unbounded) = run(&dir.path().join("unbounded"), &["--cases", "30"]);
    let unbounded_requests: u64 = unbounded["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["repro"]["shrink_requests"].as_u64())
        .sum();
    assert!(
        shrink_requests < unbounded_requests,
        "{shrink_requests} vs {unbounded_requests}"
    );
    // The same buckets are found: the budget bounds shrinking, not the search.
    assert_eq!(
        bounded["buckets"].as_array().unwrap().len(),
        unbounded["buckets"].as_array().unwrap().len()
    );
}

#[test]
fn bad_fail_fast_shrink_and_baseline_values_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"format\": 9, \"entries\": {}}").unwrap();
    for (args, says) in [
        (vec!["--max-failures", "0"], "--max-failures"),
        (vec!["--max-failures", "x"], "--max-failures"),
        (
            vec!["--fail-fast", "--max-failures", "2"],
            "cannot be used with",
        ),
        (vec!["--shrink-budget", "fast"], "not a shrink budget"),
        (vec!["--shrink-budget", "0s"], "not a shrink budget"),
        (
            vec!["--shrink-budget", "5", "--no-shrink"],
            "cannot be used with",
        ),
        (vec!["--baseline-update"], "--baseline"),
        (
            vec!["--baseline", missing.to_str().unwrap()],
            "cannot read the baseline",
        ),
        (
            vec!["--baseline", broken.to_str().unwrap()],
            "format 9, expected 1",
        ),
    ] {
        let (code, _, stderr, _) = run(&dir.path().join("out"), &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn explain_answers_check_ids_and_root_cause_keys_and_refuses_unknown_ones() {
    let explain = |id: &str| {
        let out = Command::new(BIN).args(["explain", id]).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, text, _) = explain("shape.type");
    assert_eq!(code, Some(0));
    assert!(
        text.contains("AWS source:") && text.contains("epoch seconds"),
        "{text}"
    );
    let (code, text, _) = explain("accepts-invalid:tags");
    assert_eq!(code, Some(0));
    assert!(text.contains("rule \"rule family\""), "{text}");
    assert!(text.contains("error.accepted-invalid: check"), "{text}");
    let (code, _, stderr) = explain("shape.nonsense");
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("neither a check id nor a root-cause key"),
        "{stderr}"
    );
}
