//! junit.xml: one testcase per operation × check group, for CI systems that
//! read JUnit. A failing cell carries its buckets with their reproductions; a
//! cell the target does not implement, or the run never exercised, is skipped
//! with the reason. Failures outside the table (a transport fault) get a
//! testcase of their own, so no failure is lost.

use std::fmt::Write as _;

use super::awscli::aws_cli_script;
use super::date::iso8601;
use super::html::escape_markup;
use super::reproduction::target_name;
use super::root_causes::{bucket_of, known_to_baseline, operations_text};
use super::score::{cell_buckets, not_implemented_reason, uncovered_failures};
use super::terminal::{sequence_text, SequenceWords};
use crate::check::Severity;
use crate::run::{Bucket, CoverageCell, RunReport, CHECK_GROUPS};

/// `text` safe in XML content and attributes; characters XML 1.0 forbids are dropped.
pub fn xml_escape(text: &str) -> String {
    escape_markup(text, "&apos;", |c| {
        matches!(c, '\t' | '\n' | '\r')
            || !((c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}')
    })
}

const JUNIT_SEQUENCE: SequenceWords = SequenceWords {
    indent: "  ",
    header: |_, verdict| format!("minimal sequence ({verdict} on re-run):"),
    alternatives: |files| {
        format!(
            "or: bash {} (aws CLI); pytest {} (boto3); wire transcript: {}",
            files.script, files.pytest, files.curl
        )
    },
};

/// The text of one bucket with its reproduction, as a failure body shows it;
/// `with_script` inlines the aws CLI script (once per minimal plan is enough).
pub fn bucket_text(report: &RunReport, b: &Bucket, with_script: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} at {} (HTTP {}, seen {} times, basis {})",
        b.check,
        b.operation,
        b.path,
        b.status,
        b.count,
        format!("{:?}", b.basis).to_lowercase()
    );
    let _ = writeln!(out, "  expected: {}", b.expected);
    let _ = writeln!(out, "  actual:   {}", b.actual);
    if let Some(r) = &b.repro {
        sequence_text(&mut out, report, r, &JUNIT_SEQUENCE);
        if with_script {
            let _ = writeln!(out, "  aws CLI reproduction:");
            for line in aws_cli_script(report, r).lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}

enum CaseResult {
    Pass,
    Fail(String, String),
    Skip(String),
}

/// Texts of `buckets`, the aws CLI script inlined once per minimal plan.
pub fn buckets_text(report: &RunReport, buckets: &[&Bucket]) -> String {
    let mut scripted = std::collections::BTreeSet::new();
    buckets
        .iter()
        .map(|b| {
            let first = b.repro.as_ref().is_some_and(|r| scripted.insert(r.round));
            bucket_text(report, b, first)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A testcase with failure buckets: a failure, or skipped when every one of them
/// belongs to a root cause the run's baseline knows.
fn failed_or_known(
    report: &RunReport,
    failures: &[&Bucket],
    name: impl Fn(&Bucket) -> String,
) -> CaseResult {
    let message = failures
        .iter()
        .map(|b| name(b))
        .collect::<Vec<_>>()
        .join("; ");
    if !failures.is_empty() && failures.iter().all(|b| known_to_baseline(report, b)) {
        CaseResult::Skip(format!("known root causes (baseline): {message}"))
    } else {
        CaseResult::Fail(message, buckets_text(report, failures))
    }
}

/// Render the JUnit XML report.
pub fn junit(report: &RunReport) -> String {
    let mut cases: Vec<(String, String, CaseResult, Vec<String>)> = Vec::new();
    for (op, row) in &report.coverage {
        for group in CHECK_GROUPS.iter() {
            let buckets = cell_buckets(report, op, group);
            let warnings: Vec<String> = buckets
                .iter()
                .filter(|b| b.severity == Severity::Warning)
                .map(|b| bucket_text(report, b, false))
                .collect();
            let result = match row.get(*group).copied() {
                Some(CoverageCell::Pass) | None => CaseResult::Pass,
                Some(CoverageCell::NotImplemented) => {
                    CaseResult::Skip(not_implemented_reason(report, op))
                }
                Some(CoverageCell::NotExercised) => CaseResult::Skip(
                    "not exercised: the run never called this operation".to_owned(),
                ),
                Some(CoverageCell::Fail) => {
                    let failures: Vec<&Bucket> = buckets
                        .iter()
                        .copied()
                        .filter(|b| b.severity == Severity::Failure)
                        .collect();
                    failed_or_known(report, &failures, |b| format!("{} at {}", b.check, b.path))
                }
            };
            cases.push((op.clone(), (*group).to_owned(), result, warnings));
        }
    }
    let uncovered = uncovered_failures(report);
    if !uncovered.is_empty() {
        cases.push((
            "run".to_owned(),
            "other".to_owned(),
            failed_or_known(report, &uncovered, |b| {
                format!("{} on {}", b.check, b.operation)
            }),
            Vec::new(),
        ));
    }
    let failures = cases
        .iter()
        .filter(|c| matches!(c.2, CaseResult::Fail(..)))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.2, CaseResult::Skip(_)))
        .count();
    let seconds = report.duration_ms as f64 / 1000.0;
    let suite = format!("dxconform {}", target_name(report));
    let cause_failures = report.blocking_root_causes().count();
    let cause_skips = report.failing_root_causes() - cause_failures;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<testsuites name="dxconform" tests="{}" failures="{}" errors="0" skipped="{}" time="{seconds:.3}">"#,
        cases.len() + report.root_causes.len(),
        failures + cause_failures,
        skipped + cause_skips
    );
    root_cause_suite(report, &suite, &mut out);
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}" time="{seconds:.3}" timestamp="{}">"#,
        xml_escape(&suite),
        cases.len(),
        iso8601(report.started_at)
    );
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("seed", report.seed.to_string()),
        (
            "target.kind",
            format!("{:?}", report.target.kind).to_lowercase(),
        ),
        ("target.endpoint", report.target.endpoint.clone()),
        (
            "target.version",
            report.target.version.clone().unwrap_or_default(),
        ),
        (
            "harness",
            format!("{} {}", report.harness.name, report.harness.version),
        ),
        ("spec", report.harness.spec.clone()),
        ("cases", report.cases_run.to_string()),
    ] {
        let _ = writeln!(
            out,
            r#"      <property name="{}" value="{}"/>"#,
            xml_escape(name),
            xml_escape(&value)
        );
    }
    out.push_str("    </properties>\n");
    for (op, group, result, warnings) in &cases {
        let _ = write!(
            out,
            r#"    <testcase classname="dxconform.{}" name="{}""#,
            xml_escape(op),
            xml_escape(group)
        );
        if matches!(result, CaseResult::Pass) && warnings.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        match result {
            CaseResult::Pass => {}
            CaseResult::Skip(reason) => {
                let _ = writeln!(out, r#"      <skipped message="{}"/>"#, xml_escape(reason));
            }
            CaseResult::Fail(message, body) => {
                let _ = writeln!(
                    out,
                    r#"      <failure message="{}" type="dxconform.finding">{}</failure>"#,
                    xml_escape(message),
                    xml_escape(body)
                );
            }
        }
        if !warnings.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>warnings:\n{}</system-out>",
                xml_escape(&warnings.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The root causes as a suite of their own, first: one test case per defect (a
/// failure for a failing root cause, its buckets in the body), so a CI summary
/// lists what there is to fix before the operation × check-group matrix.
fn root_cause_suite(report: &RunReport, suite: &str, out: &mut String) {
    if report.root_causes.is_empty() {
        return;
    }
    let failures = report.blocking_root_causes().count();
    let skipped = report.failing_root_causes() - failures;
    let _ = writeln!(
        out,
        r#"  <testsuite name="{} root causes" tests="{}" failures="{failures}" errors="0" skipped="{skipped}" timestamp="{}">"#,
        xml_escape(suite),
        report.root_causes.len(),
        iso8601(report.started_at)
    );
    for (n, cause) in report.root_causes.iter().enumerate() {
        let buckets: Vec<&Bucket> = cause
            .buckets
            .iter()
            .filter_map(|r| bucket_of(report, r))
            .collect();
        let _ = writeln!(
            out,
            r#"    <testcase classname="dxconform.root-causes" name="{:03} {}">"#,
            n + 1,
            xml_escape(&cause.key)
        );
        let message = format!("{} (on {})", cause.title, operations_text(cause, 6));
        if cause.baseline == Some(crate::run::BaselineStatus::Known) {
            let _ = writeln!(
                out,
                r#"      <skipped message="known root cause (baseline): {}"/>"#,
                xml_escape(&message)
            );
        } else if cause.severity == Severity::Failure {
            let _ = writeln!(
                out,
                r#"      <failure message="{}" type="dxconform.root-cause">{}</failure>"#,
                xml_escape(&message),
                xml_escape(&buckets_text(report, &buckets))
            );
        } else {
            let _ = writeln!(
                out,
                "      <system-out>{}\n{}</system-out>",
                xml_escape(&message),
                xml_escape(&buckets_text(report, &buckets))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn one_testcase_per_cell_with_failures_and_skips() {
        let report = sample_report();
        let xml = junit(&report);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        let cells = report.coverage.len() * CHECK_GROUPS.len();
        let causes = report.root_causes.len();
        assert_eq!(xml.matches("<testcase ").count(), causes + cells);
        // The cell suite, after the root-cause suite.
        assert!(xml.contains(&format!(r#"tests="{cells}" failures="1""#)));
        assert!(xml.contains(&format!(r#"root causes" tests="{causes}""#)));
        assert!(xml.contains(r#"<testcase classname="dxconform.CreateConnection" name="model">"#));
        assert!(xml.contains(r#"<failure message="model.state at $.connectionState""#));
        assert!(xml.contains("reproduce with: dxconform replay replays/001-model.state-CreateConnection.json --target moto"));
        assert!(xml.contains("aws CLI reproduction:"));
        assert!(xml.contains(r#"<skipped message="not implemented: HTTP 500 with an HTML body"/>"#));
        assert!(xml.contains("<system-out>warnings:"));
        assert!(xml.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
    }

    #[test]
    fn xml_escaping_drops_forbidden_control_characters() {
        assert_eq!(
            xml_escape("a\u{1}b<'\"&>\n"),
            "ab&lt;&apos;&quot;&amp;&gt;\n"
        );
    }
}
