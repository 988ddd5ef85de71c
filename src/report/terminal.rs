//! The terminal summary: findings grouped by check and operation, each with its
//! minimal sequence and a "reproduce with" line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::findings::ReplayFiles;
use super::replay_command;
use super::root_causes::{
    baseline_line, baseline_mark, cause_number, cause_section, operations_text, severity_label,
    shortest_repro,
};
use crate::run::{Repro, RootCause, RunReport, StepRecord};

/// What a plain-text report says around a minimal sequence, where the terminal
/// summary and a JUnit failure body word it differently.
pub(super) struct SequenceWords {
    /// Indent of the header and reproduction lines (steps are two spaces deeper).
    pub indent: &'static str,
    /// The header, given the steps sent and the re-run's verdict
    /// (`reproduced` or `FLAKY: did not reproduce`).
    pub header: fn(usize, &str) -> String,
    /// The line after the replay command naming the aws CLI script and curl transcript.
    pub alternatives: fn(&ReplayFiles) -> String,
}

const TERMINAL_SEQUENCE: SequenceWords = SequenceWords {
    indent: "     ",
    header: |sent, verdict| format!("minimal sequence ({sent} steps, {verdict}):"),
    alternatives: |files| {
        format!(
            "or the aws CLI: bash {}; pytest: {}; the wire requests: {}",
            files.script, files.pytest, files.curl
        )
    },
};

/// A minimal sequence: its header, the steps sent, and the ways to run it again.
pub(super) fn sequence_text(
    out: &mut String,
    report: &RunReport,
    r: &Repro,
    words: &SequenceWords,
) {
    let indent = words.indent;
    let verdict = if r.reproduced {
        "reproduced"
    } else {
        "FLAKY: did not reproduce"
    };
    let _ = writeln!(
        out,
        "{indent}{}",
        (words.header)(r.sent_steps().count(), verdict)
    );
    if let Some(note) = r.shrink.note() {
        let _ = writeln!(out, "{indent}NOTE: {note}");
    }
    for s in r.sent_steps() {
        let _ = writeln!(out, "{indent}  {}", step_line(s));
    }
    if let Some(file) = &r.replay_file {
        let files = ReplayFiles::of(report, file);
        let _ = writeln!(out, "{indent}reproduce with: {}", files.command);
        let _ = writeln!(out, "{indent}{}", (words.alternatives)(&files));
    }
}

