//! Comparing runs: a side-by-side matrix of several targets (operations ×
//! targets), and for two runs of the same kind of target the drift: buckets new
//! in the second run, fixed since the first, and unchanged. A nightly job alerts
//! on new failure buckets.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::markdown::escape_cell;
use super::reproduction::target_name;
use super::resource_type;
use super::score::{cell_buckets, operation_conformant, score};
use crate::check::Severity;
use crate::run::{Bucket, CoverageCell, RootCause, RunReport, CHECK_GROUPS};

/// What one target did with one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Implemented, no failure.
    Pass,
    /// Failure buckets in these check groups (`other` for a check outside the table).
    Fail(Vec<String>),
    /// The target does not implement it.
    NotImplemented,
    /// The run never called it.
    NotExercised,
    /// The harness that made this report did not model it.
    NotModelled,
}

impl Verdict {
    /// Text for a table cell.
    pub fn text(&self) -> String {
        match self {
            Verdict::Pass => "pass".to_owned(),
            Verdict::Fail(groups) => format!("**fail** ({})", groups.join(", ")),
            Verdict::NotImplemented => "not implemented".to_owned(),
            Verdict::NotExercised => "not exercised".to_owned(),
            Verdict::NotModelled => "not modelled".to_owned(),
        }
    }
}

/// Buckets that changed between a baseline and a current run.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    /// Label of the baseline run.
    pub baseline: String,
    /// Label of the current run.
    pub current: String,
    /// In the current run only.
    pub new: Vec<Bucket>,
    /// In the baseline only.
    pub fixed: Vec<Bucket>,
    /// In both (as the current run saw them).
    pub unchanged: Vec<Bucket>,
    /// Root causes of the current run whose key the baseline does not have.
    pub new_root_causes: Vec<RootCause>,
    /// Root causes of the baseline whose key the current run does not have.
    pub fixed_root_causes: Vec<RootCause>,
    /// Root causes in both.
    pub unchanged_root_causes: usize,
}

impl Drift {
    /// New buckets that are failures.
    pub fn new_failures(&self) -> usize {
        self.new
            .iter()
            .filter(|b| b.severity == Severity::Failure)
            .count()
    }
}

/// The comparison of several runs.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Column labels, one per run.
    pub labels: Vec<String>,
    /// Where each run's report came from.
    pub sources: Vec<String>,
    /// Headline per run: (operations conformant, modelled, failure buckets, seed, cases,
    /// failure root causes).
    pub headlines: Vec<(usize, usize, usize, u64, u64, usize)>,
    /// Operation → verdict per run.
    pub rows: Vec<(String, Vec<Verdict>)>,
    /// Drift, when exactly two runs of the same kind of target are compared.
    pub drift: Option<Drift>,
    /// Why there is no drift section, when there is none.
    pub no_drift_reason: Option<String>,
}

impl Comparison {
    /// New failure buckets (0 without drift).
    pub fn new_failures(&self) -> usize {
        self.drift.as_ref().map_or(0, Drift::new_failures)
    }
}

fn verdict(report: &RunReport, operation: &str) -> Verdict {
    let Some(row) = report.coverage.get(operation) else {
        return Verdict::NotModelled;
    };
    if row.values().any(|c| *c == CoverageCell::NotImplemented) {
        return Verdict::NotImplemented;
    }
    if row.values().all(|c| *c == CoverageCell::NotExercised) {
        return Verdict::NotExercised;
    }
    if operation_conformant(report, operation) {
        return Verdict::Pass;
    }
    let mut groups: Vec<String> = CHECK_GROUPS
        .iter()
        .filter(|g| {
            cell_buckets(report, operation, g)
                .iter()
                .any(|b| b.severity == Severity::Failure)
        })
        .map(|g| (*g).to_owned())
        .collect();
    if groups.is_empty() {
        groups.push("other".to_owned());
    }
    Verdict::Fail(groups)
}

fn labels(reports: &[(String, RunReport)]) -> Vec<String> {
    let names: Vec<String> = reports.iter().map(|(_, r)| target_name(r)).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if names.iter().filter(|n| *n == name).count() == 1 {
                return name.clone();
            }
            let with_seed = format!("{name} · seed {}", reports[i].1.seed);
            let same_seed = reports
                .iter()
                .filter(|(_, r)| target_name(r) == *name && r.seed == reports[i].1.seed)
                .count();
            if same_seed == 1 {
                with_seed
            } else {
                format!("{name} · {}", reports[i].0)
            }
        })
        .collect()
}

