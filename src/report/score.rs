//! The numbers every report leads with: operations conformant / implemented /
//! modelled, checks passed, conformance per resource type, and which buckets
//! make a cell of the operations × check groups table fail.

use std::collections::BTreeMap;

use super::resource_type;
use crate::check::Severity;
use crate::run::{Bucket, CoverageCell, RunReport, CHECK_GROUPS};
use crate::vocab::CheckId;

/// The check that marks an operation as not implemented; shown in the coverage
/// column rather than as a failing cell.
pub const NOT_IMPLEMENTED_CHECK: &str = CheckId::OpImplemented.as_str();

/// The headline score of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// Operations the model covers (rows of the coverage table).
    pub modelled: usize,
    /// Modelled operations the target answers (exercised, not "not implemented").
    pub implemented: usize,
    /// Implemented operations without any failure bucket.
    pub conformant: usize,
    /// Operations of the specification (modelled plus listed as not modelled).
    pub specified: usize,
    /// Enabled checks.
    pub checks: usize,
    /// Enabled checks without a failure bucket.
    pub checks_passed: usize,
    /// Cells of the coverage table that pass.
    pub cells_pass: usize,
    /// Cells that were exercised on an implemented operation (pass or fail).
    pub cells_exercised: usize,
}

/// Cells of one resource type, for the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceScore {
    /// Resource type (`connection`, `tag`, …).
    pub resource: String,
    /// Operations of this type.
    pub operations: usize,
    /// Of which conformant.
    pub conformant: usize,
    /// Cells that pass.
    pub pass: usize,
    /// Cells that fail.
    pub fail: usize,
    /// Cells of operations the target does not implement.
    pub not_implemented: usize,
    /// Cells never exercised.
    pub not_exercised: usize,
}

impl ResourceScore {
    /// All cells.
    pub fn cells(&self) -> usize {
        self.pass + self.fail + self.not_implemented + self.not_exercised
    }
}

/// Whether a row of the coverage table shows an implemented operation.
fn implemented(row: &BTreeMap<String, CoverageCell>) -> bool {
    !row.values().any(|c| *c == CoverageCell::NotImplemented)
        && row.values().any(|c| *c != CoverageCell::NotExercised)
}

/// Failure buckets of `operation`, other than "not implemented".
fn operation_failures<'a>(
    report: &'a RunReport,
    operation: &'a str,
) -> impl Iterator<Item = &'a Bucket> + 'a {
    report
        .failures()
        .filter(move |b| b.operation == operation && b.check != NOT_IMPLEMENTED_CHECK)
}

/// Whether `operation` is implemented and has no failure bucket.
pub fn operation_conformant(report: &RunReport, operation: &str) -> bool {
    report.coverage.get(operation).is_some_and(implemented)
        && operation_failures(report, operation).next().is_none()
}

/// The headline score.
pub fn score(report: &RunReport) -> Score {
    let modelled = report.coverage.len();
    let implemented = report.coverage.values().filter(|r| implemented(r)).count();
    let conformant = report
        .coverage
        .keys()
        .filter(|op| operation_conformant(report, op))
        .count();
    let failing_checks: std::collections::BTreeSet<&str> =
        report.failures().map(|b| b.check.as_str()).collect();
    let checks = report.config.checks.len();
    let checks_passed = report
        .config
        .checks
        .iter()
        .filter(|c| !failing_checks.contains(c.as_str()))
        .count();
    let cells = report.coverage.values().flat_map(BTreeMap::values);
    let cells_pass = cells.clone().filter(|c| **c == CoverageCell::Pass).count();
    let cells_exercised = cells
        .filter(|c| matches!(c, CoverageCell::Pass | CoverageCell::Fail))
        .count();
    Score {
        modelled,
        implemented,
        conformant,
        specified: modelled + report.not_modelled.len(),
        checks,
        checks_passed,
        cells_pass,
        cells_exercised,
    }
}

