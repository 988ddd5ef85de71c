//! report.md: the compatibility report for people, as Markdown (GitHub renders
//! its Mermaid lifecycle pictures).

use std::fmt::Write as _;

use super::date::utc_datetime;
use super::findings::ReproductionWords;
use super::lifecycle::{lifecycles, mermaid, status_label};
use super::replay_command;
use super::reproduction::target_name;
use super::root_causes::{
    baseline_mark, cause_section, finding_numbers, operations_text, severity_label,
    shortest_replay_file,
};
use super::score::{by_resource, not_implemented_reason, score};
use crate::run::{CoverageCell, RootCause, RunReport, CHECK_GROUPS};
use crate::target::TargetKind;

fn cell(c: CoverageCell) -> &'static str {
    match c {
        CoverageCell::Pass => "pass",
        CoverageCell::Fail => "**FAIL**",
        CoverageCell::NotImplemented => "not implemented",
        CoverageCell::NotExercised => "not exercised",
    }
}

/// `text` safe in one Markdown table cell.
pub fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn fenced(language: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}\n", text.trim_end())
}

fn identity(report: &RunReport, out: &mut String) {
    let version = report.target.version.as_deref().unwrap_or("unknown");
    let failures = report.failures().count();
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(
        out,
        "| target | {} `{}` |",
        format!("{:?}", report.target.kind).to_lowercase(),
        report.target.endpoint
    );
    let _ = writeln!(out, "| target version | {} |", escape_cell(version));
    let _ = writeln!(out, "| region | {} |", report.target.region);
    let _ = writeln!(out, "| date | {} |", utc_datetime(report.started_at));
    let _ = writeln!(
        out,
        "| harness | {} {} (spec: {}) |",
        report.harness.name, report.harness.version, report.harness.spec
    );
    let _ = writeln!(out, "| seed | {} |", report.seed);
    let _ = writeln!(
        out,
        "| cases / steps / requests | {} / {} ({} skipped) / {} |",
        report.cases_run, report.steps_run, report.steps_skipped, report.requests
    );
    let _ = writeln!(
        out,
        "| wall time | {:.1} s |",
        report.duration_ms as f64 / 1000.0
    );
    let _ = writeln!(
        out,
        "| result | {} failure buckets, {} warnings: **{}** |",
        failures,
        report.buckets.len() - failures,
        if failures == 0 {
            "conformant"
        } else {
            "not conformant"
        }
    );
    if let Some(line) = super::root_causes::baseline_line(report) {
        let verdict = if report.passes() {
            "passes: only known root causes"
        } else {
            "fails: new or expired root causes"
        };
        let _ = writeln!(out, "| baseline | **{verdict}**; {} |", escape_cell(&line));
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Regenerate with `dxconform run{} --seed {} --cases {} --out <dir>`.\n",
        match report.target.kind {
            TargetKind::Embedded => "",
            TargetKind::Moto => " --target moto",
            _ => " --endpoint <url>",
        },
        report.seed,
        report.config.cases
    );
}

fn headline(report: &RunReport, out: &mut String) {
    let s = score(report);
    let _ = writeln!(out, "## Score\n");
    let _ = writeln!(
        out,
        "- **{} of {} operations conformant**; {} implemented, {} modelled ({} in the specification)",
        s.conformant, s.modelled, s.implemented, s.modelled, s.specified
    );
    let _ = writeln!(
        out,
        "- **{} of {} checks passed** (enabled checks without a failure finding)",
        s.checks_passed, s.checks
    );
    let _ = writeln!(
        out,
        "- {} of {} exercised operation × check group cells pass\n",
        s.cells_pass, s.cells_exercised
    );
    let _ = writeln!(out, "| resource type | operations conformant | cells: pass / fail / not implemented / not exercised |");
    let _ = writeln!(out, "|---|---:|---|");
    for r in by_resource(report) {
        let _ = writeln!(
            out,
            "| {} | {}/{} | {} / {} / {} / {} |",
            r.resource,
            r.conformant,
            r.operations,
            r.pass,
            r.fail,
            r.not_implemented,
            r.not_exercised
        );
    }
    out.push('\n');
}

