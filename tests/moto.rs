//! Against the pinned moto server (installed by `.ci/run` into `.venv`): the run
//! completes, classifies what moto implements, and reports its deviations with
//! check ids and reproducible minimal sequences.

use std::process::Command;

use dxconform::run::{run, RunConfig};
use dxconform::target::{TargetConfig, TargetKind};

fn moto_available() -> bool {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    std::env::var_os("DXCONFORM_MOTO_SERVER").is_some() || venv.is_file()
}

#[test]
fn a_run_against_moto_completes_and_classifies_what_it_sees() {
    assert!(
        moto_available(),
        "moto_server not found: run `bash .ci/run` or `python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.6'`"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig {
        target: TargetConfig {
            kind: TargetKind::Moto,
            ..TargetConfig::default()
        },
        cases: 30,
        seed: 7,
        out: dir.path().to_owned(),
        ..RunConfig::default()
    };
    let mut report = run(&config).expect("the run completes");
    assert!(
        report
            .target
            .version
            .as_deref()
            .is_some_and(|v| v.starts_with("moto ")),
        "{:?}",
        report.target.version
    );
    let has = |check: &str, op: &str| {
        report
            .buckets
            .iter()
            .any(|b| b.check == check && b.operation == op)
    };
    // moto 5.2.6 lacks DescribeLocations: not implemented, not a crash of the harness.
    assert!(has("op.implemented", "DescribeLocations"));
    assert_eq!(
        report.coverage["DescribeLocations"]["model"],
        dxconform::run::CoverageCell::NotImplemented
    );
    // Documented: a new dedicated connection is `requested`; moto answers `available`.
    assert!(has("model.state", "CreateConnection"));
    // moto mints ARNs where connection ids belong (`dxcon-…`).
    assert!(has("shape.pattern", "CreateConnection"));
    // Its operations without a route are one root cause, however many buckets they fill.
    let not_implemented: Vec<_> = report
        .root_causes
        .iter()
        .filter(|c| c.key.starts_with("not-implemented:"))
        .collect();
    assert_eq!(not_implemented.len(), 1, "{:?}", report.root_causes);
    assert!(not_implemented[0]
        .operations
        .contains(&"DescribeLocations".to_owned()));
    for b in report.failures() {
        let repro = b
            .repro
            .as_ref()
            .unwrap_or_else(|| panic!("{} {} has no reproduction", b.check, b.operation));
        assert!(
            repro.reproduced,
            "{} {} did not reproduce",
            b.check, b.operation
        );
        assert!(!repro.plan.steps.is_empty());
    }

    // The replay file of a finding fails again against moto: exit 1.
    let written = dxconform::report::write_all(&mut report, dir.path()).unwrap();
    let replay = &written
        .reproductions
        .first()
        .expect("replay files are written")
        .replay;
    let status = Command::new(env!("CARGO_BIN_EXE_dxconform"))
        .args(["replay", replay.to_str().unwrap(), "--target", "moto"])
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}
