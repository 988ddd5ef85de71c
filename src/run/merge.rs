//! `dxconform merge`: join the report.json files of the shares of a partitioned
//! run (`run --partition K/N`) into the report of the whole run.
//!
//! A run is decomposable by construction: each case comes from its own RNG, a
//! bucket's example and repro come from the first case that showed it (shrunk on
//! its own), and counts are sums. So the merge takes, per bucket, the share with
//! the earliest first case, adds the counts, and recomputes what is derived
//! (coverage, transition status, repro numbers) with the run's own functions.

use std::collections::BTreeMap;

use super::collect::{coverage, number_repros};
use super::outcome::{Bucket, EdgeStatus, RunReport};
use super::RunError;

/// Why reports cannot be merged.
fn refuse(reason: String) -> RunError {
    RunError::Merge(reason)
}

/// Merge the reports of every share of one partitioned run.
pub fn merge(mut reports: Vec<RunReport>) -> Result<RunReport, RunError> {
    let Some(first) = reports.first() else {
        return Err(refuse("no reports to merge".to_owned()));
    };
    let total = first.config.partition.map(|p| p.total).ok_or_else(|| {
        refuse(
            "the first report is not a share of a partitioned run (no `partition` in its config)"
                .to_owned(),
        )
    })?;
    for r in &reports {
        let same = r.seed == first.seed
            && r.config.cases == first.config.cases
            && r.config.max_steps == first.config.max_steps
            && r.config.checks == first.config.checks
            && r.config.two_accounts == first.config.two_accounts
            && r.harness == first.harness
            && r.target.kind == first.target.kind
            && r.target.version == first.target.version;
        if !same {
            return Err(refuse(format!(
                "reports of different runs: seed {} vs {}, {} vs {} cases, harness {} vs {}, target {:?} {:?} vs {:?} {:?} (and checks, steps, accounts must match)",
                first.seed, r.seed, first.config.cases, r.config.cases, first.harness.version,
                r.harness.version, first.target.kind, first.target.version, r.target.kind, r.target.version
            )));
        }
        match r.config.partition {
            Some(p) if p.total == total => {}
            Some(p) => {
                return Err(refuse(format!(
                    "share {p} is of a run split {} ways, others {total} ways",
                    p.total
                )))
            }
            None => {
                return Err(refuse(
                    "a report is not a share of a partitioned run".to_owned(),
                ))
            }
        }
    }
    reports.sort_by_key(|r| r.config.partition.map(|p| p.index));
    let indexes: Vec<u32> = reports
        .iter()
        .filter_map(|r| r.config.partition.map(|p| p.index))
        .collect();
    for k in 1..=total {
        match indexes.iter().filter(|i| **i == k).count() {
            1 => {}
            0 => return Err(refuse(format!("share {k}/{total} is missing"))),
            n => return Err(refuse(format!("share {k}/{total} is given {n} times"))),
        }
    }

    let mut merged = reports[0].clone();
    merged.config.partition = None;
    merged.started_at = reports.iter().map(|r| r.started_at).min().unwrap_or(0);
    merged.duration_ms = reports.iter().map(|r| r.duration_ms).max().unwrap_or(0);
    merged.cases_run = reports.iter().map(|r| r.cases_run).sum();
    merged.steps_run = reports.iter().map(|r| r.steps_run).sum();
    merged.steps_skipped = reports.iter().map(|r| r.steps_skipped).sum();
    merged.first_failure = reports
        .iter()
        .filter_map(|r| r.first_failure)
        .min_by_key(|f| f.case);
    merged.leaked = reports
        .iter()
        .flat_map(|r| r.leaked.iter().cloned())
        .collect();
    merged.leaked.sort();
    // One interrupted share leaves the whole incomplete.
    merged.interrupted = reports.iter().find_map(|r| r.interrupted.clone());

    merged.operations = BTreeMap::new();
    for r in &reports {
        for (op, stats) in &r.operations {
            merged
                .operations
                .entry(op.clone())
                .or_default()
                .absorb(stats);
        }
    }

    merged.wire = Default::default();
    merged.waits = Default::default();
    merged.teardown = Default::default();
    for r in &reports {
        merged.wire.absorb(&r.wire);
        merged.waits.add(&r.waits);
        merged.teardown.add(&r.teardown);
    }
    merged.shortened_waits =
        super::ShortenedWait::merge(reports.iter().flat_map(|r| &r.shortened_waits));

    // Per bucket: the share that saw it first gives the example and the repro.
    let mut buckets: BTreeMap<(String, String, String, u16), Bucket> = BTreeMap::new();
    let shrink_requests = |b: &Bucket| b.repro.as_ref().map_or(0, |r| r.shrink_requests);
    let mut search_requests = 0;
    for r in &reports {
        search_requests += r.requests - r.buckets.iter().map(shrink_requests).sum::<u64>();
        for b in &r.buckets {
            match buckets.get_mut(&b.key()) {
                None => {
                    buckets.insert(b.key(), b.clone());
                }
                Some(seen) => {
                    let count = seen.count + b.count;
                    if b.first_case < seen.first_case {
                        *seen = b.clone();
                    }
                    seen.count = count;
                }
            }
        }
    }
    let mut buckets: Vec<Bucket> = buckets.into_values().collect();
    number_repros(&mut buckets);
    merged.requests = search_requests + buckets.iter().map(shrink_requests).sum::<u64>();
    merged.coverage = coverage(&merged.operations, &buckets);
    merged.root_causes = super::root_causes(&buckets, &merged.operations);
    merged.buckets = buckets;
    // Judged again against the merge's own --baseline, if any.
    merged.baseline = None;

    // An edge is exercised if any share exercised it; violated if any share's
    // buckets violate it (the buckets are the union).
    for edge in &mut merged.transitions {
        let statuses = reports.iter().filter_map(|r| {
            r.transitions
                .iter()
                .find(|t| {
                    t.kind == edge.kind
                        && t.from == edge.from
                        && t.to == edge.to
                        && t.via == edge.via
                })
                .map(|t| t.status)
        });
        edge.status = statuses.fold(EdgeStatus::NotReached, |acc, s| match (acc, s) {
            (EdgeStatus::Exercised, _) | (_, EdgeStatus::Exercised) => EdgeStatus::Exercised,
            (EdgeStatus::Violated, _) | (_, EdgeStatus::Violated) => EdgeStatus::Violated,
            _ => EdgeStatus::NotReached,
        });
    }
    Ok(merged)
}