fn coverage(report: &RunReport, out: &mut String) {
    let _ = writeln!(out, "## Operations × check groups\n");
    let _ = writeln!(out, "| operation | calls | {} |", CHECK_GROUPS.join(" | "));
    let _ = writeln!(out, "|---|---:|{}", "---|".repeat(CHECK_GROUPS.len()));
    let mut not_implemented = Vec::new();
    for (op, row) in &report.coverage {
        let calls = report.operations.get(op).map_or(0, |s| s.calls);
        let cells: Vec<&str> = CHECK_GROUPS
            .iter()
            .map(|g| row.get(*g).copied().map_or("", cell))
            .collect();
        if row.values().any(|c| *c == CoverageCell::NotImplemented) {
            not_implemented.push(op);
        }
        let _ = writeln!(out, "| {op} | {calls} | {} |", cells.join(" | "));
    }
    out.push('\n');
    for op in not_implemented {
        let _ = writeln!(
            out,
            "- {op}: {}",
            escape_cell(&not_implemented_reason(report, op))
        );
    }
    out.push('\n');
}

fn lifecycle_section(report: &RunReport, out: &mut String) {
    let groups = lifecycles(report);
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Lifecycles\n");
    let _ = writeln!(
        out,
        "Edges: ✓ exercised (observed on this target, green), · not reached (modelled, never observed, dashed), ✗ violated (a state finding involved this resource type, red).\n"
    );
    for (kind, edges) in groups {
        let _ = writeln!(out, "### {kind}\n");
        out.push_str(&fenced("mermaid", &mermaid(&edges)));
        out.push('\n');
        let rows = edges.iter().map(|t| {
            [
                escape_cell(&t.from),
                escape_cell(&t.to),
                escape_cell(&t.via),
                status_label(t.status).to_owned(),
            ]
        });
        let summary = format!("{} edges", edges.len());
        details_table(out, &summary, ["from", "to", "via", "status"], rows);
    }
}

fn not_modelled(report: &RunReport, out: &mut String) {
    if report.not_modelled.is_empty() {
        return;
    }
    out.push_str("## Not modelled\n\n");
    let summary = format!(
        "{} operations of the specification are not modelled yet",
        report.not_modelled.len()
    );
    let rows = report
        .not_modelled
        .iter()
        .map(|m| [m.operation.clone(), escape_cell(&m.reason)]);
    details_table(out, &summary, ["operation", "why"], rows);
}

