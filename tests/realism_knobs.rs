//! The reference target with AWS-like knobs (asynchronous delays, throttling at a
//! few requests per second, eventual consistency lag, latency): the harness retries,
//! slows down and polls, and the run still ends with zero findings.

use std::time::Duration;

use dxconform::emulator::EmulatorConfig;
use dxconform::run::RunConfig;
use dxconform::target::TargetConfig;

#[test]
fn a_run_with_aws_like_knobs_has_zero_findings_and_reports_its_waits() {
    let out = tempfile::tempdir().unwrap();
    let config = RunConfig {
        target: TargetConfig {
            emulator: EmulatorConfig {
                async_delay: Duration::from_millis(40),
                latency: Duration::from_millis(2),
                throttle_rps: 25,
                consistency_lag: Duration::from_millis(150),
                ..EmulatorConfig::default()
            },
            consistency_budget: Duration::from_millis(1500),
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
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json["wire"]["retry_delay_ms"].is_u64(),
        "report.json has the wire member"
    );
}

#[test]
fn without_a_consistency_budget_the_lag_is_reported_as_model_visible() {
    let out = tempfile::tempdir().unwrap();
    let config = RunConfig {
        target: TargetConfig {
            emulator: EmulatorConfig {
                consistency_lag: Duration::from_secs(60),
                ..EmulatorConfig::default()
            },
            ..TargetConfig::default()
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
