//! Recordings made on a target that is not reset between cases (as a real account
//! cannot be) replay against a fresh instance of the same target with zero
//! differences: other cases' resources are left out of shared lists, target-assigned
//! values (ids, peering addresses) are references, and documented alternatives that
//! follow the account's history are not differences. With a reset on both sides the
//! comparison stays strict, and a planted deviation still shows through a shared
//! recording. Each target is `dxconform serve` in a child process on loopback.

use std::path::Path;

use dxconform::cassette::{parity, parity_markdown, record, Cassette, ParityOutcome};
use dxconform::emulator::EmulatorConfig;
use dxconform::run::RunConfig;
use dxconform::target::{Journal, ServedReference, TargetConfig, TargetKind};

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// Cases of the shared recording: enough that later cases list hundreds of other
/// cases' resources, small enough for a debug build on two cores.
const SHARED_CASES: u32 = 200;

fn serve(args: &[&str]) -> ServedReference {
    ServedReference::spawn(Path::new(BIN), args).expect("serve starts")
}

/// The served target at `server`, reset before each case when `reset` holds.
fn target(server: &ServedReference, reset: bool) -> TargetConfig {
    let endpoint = server.endpoint().trim_end_matches('/').to_owned();
    TargetConfig {
        kind: TargetKind::Url,
        reset_url: reset.then(|| format!("{endpoint}/dxconform/reset")),
        endpoint: Some(endpoint),
        ..TargetConfig::default()
    }
}

fn record_on(target: TargetConfig, seed: u64, cases: u32) -> (tempfile::TempDir, Cassette) {
    let dir = tempfile::tempdir().unwrap();
    let config = RunConfig {
        target,
        seed,
        cases,
        ..RunConfig::default()
    };
    let cassette = record(&config, dir.path()).expect("recording completes");
    (dir, cassette)
}

fn replay(cassette: &Cassette, target: &TargetConfig) -> ParityOutcome {
    parity(cassette, target, &EmulatorConfig::default()).expect("replay completes")
}

/// A shared recording: the target first serves another seed's cases (the account's
/// history, as a sandbox account has one), then the recorded ones, never reset.
fn shared_recording(server: &ServedReference) -> (tempfile::TempDir, Cassette) {
    let _history = record_on(target(server, false), 41, 20);
    let (dir, cassette) = record_on(target(server, false), 42, SHARED_CASES);
    assert!(
        cassette.shared,
        "a target without reset is recorded as shared"
    );
    (dir, cassette)
}

#[test]
fn a_recording_without_reset_replays_against_a_fresh_target_without_differences() {
    let recorded_on = serve(&[]);
    let (_dir, cassette) = shared_recording(&recorded_on);
    let left_out: usize = cassette
        .cases
        .iter()
        .flat_map(|c| &c.exchanges)
        .map(|e| e.left_out)
        .sum();
    assert!(
        left_out > 100,
        "later cases list earlier cases' resources, which are left out ({left_out})"
    );
    let fresh = serve(&[]);
    let outcome = replay(&cassette, &target(&fresh, false));
    assert!(outcome.identical(), "{}", parity_markdown(&outcome));
    assert!(
        outcome.compared > 1000,
        "only {} exchanges compared",
        outcome.compared
    );
    assert!(
        outcome.alternatives > 0,
        "resources created at another place of the id sequence take other documented answers"
    );
}

#[test]
fn a_recording_with_reset_replays_strictly_with_reset() {
    let recorded_on = serve(&[]);
    let (_dir, cassette) = record_on(target(&recorded_on, true), 42, SHARED_CASES);
    assert!(!cassette.shared);
    assert!(cassette
        .cases
        .iter()
        .flat_map(|c| &c.exchanges)
        .all(|e| e.left_out == 0));
    let fresh = serve(&[]);
    let outcome = replay(&cassette, &target(&fresh, true));
    assert!(outcome.identical(), "{}", parity_markdown(&outcome));
    assert_eq!(
        outcome.alternatives, 0,
        "with a reset on both sides every answer must be the recorded one"
    );
}

#[test]
fn a_shared_recording_still_shows_a_planted_deviation() {
    let recorded_on = serve(&[]);
    let (_dir, cassette) = shared_recording(&recorded_on);
    // A create answered in a state the model does not allow for it is no documented
    // alternative; a list that leaves out the case's own resource is no foreign item.
    for (mutant, operation, check) in [
        ("create-available", "CreateConnection", "parity.value"),
        (
            "describe-omits-newest",
            "DescribeConnections",
            "parity.missing",
        ),
    ] {
        let planted = serve(&["--mutant", mutant]);
        let outcome = replay(&cassette, &target(&planted, false));
        assert!(
            outcome
                .differences
                .iter()
                .any(|d| d.finding.operation == operation && d.finding.check == check),
            "{mutant}: {}",
            parity_markdown(&outcome)
        );
    }
}

#[test]
fn a_journaled_recording_tags_its_creates_deletes_them_and_replays_without_differences() {
    // The README's nightly records with `--journal` on an account it cannot reset: its
    // creates carry the run tag (so a sweep finds them), the replay sends the same tag.
    let recorded_on = serve(&[]);
    let journal_dir = tempfile::tempdir().unwrap();
    let journal = journal_dir.path().join("journal.ndjson");
    let mut on = target(&recorded_on, false);
    on.journal = Some(journal.clone());
    on.run_id = Some("run-nightly".to_owned());
    let (_dir, cassette) = record_on(on, 43, 60);
    assert_eq!(cassette.run_tag.as_deref(), Some("run-nightly"));
    let tagged = cassette
        .cases
        .iter()
        .flat_map(|c| &c.exchanges)
        .filter(|e| e.request.to_string().contains("dxconform:run-id"))
        .count();
    assert!(tagged > 0, "creates carry the run tag");
    let leftovers = Journal::leftovers(&journal, Some("run-nightly")).unwrap();
    assert!(
        leftovers.is_empty(),
        "each recorded case deleted what it created: {leftovers:?}"
    );
    let fresh = serve(&[]);
    let outcome = replay(&cassette, &target(&fresh, false));
    assert!(outcome.identical(), "{}", parity_markdown(&outcome));
}