/// A table folded under `summary` (cells already escaped).
fn details_table<const N: usize>(
    out: &mut String,
    summary: &str,
    columns: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) {
    let _ = writeln!(
        out,
        "<details><summary>{summary}</summary>\n\n| {} |\n|{}",
        columns.join(" | "),
        "---|".repeat(N)
    );
    for cells in rows {
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push_str("\n</details>\n\n");
}

/// The root causes first: what there is to fix, each with its shortest reproduction
/// and the findings (numbered as in the Findings section) it explains.
fn root_causes(report: &RunReport, out: &mut String) {
    let heading = |causes, findings| {
        format!(
            "## Root causes\n\n{causes} root causes explain the {findings} findings below \
             (how they are grouped: dxconform's docs/root-causes.md).\n\n\
             | # | severity | root cause | operations | findings | occurrences | shortest reproduction |\n\
             |---:|---|---|---|---|---:|---|\n"
        )
    };
    let row = |out: &mut String, number: usize, cause: &RootCause| {
        let findings: Vec<String> = finding_numbers(report, cause)
            .iter()
            .map(usize::to_string)
            .collect();
        let repro = shortest_replay_file(report, cause).map_or_else(
            || "—".to_owned(),
            |file| format!("`{}`", replay_command(report, file)),
        );
        let mark = baseline_mark(cause).map_or_else(String::new, |m| format!(" ({m})"));
        let _ = writeln!(
            out,
            "| {} | {}{mark} | {} <br>`{}` | {} | {} | {} | {} |",
            number,
            severity_label(cause.severity).to_lowercase(),
            escape_cell(&cause.title),
            escape_cell(&cause.key),
            escape_cell(&operations_text(cause, 6)),
            findings.join(", "),
            cause.count,
            repro
        );
    };
    cause_section(out, report, heading, row, "\n");
}

const MARKDOWN_REPRODUCTION: ReproductionWords = ReproductionWords {
    none: "\n",
    same_as: |first| format!("- reproduction: the same minimal sequence as finding {first}\n\n"),
};

fn findings(report: &RunReport, out: &mut String) {
    let _ = writeln!(out, "## Findings\n");
    if report.buckets.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for f in super::findings::findings(report) {
        let b = f.bucket;
        let _ = writeln!(
            out,
            "### {}. `{}` on {} at `{}`\n",
            f.number, b.check, b.operation, b.path
        );
        let _ = writeln!(
            out,
            "- severity: {}; basis: {}; HTTP {}; seen {} times",
            f.severity, f.basis, b.status, b.count
        );
        let _ = writeln!(out, "- expected: {}", escape_cell(&b.expected));
        let _ = writeln!(out, "- actual: {}", escape_cell(&b.actual));
        let Some(sequence) = f.own_sequence(out, &MARKDOWN_REPRODUCTION) else {
            continue;
        };
        let _ = writeln!(
            out,
            "- minimal sequence: {}\n",
            sequence.summary(str::to_owned)
        );
        out.push_str(&fenced("text", &sequence.sent.join("\n")));
        out.push('\n');
        match &sequence.files {
            Some(files) => {
                let _ = writeln!(
                    out,
                    "Reproduce with `{}`, or with the aws CLI (`{}`), pytest (`{}`) or curl (`{}`):\n",
                    files.command, files.script, files.pytest, files.curl
                );
            }
            None => {
                let _ = writeln!(out, "Reproduce with the aws CLI or curl:\n");
            }
        }
        let _ = writeln!(out, "<details><summary>aws CLI script</summary>\n");
        out.push_str(&fenced("bash", &sequence.aws_cli));
        let _ = writeln!(
            out,
            "\n</details>\n\n<details><summary>wire requests and answers (curl)</summary>\n"
        );
        out.push_str(&fenced("bash", &sequence.curl));
        out.push_str("\n</details>\n\n");
    }
}

/// Render the Markdown report.
pub fn markdown(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# dxconform report: {}\n", target_name(report));
    identity(report, &mut out);
    root_causes(report, &mut out);
    headline(report, &mut out);
    coverage(report, &mut out);
    lifecycle_section(report, &mut out);
    not_modelled(report, &mut out);
    findings(report, &mut out);
    let nightly = super::terminal::nightly_lines(report);
    if !nightly.is_empty() {
        let _ = writeln!(out, "## Waits, retries and budgets\n");
        for line in nightly {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out);
    }
    if !report.leaked.is_empty() {
        let _ = writeln!(out, "## Leaked resources\n\n{}", report.leaked.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn the_markdown_report_has_score_table_lifecycles_and_reproductions() {
        let md = markdown(&sample_report());
        for needle in [
            "# dxconform report: moto 5.2.5",
            "| date | 2026-09-21 14:13:20 UTC |",
            "**1 of 3 operations conformant**; 2 implemented, 3 modelled (4 in the specification)",
            "| CreateConnection | 80 | pass | pass | pass | pass | pass | **FAIL** |",
            "- DescribeLocations: not implemented: HTTP 500 with an HTML body",
            "```mermaid\nflowchart LR",
            "## Not modelled",
            "Reproduce with `dxconform replay replays/001-model.state-CreateConnection.json --target moto`",
            "replays/001-model.state-CreateConnection.sh",
            "```bash\n#!/usr/bin/env bash",
            "curl -sS -i -X POST",
        ] {
            assert!(md.contains(needle), "missing {needle}:\n{md}");
        }
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("text", "a ``` b"), "````text\na ``` b\n````\n");
    }
}