/// Compare runs, given as (source, report) in order; the first is the baseline of a drift.
pub fn compare(reports: &[(String, RunReport)]) -> Comparison {
    let labels = labels(reports);
    let mut operations: Vec<String> = Vec::new();
    for (_, r) in reports {
        for op in r.coverage.keys() {
            if !operations.contains(op) {
                operations.push(op.clone());
            }
        }
    }
    operations.sort();
    let rows = operations
        .iter()
        .map(|op| {
            (
                op.clone(),
                reports.iter().map(|(_, r)| verdict(r, op)).collect(),
            )
        })
        .collect();
    let headlines = reports
        .iter()
        .map(|(_, r)| {
            let s = score(r);
            (
                s.conformant,
                s.modelled,
                r.failures().count(),
                r.seed,
                r.cases_run,
                r.failing_root_causes(),
            )
        })
        .collect();
    let (drift, no_drift_reason) = match reports {
        [(_, a), (_, b)] if a.target.kind == b.target.kind => {
            (Some(drift(&labels[0], a, &labels[1], b)), None)
        }
        [(_, a), (_, b)] => (
            None,
            Some(format!(
                "drift compares two runs of the same kind of target; these are {} and {}",
                format!("{:?}", a.target.kind).to_lowercase(),
                format!("{:?}", b.target.kind).to_lowercase()
            )),
        ),
        _ => (
            None,
            Some("drift compares exactly two runs of the same kind of target".to_owned()),
        ),
    };
    Comparison {
        labels,
        sources: reports.iter().map(|(s, _)| s.clone()).collect(),
        headlines,
        rows,
        drift,
        no_drift_reason,
    }
}

/// The drift from `baseline` to `current`.
pub fn drift(
    baseline_label: &str,
    baseline: &RunReport,
    current_label: &str,
    current: &RunReport,
) -> Drift {
    let before: BTreeSet<_> = baseline.buckets.iter().map(Bucket::key).collect();
    let after: BTreeSet<_> = current.buckets.iter().map(Bucket::key).collect();
    let keys = |r: &RunReport| -> BTreeSet<String> {
        r.root_causes.iter().map(|c| c.key.clone()).collect()
    };
    let (causes_before, causes_after) = (keys(baseline), keys(current));
    Drift {
        new_root_causes: current
            .root_causes
            .iter()
            .filter(|c| !causes_before.contains(&c.key))
            .cloned()
            .collect(),
        fixed_root_causes: baseline
            .root_causes
            .iter()
            .filter(|c| !causes_after.contains(&c.key))
            .cloned()
            .collect(),
        unchanged_root_causes: causes_after.intersection(&causes_before).count(),
        baseline: baseline_label.to_owned(),
        current: current_label.to_owned(),
        new: current
            .buckets
            .iter()
            .filter(|b| !before.contains(&b.key()))
            .cloned()
            .collect(),
        fixed: baseline
            .buckets
            .iter()
            .filter(|b| !after.contains(&b.key()))
            .cloned()
            .collect(),
        unchanged: current
            .buckets
            .iter()
            .filter(|b| before.contains(&b.key()))
            .cloned()
            .collect(),
    }
}

fn bucket_table(out: &mut String, buckets: &[Bucket]) {
    if buckets.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    out.push_str("| check | operation | path | HTTP | severity | expected | actual |\n");
    out.push_str("|---|---|---|---:|---|---|---|\n");
    for b in buckets {
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} | {} | {} |",
            b.check,
            b.operation,
            escape_cell(&b.path),
            b.status,
            if b.severity == Severity::Failure {
                "failure"
            } else {
                "warning"
            },
            escape_cell(&b.expected),
            escape_cell(&b.actual)
        );
    }
    out.push('\n');
}

