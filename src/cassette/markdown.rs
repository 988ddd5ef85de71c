//! The parity report as Markdown (`dxconform parity --out FILE.md`), rendered from a
//! [`ParityOutcome`] alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::ParityOutcome;
use crate::check::bucket_path;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn target(t: &crate::target::TargetIdentity) -> String {
    match &t.version {
        Some(v) => v.clone(),
        None => format!("{:?} ({})", t.kind, t.endpoint).to_lowercase(),
    }
}

/// Differences grouped by (check, operation, path, status), with counts and a first example.
pub fn parity_markdown(outcome: &ParityOutcome) -> String {
    let mut groups: BTreeMap<(String, String, String, u16), (usize, usize)> = BTreeMap::new();
    for (i, d) in outcome.differences.iter().enumerate() {
        let f = &d.finding;
        let key = (
            f.operation.clone(),
            f.check.clone(),
            bucket_path(&f.path),
            f.status,
        );
        groups.entry(key).or_insert((0, i)).0 += 1;
    }
    let mut s = String::new();
    let _ = writeln!(s, "# Parity: {}\n", target(&outcome.replayed));
    let _ = writeln!(
        s,
        "Replayed a cassette recorded against {} (seed {}): {} cases, {} exchanges compared, \
         {} differences in {} buckets; {} observations ahead of the recording in time (not differences), \
         {} Describe polls waiting for a recorded state, {} differences on declared varying paths, \
         {} states along asynchronous edges the model allows on a target shared with other cases (not differences).\n",
        target(&outcome.recorded),
        outcome.seed,
        outcome.cases,
        outcome.compared,
        outcome.differences.len(),
        groups.len(),
        outcome.ahead,
        outcome.polls,
        outcome.declared,
        outcome.alternatives
    );
    let delay = if outcome.async_delay_ms > 0 {
        format!(" --async-delay-ms {}", outcome.async_delay_ms)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "Regenerate: `dxconform run --seed {} --cases {}{delay} --record CASSETTE` against the recorded \
         target, then `dxconform parity --cassette CASSETTE --target … --out FILE.md`.\n",
        outcome.seed, outcome.cases
    );
    if groups.is_empty() {
        s.push_str("No differences.\n");
        return s;
    }
    let mut by_check: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for ((_, check, _, _), (count, _)) in &groups {
        let e = by_check.entry(check.as_str()).or_default();
        e.0 += 1;
        e.1 += count;
    }
    s.push_str("| check | buckets | differences |\n|---|---|---|\n");
    for (check, (buckets, count)) in &by_check {
        let _ = writeln!(s, "| `{check}` | {buckets} | {count} |");
    }
    s.push('\n');
    s.push_str("| operation | check | path | status | count | recorded | replayed (first, case/step) |\n|---|---|---|---|---|---|---|\n");
    for ((operation, check, path, status), (count, first)) in &groups {
        let d = &outcome.differences[*first];
        let _ = writeln!(
            s,
            "| {operation} | `{check}` | `{}` | {status} | {count} | {} | {} (case {}, step {}) |",
            cell(path),
            cell(&d.finding.expected),
            cell(&d.finding.actual),
            d.case,
            d.finding.step
        );
    }
    s
}
