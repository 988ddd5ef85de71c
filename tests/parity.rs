//! Cassettes and parity: a run recorded against the reference target with AWS-like
//! timing replays against it with zero differences (10 seeds); planted deviations and
//! moto's differences are reported as `parity.*` findings with JSON paths; a cassette
//! is checked offline.

use std::time::Duration;

use dxconform::cassette::{check_offline, parity, record, Cassette, OfflineInput};
use dxconform::emulator::EmulatorConfig;
use dxconform::run::RunConfig;
use dxconform::target::{TargetConfig, TargetKind};

/// AWS-like timing: every asynchronous state change takes this long.
const ASYNC_DELAY: Duration = Duration::from_millis(30);

/// The reference target's settings (an embedded target without an endpoint runs it).
fn embedded(mutant: Option<&str>) -> EmulatorConfig {
    EmulatorConfig {
        async_delay: ASYNC_DELAY,
        mutant: mutant.map(str::to_owned),
        ..EmulatorConfig::default()
    }
}

fn recorded(seed: u64, cases: u32) -> (tempfile::TempDir, Cassette) {
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig {
        emulator: embedded(None),
        cases,
        seed,
        ..RunConfig::default()
    };
    let cassette = record(&config, dir.path()).expect("recording completes");
    // Compared as written: auth keys are stored as their length only, so the loaded
    // plan carries stand-in keys of the same length.
    assert_eq!(
        serde_json::to_value(Cassette::load(dir.path()).unwrap()).unwrap(),
        serde_json::to_value(&cassette).unwrap(),
        "the file round-trips"
    );
    (dir, cassette)
}

#[test]
fn the_reference_target_replays_its_own_recordings_without_differences() {
    let mut compared = 0;
    for seed in 1..=10 {
        let (_dir, cassette) = recorded(seed, 6);
        assert_eq!(cassette.async_delay_ms, 30);
        let outcome = parity(&cassette, &TargetConfig::default(), &embedded(None)).unwrap();
        assert!(
            outcome.identical(),
            "seed {seed}: {}",
            dxconform::cassette::parity_markdown(&outcome)
        );
        compared += outcome.compared;
    }
    assert!(compared > 200, "only {compared} exchanges compared");
}

#[test]
fn cassettes_hold_references_not_generated_values() {
    let (dir, cassette) = recorded(3, 4);
    let text = std::fs::read_to_string(dir.path().join("cassette.json")).unwrap();
    assert!(
        text.contains("{{connection:1}}"),
        "connection ids become references"
    );
    assert!(text.contains("{{account:owner}}"));
    assert!(!text.contains("111111111111"), "accounts are references");
    assert!(!regex::Regex::new(r"dxcon-[0-9a-z]{8}")
        .unwrap()
        .is_match(&text));
    assert!(cassette.exchanges() > 0);
}

#[test]
fn a_planted_deviation_is_a_parity_difference_at_its_path() {
    let (_dir, cassette) = recorded(5, 6);
    let outcome = parity(
        &cassette,
        &TargetConfig::default(),
        &embedded(Some("wrong-name-echo")),
    )
    .unwrap();
    assert!(
        outcome
            .differences
            .iter()
            .any(|d| d.finding.check == "parity.value"
                && d.finding.operation == "CreateConnection"
                && d.finding.path == "$.connectionName"),
        "{}",
        dxconform::cassette::parity_markdown(&outcome)
    );
}

#[test]
fn a_cassette_is_checked_offline() {
    let (dir, cassette) = recorded(2, 4);
    let captured = OfflineInput::Path(dir.path().to_owned())
        .captured(&Default::default())
        .unwrap();
    assert_eq!(captured.len(), cassette.exchanges());
    let outcome = check_offline(&captured, "us-east-1", None, &[], &["sdk.parse".into()]).unwrap();
    assert_eq!(outcome.exchanges, captured.len());
    let shape: Vec<_> = outcome
        .findings
        .iter()
        .filter(|(_, f)| f.check.starts_with("shape.") || f.check.starts_with("model."))
        .collect();
    assert!(
        shape.is_empty(),
        "materialised references are valid values: {shape:#?}"
    );
}

#[test]
fn moto_differences_are_reported_with_json_paths() {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if std::env::var_os("DXCONFORM_MOTO_SERVER").is_none() && !venv.is_file() {
        eprintln!("moto_server not found: skipped (bash .ci/run installs it)");
        return;
    }
    let (_dir, cassette) = recorded(2026, 6);
    let moto = TargetConfig {
        kind: TargetKind::Moto,
        ..TargetConfig::default()
    };
    let outcome = parity(&cassette, &moto, &EmulatorConfig::default()).unwrap();
    assert!(!outcome.identical());
    assert!(outcome
        .differences
        .iter()
        .all(|d| d.finding.path.starts_with('$') && d.finding.check.starts_with("parity.")));
}
