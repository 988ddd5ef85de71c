//! Implemented means implemented: against a small emulator that routes a subset of
//! the operations and answers every other one with HTTP 200 and an empty body
//! (tests/fixtures/unrouted/emulator.py, in front of `dxconform serve`), the run
//! counts exactly the routed operations as implemented, and every finding of the
//! unrouted ones is one root cause. Loopback only.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use dxconform::run::{run, CoverageCell, RunConfig};
use dxconform::target::ServedReference;
use dxconform::target::{TargetConfig, TargetKind};

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// The operations the fixture routes: connections, LAGs, gateways, private VIFs and tags.
const ROUTED: &[&str] = &[
    "DescribeLocations",
    "CreateConnection",
    "DescribeConnections",
    "UpdateConnection",
    "DeleteConnection",
    "CreateLag",
    "DescribeLags",
    "UpdateLag",
    "DeleteLag",
    "CreateDirectConnectGateway",
    "DescribeDirectConnectGateways",
    "UpdateDirectConnectGateway",
    "DeleteDirectConnectGateway",
    "CreatePrivateVirtualInterface",
    "DescribeVirtualInterfaces",
    "DeleteVirtualInterface",
    "DescribeVirtualGateways",
    "TagResource",
    "UntagResource",
    "DescribeTags",
];

/// The fixture emulator, killed on drop.
struct Unrouted(Child, String);

impl Unrouted {
    fn start(upstream: &str) -> Unrouted {
        Unrouted::start_with(upstream, ROUTED)
    }

    /// The fixture with its arguments after the upstream (flags, routed operations).
    fn start_with(upstream: &str, args: &[&str]) -> Unrouted {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/unrouted/emulator.py");
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/');
        let mut child = Command::new("python3")
            .arg(script)
            .arg(upstream)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the fixture emulator");
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{}", port.trim());
        Unrouted(child, endpoint)
    }
}

impl Drop for Unrouted {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn unrouted_operations_are_not_implemented_and_one_root_cause() {
    let upstream = ServedReference::spawn(Path::new(BIN), &[]).expect("serve starts");
    let emulator = Unrouted::start(upstream.endpoint());
    let out = tempfile::tempdir().unwrap();
    let report = run(&RunConfig {
        target: TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(emulator.1.clone()),
            ..TargetConfig::default()
        },
        cases: 40,
        seed: 3,
        // Shrinking is not the subject here; dozens of buckets would each be shrunk.
        max_shrink_iters: 0,
        out: out.path().to_owned(),
        ..RunConfig::default()
    })
    .expect("the run completes");
    let summary = dxconform::report::summary(&report);
    assert!(!report.conformant(), "{summary}");

    let not_implemented: Vec<&str> = report
        .coverage
        .iter()
        .filter(|(_, row)| row.values().all(|c| *c == CoverageCell::NotImplemented))
        .map(|(op, _)| op.as_str())
        .collect();
    let exercised_unrouted: Vec<&str> = report
        .operations
        .iter()
        .filter(|(op, stats)| stats.calls > 0 && !ROUTED.contains(&op.as_str()))
        .map(|(op, _)| op.as_str())
        .collect();
    assert!(
        exercised_unrouted.len() >= 10,
        "the run exercised only {exercised_unrouted:?} of the unrouted operations"
    );
    assert_eq!(not_implemented, exercised_unrouted, "{summary}");

    // One root cause for all of them, holding every finding of an unrouted operation.
    let causes: Vec<_> = report
        .root_causes
        .iter()
        .filter(|c| c.key.starts_with("not-implemented:"))
        .collect();
    assert_eq!(causes.len(), 1, "{:?}", report.root_causes);
    let cause = causes[0];
    assert_eq!(cause.key, "not-implemented:HTTP 200 with an empty body");
    for op in &exercised_unrouted {
        assert!(
            cause.operations.contains(&(*op).to_owned()),
            "{op}: {cause:?}"
        );
    }
    // Beside the unrouted operations' own findings, the cause holds only lifecycle
    // findings that an unrouted call explains (a peer still listed after an unrouted
    // DeleteBGPPeer was answered with an empty 200).
    for b in &cause.buckets {
        assert!(
            !ROUTED.contains(&b.operation.as_str()) || b.check.starts_with("model."),
            "{b:?}"
        );
    }
    for other in report.root_causes.iter().filter(|c| c.key != cause.key) {
        assert!(
            other
                .buckets
                .iter()
                .all(|b| ROUTED.contains(&b.operation.as_str())),
            "{} holds a finding of an unrouted operation",
            other.key
        );
    }
    assert!(
        summary.contains("operations are not implemented: they answer HTTP 200 with an empty body"),
        "{summary}"
    );
}

/// An emulator that ignores account selection (every request reaches the upstream as
/// one account): its owner echoes, cross-account acceptances and cross-account
/// listings are one root cause that says so, not one per call.
#[test]
fn a_target_that_ignores_account_selection_is_one_root_cause() {
    let upstream = ServedReference::spawn(Path::new(BIN), &[]).expect("serve starts");
    let emulator = Unrouted::start_with(upstream.endpoint(), &["--one-account", "111111111111"]);
    let out = tempfile::tempdir().unwrap();
    let report = run(&RunConfig {
        target: TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(emulator.1.clone()),
            ..TargetConfig::default()
        },
        cases: 40,
        seed: 3,
        max_shrink_iters: 0,
        out: out.path().to_owned(),
        ..RunConfig::default()
    })
    .expect("the run completes");
    let summary = dxconform::report::summary(&report);
    let cause = report
        .root_causes
        .iter()
        .find(|c| c.key == "ignores-accounts")
        .unwrap_or_else(|| panic!("no ignores-accounts root cause:\n{summary}"));
    assert!(cause.title.contains("111111111111"), "{}", cause.title);
    let mixed: Vec<_> = report
        .buckets
        .iter()
        .filter(|b| {
            (b.check == "model.visible" && b.actual == "listed")
                || (b.check == "model.echo" && b.path.ends_with("ownerAccount"))
                || (b.check == "model.ownership" && b.actual.starts_with("accepted"))
        })
        .collect();
    for b in &mixed {
        assert!(
            cause.buckets.contains(&dxconform::run::BucketRef::of(b)),
            "{b:?} is not under {}",
            cause.key
        );
    }
    assert!(mixed.len() >= 3, "{summary}");
}
