//! The reference target conforms: the default suite finds nothing over many seeds,
//! and exercises every modelled operation.

use std::collections::BTreeSet;

use dxconform::run::{run, RunConfig};

#[test]
fn the_embedded_target_has_zero_findings_over_many_seeds() {
    let mut exercised = BTreeSet::new();
    for seed in 1..=12 {
        let config = RunConfig {
            cases: 40,
            seed,
            ..RunConfig::default()
        };
        let report = run(&config).expect("run completes");
        let findings: Vec<String> = report
            .buckets
            .iter()
            .map(|b| {
                format!(
                    "{} {} {}: expected {}, got {}",
                    b.check, b.operation, b.path, b.expected, b.actual
                )
            })
            .collect();
        assert!(findings.is_empty(), "seed {seed}: {findings:#?}");
        assert_eq!(report.cases_run, 40);
        assert!(
            report.steps_run > 40,
            "seed {seed} ran only {} steps",
            report.steps_run
        );
        assert!(report.leaked.is_empty());
        exercised.extend(report.operations.keys().cloned());
    }
    for op in dxconform::model::Step::operations() {
        assert!(exercised.contains(op), "{op} was never exercised");
    }
}

#[test]
fn the_same_seed_generates_the_same_run() {
    let config = RunConfig {
        cases: 15,
        seed: 42,
        ..RunConfig::default()
    };
    let a = run(&config).unwrap();
    let b = run(&config).unwrap();
    assert_eq!(a.steps_run, b.steps_run);
    assert_eq!(a.steps_skipped, b.steps_skipped);
    let calls = |r: &dxconform::run::RunReport| {
        r.operations
            .iter()
            .map(|(k, v)| (k.clone(), v.calls))
            .collect::<Vec<_>>()
    };
    assert_eq!(calls(&a), calls(&b));
}
