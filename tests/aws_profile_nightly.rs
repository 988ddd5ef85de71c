//! The simulated nightly: the README's nightly configuration ("Nightly against a
//! sandbox account": a journaled, budgeted, recorded `run`, then `sweep --all-runs`)
//! against `dxconform serve --profile aws`, on loopback, with AWS's minutes scaled
//! down (`--time-scale`) and the behaviours kept.
//!
//! The run must end with no failure (warnings only where AWS is documented to break
//! its own specification), the sweep with no live resource in any account, and the
//! profile's behaviours must have been played (the target's `GET /dxconform/quirks`
//! tally, the run's waits, the recorded cassette). Throttling is the one behaviour a
//! nightly is built to stay clear of (`--max-rps` paces it under the rate), so a
//! second test meets the profile's throttle at real scale.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use dxconform::target::ServedReference;
use serde_json::Value;
use support::{get_json, live_accounts};

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// The factor on AWS's time: 45 minutes `associating` last 2.7 s, an asynchronous
/// state 60 ms, the nightly's 3000 s budget 3 s.
const SCALE: f64 = 0.001;

/// The nightly's flags (README "A CI job"), each time and rate scaled by [`SCALE`]:
/// `--max-rps 2` → 2000, `--max-duration 3000` → 3, the AWS waits (`--wait-interval`
/// 10 s, `--wait-timeout` 600 s, `--consistency-budget-ms` 30000) likewise. Counts
/// stay: `--max-live 2`, `--max-operations 2000`. The nightly's 16 cases fill its
/// 3000 s on AWS; scaled, the same budget holds several times more, so the
/// simulation asks for 100 and lets the scaled `--max-duration` end the search, as it
/// ends a long nightly. Two accounts (owner and partner), so the cross-account
/// flows where the hosted quirks live are run.
fn nightly_flags() -> Vec<String> {
    let scaled = |aws: f64| format!("{}", aws * SCALE);
    [
        "--seed",
        "2026",
        "--cases",
        "100",
        "--max-live",
        "2",
        "--max-operations",
        "2000",
        "--owner-account",
        "111111111111",
        "--partner-account",
        "222222222222",
        "--progress",
        "off",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([
        "--max-rps".to_owned(),
        format!("{}", 2.0 / SCALE),
        "--max-duration".to_owned(),
        scaled(3000.0),
        "--wait-interval".to_owned(),
        scaled(10.0),
        "--wait-timeout".to_owned(),
        scaled(600.0),
        "--consistency-budget-ms".to_owned(),
        format!("{}", (30_000.0 * SCALE) as u64),
    ])
    .collect()
}

/// What the target's knobs and quirks did so far, by name.
fn played(endpoint: &str) -> BTreeMap<String, u64> {
    serde_json::from_value(get_json(endpoint, "/dxconform/quirks")["played"].clone()).unwrap()
}

#[test]
fn the_nightly_configuration_against_the_aws_profile_ends_clean_and_meets_the_quirks() {
    let began = Instant::now();
    let scale = SCALE.to_string();
    let server = ServedReference::spawn(
        Path::new(BIN),
        &["--profile", "aws", "--time-scale", &scale],
    )
    .expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nightly");
    let journal = out.join("journal.ndjson");
    let cassette = out.join("cassette");

    let run = Command::new(BIN)
        .args(["run", "--endpoint", &endpoint])
        .args(nightly_flags())
        .arg("--out")
        .arg(&out)
        .arg("--record")
        .arg(&cassette)
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the run is conformant:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let sweep = Command::new(BIN)
        .args(["sweep", "--endpoint", &endpoint, "--all-runs"])
        .args(["--owner-account", "111111111111"])
        .args(["--partner-account", "222222222222"])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    assert_eq!(sweep.status.code(), Some(0), "{sweep:?}");
    let live = live_accounts(&endpoint);
    assert!(
        live.is_empty(),
        "zero leftovers in every account after the sweep: {live:?}"
    );

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    // No failure; a warning only where AWS is documented to break its specification.
    let buckets = report["buckets"].as_array().unwrap();
    for bucket in buckets {
        assert_eq!(
            bucket["check"], "shape.documented-deviation",
            "only documented AWS deviations are reported: {bucket}"
        );
        assert_eq!(bucket["severity"], "warning", "{bucket}");
    }
    // The budgets were in force, the waits ran and settled, nothing was given up.
    assert!(report["budget"].is_object(), "{}", report["budget"]);
    let waits = &report["waits"];
    assert!(waits["waits"].as_u64().unwrap() > 0, "{waits}");
    assert_eq!(waits["settled"], waits["waits"], "{waits}");
    assert_eq!(waits["timed_out"], 0, "{waits}");
    assert_eq!(report["wire"]["gave_up"], 0, "{}", report["wire"]);
    assert_eq!(report["teardown"]["leftovers"], 0, "{}", report["teardown"]);

    // The profile's behaviours were played, not only configured.
    let played = played(&endpoint);
    for behaviour in [
        "vif-needs-available-connection",
        "deleted-not-found",
        "gone-record-dropped",
        "hosted-connection-down",
    ] {
        assert!(
            played.get(behaviour).copied().unwrap_or(0) > 0,
            "{behaviour} was never played: {played:?}"
        );
    }
    // And a harness saw them: AWS's refusal of a VIF on a connection not yet
    // available and the `associating` answers are in the recorded cassette.
    let recorded = std::fs::read_to_string(cassette.join("cassette.json")).unwrap();
    assert!(recorded.contains("The specified Connection ID is not available"));
    assert!(recorded.contains("\"associating\""));
    let journaled = std::fs::read_to_string(&journal).unwrap();
    assert!(journaled.contains("\"created\"") && journaled.contains("\"deleted\""));
    eprintln!(
        "simulated nightly: {:.1} s, {} requests, {} buckets ({} root causes), waits {}, played {played:?}",
        began.elapsed().as_secs_f64(),
        report["wire"]["requests"],
        buckets.len(),
        report["root_causes"].as_array().map_or(0, Vec::len),
        waits
    );
}

/// A burst of `n` concurrent DescribeLocations calls to `endpoint`; how many were
/// answered 400 ThrottlingException.
fn burst(endpoint: &str, n: usize) -> usize {
    let address = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let callers: Vec<_> = (0..n)
        .map(|_| {
            let address = address.clone();
            std::thread::spawn(move || {
                let mut stream = std::net::TcpStream::connect(&address).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                let body = "{}";
                write!(
                    stream,
                    "POST / HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\
                     x-amz-target: OvertureService.DescribeLocations\r\n\
                     content-type: application/x-amz-json-1.1\r\n\
                     authorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/directconnect/aws4_request, SignedHeaders=host, Signature=00\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
                let mut answer = String::new();
                stream.read_to_string(&mut answer).unwrap();
                answer.contains("ThrottlingException")
            })
        })
        .collect();
    callers
        .into_iter()
        .map(|c| c.join().unwrap())
        .filter(|throttled| *throttled)
        .count()
}

#[test]
fn the_aws_profile_throttles_a_client_beyond_its_rate_at_real_scale() {
    // At real scale the profile throttles beyond 5 requests per second (a burst of one
    // second's worth); twelve calls at once meet it. An explicit --throttle-rps 0
    // turns it off, over the profile.
    let server = ServedReference::spawn(Path::new(BIN), &["--profile", "aws"]).unwrap();
    let throttled = burst(server.endpoint(), 12);
    assert!(throttled > 0, "no call of the burst was throttled");
    assert_eq!(
        played(server.endpoint()).get("throttled").copied(),
        Some(throttled as u64)
    );
    let unthrottled = ServedReference::spawn(
        Path::new(BIN),
        &[
            "--profile",
            "aws",
            "--throttle-rps",
            "0",
            "--latency-ms",
            "0",
        ],
    )
    .unwrap();
    assert_eq!(burst(unthrottled.endpoint(), 12), 0);
}

#[test]
fn profile_flags_that_cannot_be_played_are_refused_with_a_message() {
    for (args, needle) in [
        (&["--time-scale", "0"][..], "time scale"),
        (&["--profile", "aws", "--time-scale", "2"][..], "time scale"),
        (&["--profile", "nope"][..], "nope"),
        (&["--quirk", "approving"][..], "approving-hosted-vifs"),
        (
            &["--profile", "aws", "--async-delay-ms", "0"][..],
            "asynchronous delay",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--port", "0"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let embedded = Command::new(BIN)
        .args(["run", "--endpoint", "http://127.0.0.1:9"])
        .args(["--emulator-profile", "aws"])
        .output()
        .unwrap();
    assert_eq!(embedded.status.code(), Some(2));
}