/// Conformance per resource type, in order of first appearance in the coverage table.
pub fn by_resource(report: &RunReport) -> Vec<ResourceScore> {
    let mut out: Vec<ResourceScore> = Vec::new();
    for (op, row) in &report.coverage {
        let kind = resource_type(op);
        let index = match out.iter().position(|r| r.resource == kind) {
            Some(i) => i,
            None => {
                out.push(ResourceScore {
                    resource: kind.to_owned(),
                    ..ResourceScore::default()
                });
                out.len() - 1
            }
        };
        let entry = &mut out[index];
        entry.operations += 1;
        if operation_conformant(report, op) {
            entry.conformant += 1;
        }
        for cell in row.values() {
            match cell {
                CoverageCell::Pass => entry.pass += 1,
                CoverageCell::Fail => entry.fail += 1,
                CoverageCell::NotImplemented => entry.not_implemented += 1,
                CoverageCell::NotExercised => entry.not_exercised += 1,
            }
        }
    }
    out
}

/// The check group a check id belongs to (`model.state` → `model`), if it is a column.
pub fn check_group(check: &str) -> Option<&'static str> {
    let family = check.split('.').next()?;
    CHECK_GROUPS.iter().copied().find(|g| *g == family)
}

/// Buckets shown in the cell (`operation`, `group`): every bucket of that operation
/// whose check belongs to the group, failures first ("not implemented" excluded).
pub fn cell_buckets<'a>(report: &'a RunReport, operation: &str, group: &str) -> Vec<&'a Bucket> {
    let mut out: Vec<&Bucket> = report
        .buckets
        .iter()
        .filter(|b| {
            b.operation == operation
                && b.check != NOT_IMPLEMENTED_CHECK
                && check_group(&b.check) == Some(group)
        })
        .collect();
    out.sort_by_key(|b| b.severity != Severity::Failure);
    out
}

/// Failure buckets that belong to no cell (a check family that is not a column,
/// such as `transport.fault`, or an operation outside the coverage table).
pub fn uncovered_failures(report: &RunReport) -> Vec<&Bucket> {
    report
        .failures()
        .filter(|b| {
            b.check != NOT_IMPLEMENTED_CHECK
                && (check_group(&b.check).is_none() || !report.coverage.contains_key(&b.operation))
        })
        .collect()
}

/// Why an operation counts as not implemented: the answer that gave it away.
pub fn not_implemented_reason(report: &RunReport, operation: &str) -> String {
    if let Some(answer) = crate::run::uniformly_unanswered(&report.operations).get(operation) {
        return format!(
            "not implemented: every call was answered {answer}, as other operations were"
        );
    }
    report
        .buckets
        .iter()
        .find(|b| b.operation == operation && b.check == NOT_IMPLEMENTED_CHECK)
        .map_or_else(
            || "the target does not implement this operation".to_owned(),
            |b| format!("not implemented: {}", b.actual),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn the_score_counts_operations_and_checks() {
        let s = score(&sample_report());
        assert_eq!(s.modelled, 3);
        assert_eq!(s.implemented, 2, "DescribeLocations is not implemented");
        assert_eq!(s.conformant, 1, "CreateConnection fails model.state");
        assert_eq!(s.specified, 4);
        assert_eq!(s.checks, 4);
        assert_eq!(s.checks_passed, 2, "model.state and op.implemented failed");
        assert!(s.cells_pass < s.cells_exercised);
    }

    #[test]
    fn resource_scores_and_cells_follow_the_coverage_table() {
        let report = sample_report();
        let resources = by_resource(&report);
        let connection = resources
            .iter()
            .find(|r| r.resource == "connection")
            .unwrap();
        assert_eq!(connection.operations, 2);
        assert_eq!(connection.fail, 1);
        assert_eq!(connection.cells(), 2 * CHECK_GROUPS.len());
        let location = resources.iter().find(|r| r.resource == "location").unwrap();
        assert_eq!(location.not_implemented, CHECK_GROUPS.len());
        assert_eq!(cell_buckets(&report, "CreateConnection", "model").len(), 1);
        assert!(cell_buckets(&report, "CreateConnection", "op").is_empty());
        assert!(not_implemented_reason(&report, "DescribeLocations").contains("HTTP 500"));
        assert!(uncovered_failures(&report).is_empty());
    }
}
