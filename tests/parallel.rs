//! Cases run side by side and in shares find exactly what one sequential run finds:
//! `--jobs 1` and `--jobs 8` give the same findings for the same seeds on a faithful
//! and on mutated reference targets, and the shares of `--partition K/N` merge into
//! the report of the whole run.

use dxconform::run::{merge, run, Partition, RunConfig, RunReport};
use serde_json::Value;

/// Paths where two JSON values differ (the first few), for readable failures.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    if out.len() >= 12 {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let none = Value::Null;
                let (l, r) = (x.get(key).unwrap_or(&none), y.get(key).unwrap_or(&none));
                differences(l, r, &format!("{path}.{key}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                differences(l, r, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => {
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            out.push(format!("{path}: {} != {}", short(a), short(b)));
        }
        _ => {}
    }
}

fn assert_same(a: &Value, b: &Value, what: &str) {
    let mut out = Vec::new();
    differences(a, b, "$", &mut out);
    assert!(out.is_empty(), "{what}:\n{}", out.join("\n"));
}

fn config(seed: u64, cases: u32, mutant: Option<&str>, jobs: usize) -> RunConfig {
    let mut config = RunConfig {
        cases,
        seed,
        jobs,
        // Shrinking is deterministic at any bound; a small one keeps the test quick.
        max_shrink_iters: 24,
        ..RunConfig::default()
    };
    config.emulator.mutant = mutant.map(str::to_owned);
    config
}

/// What a run found, free of what legitimately differs between isolation modes:
/// account ids and resource ids in texts (lanes act for accounts of their own).
fn findings(report: &RunReport) -> Vec<Value> {
    report
        .buckets
        .iter()
        .map(|b| {
            serde_json::json!({
                "bucket": b.key(),
                "count": b.count,
                "first_case": b.first_case,
                "repro_case": b.repro.as_ref().map(|r| r.case),
                "plan": b.repro.as_ref().map(|r| serde_json::to_value(&r.plan).unwrap()),
                "reproduced": b.repro.as_ref().map(|r| r.reproduced),
            })
        })
        .collect()
}

fn work(report: &RunReport) -> Value {
    serde_json::json!({
        "cases": report.cases_run,
        "steps": report.steps_run,
        "skipped": report.steps_skipped,
        "requests": report.requests,
        "calls": report.operations.iter().map(|(op, s)| (op.clone(), (s.calls, s.outcomes.clone()))).collect::<Vec<_>>(),
        "transitions": serde_json::to_value(&report.transitions).unwrap(),
    })
}

#[test]
fn one_job_and_eight_jobs_find_the_same_on_faithful_and_mutated_targets() {
    for (seed, mutant, cases) in [
        (7, None, 150),
        (11, Some("shared-ids"), 40),
        (13, Some("short-owner-account"), 30),
        (17, Some("not-found-own-type"), 30),
    ] {
        let one = run(&config(seed, cases, mutant, 1)).expect("run");
        let eight = run(&config(seed, cases, mutant, 8)).expect("run");
        if mutant.is_some() {
            assert!(
                one.failures().count() > 0,
                "seed {seed}: {mutant:?} was not caught, so this proves nothing"
            );
        } else {
            assert_eq!(one.failures().count(), 0);
        }
        let what = format!("seed {seed} {mutant:?}");
        assert_same(
            &Value::from(findings(&one)),
            &Value::from(findings(&eight)),
            &what,
        );
        assert_same(&work(&one), &work(&eight), &what);
        assert_eq!(eight.config.jobs, 8);
    }
}

/// A report's content: everything but timings, the endpoint (each share starts its
/// own target), per-response request ids and dates, and transport counts.
fn content(report: &RunReport) -> Value {
    let mut v = serde_json::to_value(report).unwrap();
    for key in ["started_at", "duration_ms"] {
        v[key] = Value::Null;
    }
    v["target"]["endpoint"] = Value::Null;
    v["config"]["partition"] = Value::Null;
    if let Some(f) = v.get_mut("first_failure").and_then(Value::as_object_mut) {
        f.remove("millis");
    }
    if let Some(ops) = v["operations"].as_object_mut() {
        for stats in ops.values_mut() {
            stats["latency_us"] = Value::Null;
        }
    }
    if let Some(buckets) = v["buckets"].as_array_mut() {
        for b in buckets {
            if let Some(steps) = b["repro"]["steps"].as_array_mut() {
                for s in steps {
                    s["latency_us"] = Value::Null;
                    s["response_headers"] = Value::Null;
                }
            }
        }
    }
    // Transport counts include each share's own discovery and the shrinking of
    // buckets another share saw first; they are summed, not compared.
    for key in ["requests", "retry_delay_ms", "rate_delay_ms"] {
        v["wire"][key] = Value::Null;
    }
    v["waits"] = Value::Null;
    v
}

#[test]
fn shares_of_a_partitioned_run_merge_into_the_whole_run() {
    for (seed, mutant) in [
        (21, Some("shared-ids")),
        (23, Some("not-found-own-type")),
        (5, None),
    ] {
        let whole = run(&config(seed, 45, mutant, 1)).expect("run");
        let shares: Vec<RunReport> = (1..=3)
            .map(|k| {
                let mut c = config(seed, 45, mutant, 1);
                c.partition = Some(Partition { index: k, total: 3 });
                run(&c).expect("share")
            })
            .collect();
        assert!(shares.iter().all(|s| s.cases_run == 15));
        let merged = merge(shares.clone()).expect("merge");
        assert_same(
            &content(&merged),
            &content(&whole),
            &format!("seed {seed} {mutant:?}"),
        );

        // Shares of another run, a missing share or a share twice are refused.
        assert!(merge(shares[..2].to_vec()).is_err());
        let mut twice = shares.clone();
        twice[2] = shares[1].clone();
        assert!(merge(twice).is_err());
        let mut other = shares.clone();
        other[0].seed += 1;
        assert!(merge(other).is_err());
        assert!(merge(vec![whole]).is_err());
    }
}
