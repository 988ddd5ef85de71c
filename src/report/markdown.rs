//! report.md: the compatibility report for people.

use std::fmt::Write as _;

use super::{replay_command, step_line};
use crate::check::Severity;
use crate::run::{CoverageCell, RunReport, CHECK_GROUPS};

fn cell(c: CoverageCell) -> &'static str {
    match c {
        CoverageCell::Pass => "pass",
        CoverageCell::Fail => "**FAIL**",
        CoverageCell::NotImplemented => "not implemented",
        CoverageCell::NotExercised => "not exercised",
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Render the Markdown report.
pub fn markdown(report: &RunReport) -> String {
    let mut out = String::new();
    let failures = report.failures().count();
    let version = report.target.version.as_deref().unwrap_or("unknown");
    let _ = writeln!(out, "# dxconform report: {version}\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(
        out,
        "| target | {:?} `{}` |",
        report.target.kind, report.target.endpoint
    );
    let _ = writeln!(out, "| target version | {version} |");
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
        "| result | {} failure buckets, {} warnings: **{}** |\n",
        failures,
        report.buckets.len() - failures,
        if failures == 0 {
            "conformant"
        } else {
            "not conformant"
        }
    );
    let _ = writeln!(
        out,
        "Regenerate with `dxconform run{} --seed {} --cases {} --out <dir>`.\n",
        match report.target.kind {
            crate::target::TargetKind::Embedded => "",
            crate::target::TargetKind::Moto => " --target moto",
            _ => " --endpoint <url>",
        },
        report.seed,
        report.config.cases
    );

    let _ = writeln!(out, "## Operations × check groups\n");
    let _ = writeln!(out, "| operation | calls | {} |", CHECK_GROUPS.join(" | "));
    let _ = writeln!(out, "|---|---:|{}", "---|".repeat(CHECK_GROUPS.len()));
    for (op, row) in &report.coverage {
        let calls = report.operations.get(op).map_or(0, |s| s.calls);
        let cells: Vec<&str> = CHECK_GROUPS
            .iter()
            .map(|g| row.get(*g).copied().map_or("", cell))
            .collect();
        let _ = writeln!(out, "| {op} | {calls} | {} |", cells.join(" | "));
    }

    let _ = writeln!(out, "\n## Findings\n");
    if report.buckets.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for (i, b) in report.buckets.iter().enumerate() {
        let sev = if b.severity == Severity::Failure {
            "failure"
        } else {
            "warning"
        };
        let _ = writeln!(
            out,
            "### {}. `{}` on {} at `{}`\n",
            i + 1,
            b.check,
            b.operation,
            b.path
        );
        let _ = writeln!(
            out,
            "- severity: {sev}; basis: {:?}; HTTP {}; seen {} times",
            b.basis, b.status, b.count
        );
        let _ = writeln!(out, "- expected: {}", escape(&b.expected));
        let _ = writeln!(out, "- actual: {}", escape(&b.actual));
        if let Some(r) = &b.repro {
            let sent = r.steps.iter().filter(|s| !s.skipped).count();
            let _ = writeln!(
                out,
                "- minimal sequence: {sent} steps ({})\n",
                if r.reproduced {
                    "reproduced on re-run"
                } else {
                    "flaky: did not reproduce on re-run"
                }
            );
            let _ = writeln!(out, "```text");
            for s in r.steps.iter().filter(|s| !s.skipped) {
                let _ = writeln!(out, "{}", step_line(s));
            }
            let _ = writeln!(out, "```\n");
            if let Some(file) = &r.replay_file {
                let _ = writeln!(out, "Reproduce with `{}`.\n", replay_command(report, file));
            }
        } else {
            let _ = writeln!(out);
        }
    }
    if !report.leaked.is_empty() {
        let _ = writeln!(out, "## Leaked resources\n\n{}", report.leaked.join(", "));
    }
    out
}
