//! The reference target with AWS-like knobs (asynchronous delays, throttling at a
//! few requests per second, eventual consistency lag, latency): the harness retries,
//! slows down and polls, and the run still ends with zero findings.

use std::time::Duration;

use dxconform::emulator::EmulatorConfig;
use dxconform::run::RunConfig;
use dxconform::target::{TargetConfig, WaitPolicy};

#[test]
fn a_run_with_aws_like_knobs_has_zero_findings_and_reports_its_waits() {
    let out = tempfile::tempdir().unwrap();
    let config = RunConfig {
        emulator: EmulatorConfig {
            async_delay: Duration::from_millis(40),
            latency: Duration::from_millis(2),
            throttle_rps: 25,
            consistency_lag: Duration::from_millis(150),
            ..EmulatorConfig::default()
        },
        target: TargetConfig {
            consistency_budget: Duration::from_millis(1500),
            wait: WaitPolicy {
                interval: Duration::from_millis(50),
                timeout: Duration::from_secs(30),
                adaptive: false,
            },
            ..TargetConfig::default()
        },
        cases: 12,
        seed: 11,
        gen: dxconform::gen::GenConfig {
            max_steps: 10,
            ..Default::default()
        },
        out: out.path().to_path_buf(),
        ..RunConfig::default()
    };
    let report = dxconform::run::run(&config).expect("run");
    let failures: Vec<_> = report
        .failures()
        .map(|b| (&b.check, &b.operation, &b.actual))
        .collect();
    assert!(failures.is_empty(), "findings: {failures:#?}");
    assert!(
        report.wire.throttles > 0,
        "throttling at 25 rps was met: {:?}",
        report.wire
    );
    assert!(report.wire.retries >= report.wire.throttles);
    assert_eq!(report.wire.gave_up, 0);
    // Asynchronous states were waited for, observed and reported.
    assert!(report.waits.waits > 0, "no waits: {:?}", report.waits);
    assert_eq!(
        report.waits.settled, report.waits.waits,
        "{:?}",
        report.waits
    );
    assert!(report.waits.polls >= report.waits.waits);
    assert!(report.waits.total_wait_ms > 0);
    let summary = dxconform::report::summary(&report);
    assert!(summary.contains("waits: "), "{summary}");
    assert!(summary.contains("throttles"), "{summary}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json["wire"]["retry_delay_ms"].is_u64(),
        "report.json has the wire member"
    );
    assert!(
        json["waits"]["settled"].is_u64(),
        "report.json has the waits member"
    );
}

#[test]
fn without_a_consistency_budget_the_lag_is_reported_as_model_visible() {
    let out = tempfile::tempdir().unwrap();
    let config = RunConfig {
        emulator: EmulatorConfig {
            consistency_lag: Duration::from_secs(60),
            ..EmulatorConfig::default()
        },
        cases: 40,
        seed: 11,
        max_shrink_iters: 16,
        out: out.path().to_path_buf(),
        ..RunConfig::default()
    };
    let report = dxconform::run::run(&config).expect("run");
    assert!(
        report.failures().any(|b| b.check == "model.visible"),
        "the lag hides new resources: {:?}",
        report.failures().map(|b| &b.check).collect::<Vec<_>>()
    );
}

/// The waits of a run with AWS-like timing: each VIF `pending` or resource
/// `deleting` is polled until it settles.
fn waiting_config(out: &std::path::Path, mutant: Option<&str>, timeout_ms: u64) -> RunConfig {
    RunConfig {
        emulator: EmulatorConfig {
            async_delay: Duration::from_millis(40),
            mutant: mutant.map(str::to_owned),
            ..EmulatorConfig::default()
        },
        target: TargetConfig {
            wait: WaitPolicy {
                interval: Duration::from_millis(20),
                timeout: Duration::from_millis(timeout_ms),
                adaptive: false,
            },
            ..TargetConfig::default()
        },
        cases: 12,
        seed: 11,
        max_shrink_iters: 4,
        gen: dxconform::gen::GenConfig {
            max_steps: 10,
            ..Default::default()
        },
        out: out.to_path_buf(),
        ..RunConfig::default()
    }
}

#[test]
fn a_target_that_never_settles_is_reported_as_model_liveness() {
    let out = tempfile::tempdir().unwrap();
    let report =
        dxconform::run::run(&waiting_config(out.path(), Some("vif-stuck-pending"), 400)).unwrap();
    assert!(report.waits.timed_out > 0, "{:?}", report.waits);
    assert!(
        report.failures().any(|b| b.check == "model.liveness"),
        "{:?}",
        report.failures().map(|b| &b.check).collect::<Vec<_>>()
    );
    // The same run on the faithful target: every wait settles.
    let report = dxconform::run::run(&waiting_config(out.path(), None, 5000)).unwrap();
    assert_eq!(report.waits.timed_out, 0, "{:?}", report.waits);
    assert!(report.waits.settled > 0, "{:?}", report.waits);
    assert!(
        report.conformant(),
        "{:?}",
        report.failures().map(|b| &b.check).collect::<Vec<_>>()
    );
}

#[test]
fn the_embedded_target_with_the_aws_profile_has_no_failure_and_waits_for_its_states() {
    use dxconform::emulator::{Profile, TimeScale};
    let out = tempfile::tempdir().unwrap();
    let emulator = Profile::Aws.config(TimeScale::new(0.001).unwrap());
    let config = RunConfig {
        target: TargetConfig {
            // As `dxconform run --emulator-profile aws` derives them.
            consistency_budget: emulator.consistency_lag * 3 + Duration::from_millis(500),
            wait: WaitPolicy {
                interval: Duration::from_millis(50),
                timeout: Duration::from_secs(30),
                adaptive: false,
            },
            ..TargetConfig::default()
        },
        emulator,
        cases: 60,
        seed: 3,
        out: out.path().to_path_buf(),
        ..RunConfig::default()
    };
    let report = dxconform::run::run(&config).expect("run");
    let failures: Vec<_> = report
        .failures()
        .map(|b| (&b.check, &b.operation, &b.actual))
        .collect();
    assert!(failures.is_empty(), "findings: {failures:#?}");
    // What it reports besides are AWS's documented deviations, as warnings.
    let json = serde_json::to_value(&report).unwrap();
    for bucket in json["buckets"].as_array().unwrap() {
        assert_eq!(bucket["check"], "shape.documented-deviation", "{bucket}");
    }
    assert!(report.waits.waits > 0, "{:?}", report.waits);
    assert_eq!(report.waits.timed_out, 0, "{:?}", report.waits);
}