/// compare.md.
pub fn compare_markdown(c: &Comparison) -> String {
    let mut out = String::from("# dxconform comparison\n\n");
    let header: Vec<String> = c.labels.iter().map(|l| escape_cell(l)).collect();
    let _ = writeln!(out, "| | {} |", header.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(c.labels.len()));
    let row = |out: &mut String, name: &str, cells: Vec<String>| {
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    };
    row(
        &mut out,
        "report",
        c.sources
            .iter()
            .map(|s| format!("`{}`", escape_cell(s)))
            .collect(),
    );
    row(
        &mut out,
        "seed / cases",
        c.headlines
            .iter()
            .map(|h| format!("{} / {}", h.3, h.4))
            .collect(),
    );
    row(
        &mut out,
        "operations conformant",
        c.headlines
            .iter()
            .map(|h| format!("**{}/{}**", h.0, h.1))
            .collect(),
    );
    row(
        &mut out,
        "failure root causes",
        c.headlines.iter().map(|h| format!("**{}**", h.5)).collect(),
    );
    row(
        &mut out,
        "failure buckets",
        c.headlines.iter().map(|h| h.2.to_string()).collect(),
    );
    out.push_str("\n## Operations × targets\n\n");
    let _ = writeln!(out, "| operation | resource | {} |", header.join(" | "));
    let _ = writeln!(out, "|---|---|{}", "---|".repeat(c.labels.len()));
    for (op, verdicts) in &c.rows {
        let cells: Vec<String> = verdicts.iter().map(Verdict::text).collect();
        let _ = writeln!(
            out,
            "| {op} | {} | {} |",
            resource_type(op),
            cells.join(" | ")
        );
    }
    out.push_str("\nCells: pass; **fail** (the check groups with failure buckets); not implemented (the target does not answer the operation); not exercised; not modelled (by the harness version of that report).\n");
    out.push_str("\n## Drift\n\n");
    match &c.drift {
        Some(d) => {
            let _ = writeln!(
                out,
                "From {} to {}: {} new ({} failures), {} fixed, {} unchanged.\n",
                d.baseline,
                d.current,
                d.new.len(),
                d.new_failures(),
                d.fixed.len(),
                d.unchanged.len()
            );
            let _ = writeln!(
                out,
                "Root causes: {} new, {} fixed, {} unchanged.\n",
                d.new_root_causes.len(),
                d.fixed_root_causes.len(),
                d.unchanged_root_causes
            );
            for (label, causes) in [("New", &d.new_root_causes), ("Fixed", &d.fixed_root_causes)] {
                if causes.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "### {label} root causes ({})\n", causes.len());
                for cause in causes {
                    let _ = writeln!(
                        out,
                        "- {} (`{}`, {} buckets)",
                        escape_cell(&cause.title),
                        escape_cell(&cause.key),
                        cause.buckets.len()
                    );
                }
                out.push('\n');
            }
            let _ = writeln!(out, "### New ({})\n", d.new.len());
            bucket_table(&mut out, &d.new);
            let _ = writeln!(out, "### Fixed ({})\n", d.fixed.len());
            bucket_table(&mut out, &d.fixed);
            let _ = writeln!(out, "### Unchanged ({})\n", d.unchanged.len());
            bucket_table(&mut out, &d.unchanged);
        }
        None => {
            let _ = writeln!(
                out,
                "No drift: {}.",
                c.no_drift_reason.as_deref().unwrap_or("nothing to compare")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    /// The verdicts of `operation`'s row.
    fn row<'a>(c: &'a Comparison, operation: &str) -> &'a [Verdict] {
        &c.rows.iter().find(|(op, _)| op == operation).unwrap().1
    }

    #[test]
    fn the_matrix_shows_each_operation_for_each_target() {
        let moto = sample_report();
        let mut embedded = sample_report();
        embedded.target.kind = crate::target::TargetKind::Embedded;
        embedded.target.version = Some("dxconform reference target 0.1.0".into());
        embedded.buckets.clear();
        for row in embedded.coverage.values_mut() {
            for cell in row.values_mut() {
                *cell = CoverageCell::Pass;
            }
        }
        let c = compare(&[("a.json".into(), moto), ("b.json".into(), embedded)]);
        assert_eq!(c.labels, ["moto 5.2.5", "dxconform reference target 0.1.0"]);
        let create = row(&c, "CreateConnection");
        assert_eq!(create[0], Verdict::Fail(vec!["model".into()]));
        assert_eq!(create[1], Verdict::Pass);
        let locations = row(&c, "DescribeLocations");
        assert_eq!(locations[0], Verdict::NotImplemented);
        assert!(c.drift.is_none());
        assert_eq!(c.new_failures(), 0);
        let md = compare_markdown(&c);
        assert!(md.contains("| CreateConnection | connection | **fail** (model) | pass |"));
        assert!(md.contains("No drift: drift compares two runs of the same kind of target"));
    }

    #[test]
    fn drift_between_two_runs_of_one_target_names_new_fixed_and_unchanged() {
        let before = sample_report();
        let mut after = sample_report();
        after.seed = 8;
        // The warning is fixed; a new failure appears.
        after.buckets.retain(|b| b.severity == Severity::Failure);
        let mut new = after.buckets[0].clone();
        new.check = "model.echo".into();
        new.path = "$.connectionName".into();
        after.buckets.push(new);
        let c = compare(&[("a.json".into(), before), ("b.json".into(), after)]);
        assert_eq!(c.labels, ["moto 5.2.5 · seed 7", "moto 5.2.5 · seed 8"]);
        let d = c.drift.as_ref().unwrap();
        assert_eq!(d.new.len(), 1);
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.unchanged.len(), 2);
        assert_eq!(c.new_failures(), 1);
        let md = compare_markdown(&c);
        assert!(md.contains("### New (1)"));
        assert!(md.contains("`model.echo`"));
    }
}
