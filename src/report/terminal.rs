//! The terminal summary: findings grouped by check and operation, each with its
//! minimal sequence and a "reproduce with" line.

use std::fmt::Write as _;

use super::replay_command;
use super::reproduction::{sibling_file, CURL_EXTENSION, SCRIPT_EXTENSION};
use crate::check::Severity;
use crate::run::{RunReport, StepRecord};

/// One step of a sequence, on one line.
pub fn step_line(s: &StepRecord) -> String {
    if s.skipped {
        return format!(
            "#{:<2} {:<7} {} (skipped: no such resource in this case)",
            s.index, s.principal, s.operation
        );
    }
    let answer = match &s.error_type {
        Some(t) => format!("{} {t}", s.status),
        None => format!("{} {}", s.status, s.outcome),
    };
    format!(
        "#{:<2} {:<7} {} {} -> {}",
        s.index, s.principal, s.operation, s.request, answer
    )
}

fn target_line(report: &RunReport) -> String {
    let version = report
        .target
        .version
        .as_deref()
        .unwrap_or("version unknown");
    format!(
        "{:?} at {} ({version})",
        report.target.kind, report.target.endpoint
    )
    .to_lowercase()
}

/// The whole summary as text.
pub fn summary(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "dxconform {} against {}, seed {}",
        report.harness.version,
        target_line(report),
        report.seed
    );
    let _ = writeln!(
        out,
        "  {} cases, {} steps ({} skipped), {} requests in {:.1} s",
        report.cases_run,
        report.steps_run,
        report.steps_skipped,
        report.requests,
        report.duration_ms as f64 / 1000.0
    );
    for (op, stats) in &report.operations {
        let outcomes: Vec<String> = stats
            .outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(
            out,
            "  {op:<22} {:>5} calls: {}",
            stats.calls,
            outcomes.join(", ")
        );
    }
    let _ = writeln!(out);
    for b in &report.buckets {
        let label = match b.severity {
            Severity::Failure => "FAIL",
            Severity::Warning => "WARN",
        };
        let _ = writeln!(
            out,
            "{label} {} {} {} (HTTP {}, {}x, basis {:?})",
            b.check, b.operation, b.path, b.status, b.count, b.basis
        );
        let _ = writeln!(out, "     expected: {}", b.expected);
        let _ = writeln!(out, "     actual:   {}", b.actual);
        if let Some(r) = &b.repro {
            let sent = r.steps.iter().filter(|s| !s.skipped).count();
            let _ = writeln!(
                out,
                "     minimal sequence ({sent} steps, {}):",
                if r.reproduced {
                    "reproduced"
                } else {
                    "FLAKY: did not reproduce"
                }
            );
            for s in r.steps.iter().filter(|s| !s.skipped) {
                let _ = writeln!(out, "       {}", step_line(s));
            }
            if let Some(file) = &r.replay_file {
                let _ = writeln!(out, "     reproduce with: {}", replay_command(report, file));
                let _ = writeln!(
                    out,
                    "     or the aws CLI: bash {}; the wire requests: {}",
                    sibling_file(file, SCRIPT_EXTENSION),
                    sibling_file(file, CURL_EXTENSION)
                );
            }
            let _ = writeln!(
                out,
                "     or the whole run: dxconform run --seed {} --cases {}",
                r.seed, report.config.cases
            );
        }
    }
    let failures = report.failures().count();
    let warnings = report.buckets.len() - failures;
    if !report.leaked.is_empty() {
        let _ = writeln!(
            out,
            "LEAKED {} resources could not be deleted: {}",
            report.leaked.len(),
            report.leaked.join(", ")
        );
    }
    let verdict = if failures == 0 {
        "conformant"
    } else {
        "not conformant"
    };
    let _ = writeln!(
        out,
        "result: {failures} failures, {warnings} warnings: {verdict}"
    );
    out
}
