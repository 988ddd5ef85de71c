//! `dxconform merge --baseline`: the shares of a partitioned run are judged once,
//! when merged, against a baseline written by the whole run (reference target with
//! a planted mutant, loopback).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

fn dxconform(args: &[&str]) -> (i32, String) {
    let output = Command::new(BIN).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_owned()
}

#[test]
fn merged_shares_are_judged_against_the_whole_runs_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = path(dir.path(), "baseline.json");
    let run = [
        "run",
        "--mutant",
        "accepts-invalid-input",
        "--seed",
        "5",
        "--cases",
        "40",
    ];
    let whole = path(dir.path(), "whole");
    let mut update = run.to_vec();
    update.extend(["--progress", "off", "--out", &whole]);
    update.extend(["--baseline", &baseline, "--baseline-update"]);
    let (code, out) = dxconform(&update);
    assert_eq!(code, 0, "{out}");
    for share in ["1/2", "2/2"] {
        let out_dir = path(dir.path(), &format!("share-{}", &share[..1]));
        let (code, out) = dxconform(
            &[
                &run[..],
                &["--progress", "off", "--partition", share, "--out", &out_dir],
            ]
            .concat(),
        );
        assert_eq!(code, 1, "a share is not judged: {out}");
    }
    let shares = [
        path(dir.path(), "share-1/report.json"),
        path(dir.path(), "share-2/report.json"),
    ];
    let merge = |extra: &[&str]| {
        let mut args = vec!["merge", shares[0].as_str(), shares[1].as_str()];
        args.extend(extra);
        dxconform(&args)
    };
    let merged = path(dir.path(), "merged");
    let (code, out) = merge(&["--baseline", &baseline, "--out", &merged]);
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("merged/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["baseline"]["new"], serde_json::json!([]));
    assert_eq!(report["baseline"]["fixed"], serde_json::json!([]));
    let known = report["baseline"]["known"].as_array().unwrap().clone();
    assert!(!known.is_empty());

    // Without one of its entries the merged run fails, naming it.
    let removed = known[0].as_str().unwrap().to_owned();
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    file["entries"].as_object_mut().unwrap().remove(&removed);
    std::fs::write(&baseline, file.to_string()).unwrap();
    let (code, out) = merge(&["--baseline", &baseline, "--out", &merged]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("NEW: {removed}")), "{out}");
}