/// One step of a sequence, on one line.
pub fn step_line(s: &StepRecord) -> String {
    if s.skipped {
        return format!(
            "#{:<2} {:<7} {} (skipped: {})",
            s.index,
            s.principal,
            s.operation,
            s.skip_reason
                .as_deref()
                .unwrap_or("no such resource in this case")
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

/// The one line saying which waits were decided after one poll, and why.
fn shortened_line(report: &RunReport) -> Option<String> {
    let repeats: Vec<String> = report
        .shortened_waits
        .iter()
        .filter(|s| s.reason == crate::run::ShortenReason::Repeat)
        .map(|s| {
            format!(
                "{} {} ×{} (as first seen in {})",
                s.kind,
                s.state,
                s.count,
                s.first.place()
            )
        })
        .collect();
    let in_case: u64 = report
        .shortened_waits
        .iter()
        .filter(|s| s.reason == crate::run::ShortenReason::CaseTimedOut)
        .map(|s| s.count)
        .sum();
    if repeats.is_empty() && in_case == 0 {
        return None;
    }
    let total: u64 = report.shortened_waits.iter().map(|s| s.count).sum();
    let mut line =
        format!("shortened waits: {total} decided after one poll by what the run had already seen");
    if !repeats.is_empty() {
        line.push_str(&format!(": {}", repeats.join("; ")));
    }
    if in_case > 0 {
        line.push_str(&format!(
            "; {in_case} in cases whose earlier wait had already timed out"
        ));
    }
    Some(line)
}

/// What a run against a slow, throttling target did besides checking: waits for
/// asynchronous states, retries and throttles, and its budgets, after the line of
/// an interrupted run (shared by the terminal, Markdown and HTML reports). Empty
/// when there was nothing of the kind.
pub fn nightly_lines(report: &RunReport) -> Vec<String> {
    let mut lines: Vec<String> = interrupted_line(report).into_iter().collect();
    lines.extend(baseline_line(report));
    let unshrunk = report
        .buckets
        .iter()
        .filter_map(|b| b.repro.as_ref())
        .filter(|r| r.shrink != crate::run::ShrinkStatus::Complete)
        .count();
    if unshrunk > 0 {
        lines.push(format!(
            "shrinking: {unshrunk} reproduction{} not fully shrunk (see each finding; --shrink-budget, --no-shrink)",
            if unshrunk == 1 { " is" } else { "s are" }
        ));
    }
    let w = &report.waits;
    if w.waits > 0 {
        lines.push(format!(
            "waits: {} for asynchronous states ({} settled, {} timed out), {} polls, {:.1} s waited (longest {:.1} s)",
            w.waits,
            w.settled,
            w.timed_out,
            w.polls,
            w.total_wait_ms as f64 / 1000.0,
            w.longest_wait_ms as f64 / 1000.0
        ));
    }
    if let Some(line) = shortened_line(report) {
        lines.push(line);
    }
    let r = &report.wire;
    if r.retries > 0 || r.throttles > 0 || r.server_errors > 0 || r.rate_delay_ms > 0 {
        lines.push(format!(
            "retries: {} ({} throttles, {} server errors, {} gave up), {:.1} s backing off, {:.1} s held by the client-side rate",
            r.retries,
            r.throttles,
            r.server_errors,
            r.gave_up,
            r.retry_delay_ms as f64 / 1000.0,
            r.rate_delay_ms as f64 / 1000.0
        ));
    }
    if let Some(b) = &report.budget {
        let mut line = match &b.stopped {
            Some(stop) => format!(
                "budget: {} stopped the run after {:.1} s: {}",
                stop.budget,
                stop.after_ms as f64 / 1000.0,
                stop.reason
            ),
            None => "budget: no cap ended the run".to_owned(),
        };
        let skipped: u64 = b.skipped_creates.values().sum();
        if skipped > 0 {
            let reasons = joined(&b.skipped_creates, " ×");
            let _ = write!(line, "; {skipped} creates skipped ({reasons})");
        }
        if !b.peak_live.is_empty() {
            let peaks = joined(&b.peak_live, " ");
            let _ = write!(line, "; most live at once: {peaks}");
        }
        lines.push(line);
    }
    lines
}

/// What an interrupted run's report says first: it is incomplete, by what, and
/// what the cleanup left.
fn interrupted_line(report: &RunReport) -> Option<String> {
    let i = report.interrupted.as_ref()?;
    let by = i
        .signal
        .map_or_else(|| "its caller".to_owned(), |s| s.to_string());
    let mut line = format!(
        "INTERRUPTED by {by} after {:.1} s: incomplete report, with the findings of the {} cases run",
        i.after_ms as f64 / 1000.0,
        report.cases_run
    );
    if let Some(swept) = &i.swept {
        if swept.left == 0 && swept.errors.is_empty() {
            let _ = write!(line, "; deleted what run {} created", swept.run_id);
        } else {
            let _ = write!(
                line,
                "; {} resources of run {} are left (dxconform sweep)",
                swept.left, swept.run_id
            );
        }
    }
    Some(line)
}

/// `key{between}value` for each entry of `counts`, comma-separated.
fn joined<V: std::fmt::Display>(counts: &BTreeMap<String, V>, between: &str) -> String {
    let entries: Vec<String> = counts
        .iter()
        .map(|(key, n)| format!("{key}{between}{n}"))
        .collect();
    entries.join(", ")
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
    root_cause_lines(report, &mut out);
    for b in &report.buckets {
        let label = severity_label(b.severity);
        let cause =
            cause_number(report, b).map_or_else(String::new, |n| format!(", root cause {n}"));
        let _ = writeln!(
            out,
            "{label} {} {} {} (HTTP {}, {}x, basis {:?}{cause})",
            b.check, b.operation, b.path, b.status, b.count, b.basis
        );
        let _ = writeln!(out, "     expected: {}", b.expected);
        let _ = writeln!(out, "     actual:   {}", b.actual);
        if let Some(r) = &b.repro {
            sequence_text(&mut out, report, r, &TERMINAL_SEQUENCE);
            let _ = writeln!(
                out,
                "     or the whole run: dxconform run --seed {} --cases {}",
                r.seed, report.config.cases
            );
        }
    }
    let failures = report.failures().count();
    let warnings = report.buckets.len() - failures;
    for line in nightly_lines(report) {
        let _ = writeln!(out, "{line}");
    }
    if !report.leaked.is_empty() {
        let _ = writeln!(
            out,
            "LEAKED {} resources could not be deleted: {}",
            report.leaked.len(),
            report.leaked.join(", ")
        );
    }
    let verdict = match (&report.interrupted, failures) {
        (Some(_), 0) => "incomplete (interrupted), no failure so far",
        (Some(_), _) => "not conformant (interrupted: incomplete)",
        (None, 0) => "conformant",
        (None, _) => "not conformant",
    };
    let causes = report.failing_root_causes();
    let against_baseline = report.baseline.as_ref().map_or_else(String::new, |b| {
        let blocking = report.blocking_root_causes().count();
        if b.updated {
            "; the baseline now lists every failing root cause".to_owned()
        } else if blocking == 0 {
            "; every failing root cause is known to the baseline: passes".to_owned()
        } else {
            format!(
                "; {blocking} new or expired root cause{} fail the run",
                if blocking == 1 { "" } else { "s" }
            )
        }
    });
    let _ = writeln!(
        out,
        "result: {failures} failures, {warnings} warnings: {verdict}{}{against_baseline}",
        if failures > 0 {
            format!(
                " ({causes} root cause{})",
                if causes == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    out
}

/// The root causes, before the buckets they explain: what there is to fix, and
/// where to start.
fn root_cause_lines(report: &RunReport, out: &mut String) {
    let heading = |causes, buckets| {
        format!("ROOT CAUSES: {causes} explain the {buckets} buckets below (docs/root-causes.md)\n")
    };
    let row = |out: &mut String, number: usize, cause: &RootCause| {
        let mark = baseline_mark(cause).map_or_else(String::new, |m| format!(" ({m})"));
        let _ = writeln!(
            out,
            "{:>3}. {}{mark} {} [{}]",
            number,
            severity_label(cause.severity),
            cause.title,
            cause.key
        );
        let _ = writeln!(
            out,
            "       {} bucket{}, {} occurrences, on {}",
            cause.buckets.len(),
            if cause.buckets.len() == 1 { "" } else { "s" },
            cause.count,
            operations_text(cause, 4)
        );
        if let Some(repro) = shortest_repro(report, cause) {
            let sent = repro.sent_steps().count();
            match &repro.replay_file {
                Some(file) => {
                    let _ = writeln!(
                        out,
                        "       shortest reproduction ({sent} step{}): {}",
                        if sent == 1 { "" } else { "s" },
                        replay_command(report, file)
                    );
                }
                None => {
                    let _ = writeln!(out, "       shortest reproduction: {sent} steps");
                }
            }
        }
    };
    cause_section(out, report, heading, row, "\n");
}
