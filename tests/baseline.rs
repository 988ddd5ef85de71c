//! Baselines against the pinned moto server: a run passes when only known root
//! causes remain, fails naming a new one, and keys survive another seed and
//! another version of the harness (the committed fixture baseline).
//!
//! The runs are short (few cases, shrinking bounded) so CI stays quick.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// The committed baseline: written by `--baseline-update` with [`SEED_A`] and
/// [`CASES`] (`dxconform run --target moto --seed 12 --cases 16 --shrink-budget 400
/// --baseline tests/fixtures/baseline/moto-5.2.6.json --baseline-update`). It stands
/// for a baseline an earlier harness version wrote: a key this version renames must
/// go into `run::RETIRED_KEYS`, or this test fails. A change that makes a seed's
/// cases find other defects (new operations change every seed's plans) rewrites it.
/// [`SEED_B`]'s 16 cases show a subset of [`SEED_A`]'s defects.
const FIXTURE: &str = "tests/fixtures/baseline/moto-5.2.6.json";
const SEED_A: &str = "12";
const SEED_B: &str = "13";
const CASES: &str = "16";
/// Enough for the shortest reproductions, which the grouping reads, without
/// shrinking every bucket to the end.
const SHRINK_BUDGET: &str = "400";

/// Whether moto can be started; skipped (said on stderr) when it cannot, except in
/// CI, where `.ci/run` installs it and its absence is a failure.
fn moto_available() -> bool {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    let available = std::env::var_os("DXCONFORM_MOTO_SERVER").is_some() || venv.is_file();
    assert!(
        available || std::env::var_os("CI").is_none(),
        "moto_server not found in CI: .ci/run installs it into .venv"
    );
    if !available {
        eprintln!("moto_server not found: skipped (set DXCONFORM_MOTO_SERVER or run bash .ci/run)");
    }
    available
}

/// `dxconform run --target moto` with `seed`, the test's size and `extra` flags;
/// the exit code, stdout and the report.json written.
fn run_moto(seed: &str, out: &Path, extra: &[&str]) -> (i32, String, serde_json::Value) {
    let output = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--target", "moto", "--seed", seed, "--cases", CASES])
        .args([
            "--shrink-budget",
            SHRINK_BUDGET,
            "--progress",
            "off",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .expect("dxconform runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = std::fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|e| panic!("no report.json ({e}): {stdout}\n{stderr}"));
    (
        output.status.code().unwrap_or(-1),
        stdout,
        serde_json::from_str(&report).unwrap(),
    )
}

fn baseline_keys(path: &Path) -> Vec<String> {
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(baseline["format"], 1);
    baseline["entries"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// The keys of the failing root causes of a report.json, with their baseline status.
fn failing_causes(report: &serde_json::Value) -> Vec<(String, String)> {
    report["root_causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] == "failure")
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_owned(),
                c["baseline"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

#[test]
fn an_updated_baseline_passes_the_rerun_and_a_removed_entry_fails_naming_it() {
    if !moto_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dxconform-baseline.json");

    // 1. --baseline-update writes the file from the run's failing root causes.
    let (code, _, first) = run_moto(
        SEED_A,
        &dir.path().join("update"),
        &["--baseline", file.to_str().unwrap(), "--baseline-update"],
    );
    assert_eq!(code, 0, "an update run passes");
    let keys = baseline_keys(&file);
    let failing: Vec<String> = failing_causes(&first).into_iter().map(|(k, _)| k).collect();
    assert!(
        failing.len() >= 3,
        "moto shows several root causes: {failing:?}"
    );
    let mut sorted = failing.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(first["baseline"]["updated"], true);

    // The committed baseline (an earlier harness's) names the same root causes.
    let mut old: Vec<String> = baseline_keys(&fixture())
        .iter()
        .map(|k| dxconform::run::current_key(k).to_owned())
        .collect();
    old.sort();
    old.dedup();
    assert_eq!(
        old, keys,
        "the fixture baseline no longer matches: add the renamed keys to RETIRED_KEYS"
    );

    // 2. The rerun with the file: only known root causes, exit 0.
    let (code, stdout, rerun) = run_moto(
        SEED_A,
        &dir.path().join("rerun"),
        &["--baseline", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(failing_causes(&rerun).iter().all(|(_, s)| s == "known"));
    assert_eq!(
        rerun["baseline"]["known"].as_array().unwrap().len(),
        keys.len()
    );
    assert!(stdout.contains("passes"), "{stdout}");
    let junit = std::fs::read_to_string(dir.path().join("rerun/junit.xml")).unwrap();
    assert!(junit.contains("known root cause (baseline)"), "{junit}");
    assert!(
        !junit.contains("type=\"dxconform.root-cause\""),
        "no root cause fails"
    );

    // 3. One entry removed: exit 1, and the run names that root cause as new.
    let removed = keys
        .iter()
        .find(|k| k.starts_with("not-implemented:"))
        .unwrap_or(&keys[0])
        .clone();
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    baseline["entries"]
        .as_object_mut()
        .unwrap()
        .remove(&removed);
    std::fs::write(&file, serde_json::to_string_pretty(&baseline).unwrap()).unwrap();
    let (code, stdout, minus_one) = run_moto(
        SEED_A,
        &dir.path().join("minus-one"),
        &["--baseline", file.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(minus_one["baseline"]["new"], serde_json::json!([removed]));
    assert!(stdout.contains(&format!("NEW: {removed}")), "{stdout}");
    let markdown = std::fs::read_to_string(dir.path().join("minus-one/report.md")).unwrap();
    assert!(markdown.contains("fail (NEW)") && markdown.contains("fail (known)"));
}

#[test]
fn a_baseline_from_one_seed_knows_the_same_root_causes_under_another_and_reordered() {
    if !moto_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Another seed, and cases run two at a time (a reordered run): other cases,
    // other buckets, the same defects, so the same keys.
    let (code, stdout, other) = run_moto(
        SEED_B,
        dir.path(),
        &["--jobs", "2", "--baseline", fixture().to_str().unwrap()],
    );
    let causes = failing_causes(&other);
    assert!(causes.len() >= 3, "{causes:?}");
    assert!(
        causes.iter().all(|(_, status)| status == "known"),
        "a root cause of seed {SEED_B} has a key seed {SEED_A}'s baseline does not: {causes:?}"
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(other["baseline"]["new"], serde_json::json!([]));
}
