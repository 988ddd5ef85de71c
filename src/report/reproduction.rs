//! What the three forms of a reproduction share: which buckets a shrunk plan
//! stands for, where its files sit, and what the target must be to run them.

use crate::check::Finding;
use crate::run::{Bucket, Repro, RunReport};
use crate::target::TargetKind;

/// Buckets reproduced by the same minimal plan (same search round), in report order.
pub fn repro_buckets<'a>(report: &'a RunReport, repro: &Repro) -> Vec<&'a Bucket> {
    report
        .buckets
        .iter()
        .filter(|b| b.repro.as_ref().is_some_and(|r| r.round == repro.round))
        .collect()
}

/// A bucket as a reproduction's comments name it:
/// `model.state on CreateConnection at $.connectionState (HTTP 200)`.
pub fn bucket_title(b: &Bucket) -> String {
    format!(
        "{} on {} at {} (HTTP {})",
        b.check, b.operation, b.path, b.status
    )
}

/// The file beside a replay file with another extension:
/// `replays/001-x.json` → `replays/001-x.sh`.
pub fn sibling_file(replay_file: &str, extension: &str) -> String {
    let stem = replay_file.strip_suffix(".json").unwrap_or(replay_file);
    format!("{stem}.{extension}")
}

/// Extension of the aws CLI script.
pub const SCRIPT_EXTENSION: &str = "sh";
/// Extension of the curl transcript.
pub const CURL_EXTENSION: &str = "curl.txt";

/// Findings of the re-run at step `index`.
pub fn step_findings(repro: &Repro, index: usize) -> impl Iterator<Item = &Finding> {
    repro.findings.iter().filter(move |f| f.step == index)
}

/// Whether `finding` belongs to `bucket`.
pub fn finding_in_bucket(finding: &Finding, bucket: &Bucket) -> bool {
    finding.key() == bucket.key()
}

/// One line of text: newlines folded, so it fits a comment or a table cell.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// The endpoint a reproduction uses by default, and how to start that target,
/// when the run's own endpoint was an ephemeral port of a process now gone.
pub fn default_endpoint(report: &RunReport) -> (Option<String>, Option<String>) {
    match report.target.kind {
        TargetKind::Embedded => (
            Some("http://127.0.0.1:4566".to_owned()),
            Some("dxconform serve --port 4566".to_owned()),
        ),
        TargetKind::Moto => (
            Some("http://127.0.0.1:5000".to_owned()),
            Some(format!(
                "moto_server -p 5000  # {}",
                report.target.version.as_deref().unwrap_or("moto")
            )),
        ),
        TargetKind::Url => (Some(report.target.endpoint.clone()), None),
        TargetKind::Aws => (None, None),
    }
}

/// The URL path that resets the target, for kinds that have one.
pub fn reset_path(report: &RunReport) -> Option<&'static str> {
    match report.target.kind {
        TargetKind::Embedded => Some("/dxconform/reset"),
        TargetKind::Moto => Some("/moto-api/reset"),
        TargetKind::Url | TargetKind::Aws => None,
    }
}

/// Append fixed lines, each with its newline: the constant text of a script.
pub fn push_lines(out: &mut String, lines: &[&str]) {
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
}

/// Where a minimal sequence was found: `moto 5.2.6 (seed 7, round 3)`.
pub fn found_on(report: &RunReport, repro: &Repro) -> String {
    format!(
        "{} (seed {}, round {})",
        target_name(report),
        repro.seed,
        repro.round
    )
}

/// How many steps a reproduction sends, in words: `1 step`, `3 steps`.
pub fn steps_sent(repro: &Repro) -> String {
    let n = repro.steps.iter().filter(|s| !s.skipped).count();
    format!("{n} step{}", if n == 1 { "" } else { "s" })
}

/// A short name of the target (`moto 5.2.5`, `embedded`).
pub fn target_name(report: &RunReport) -> String {
    report.target.version.clone().unwrap_or_else(|| {
        format!(
            "{:?} target at {}",
            report.target.kind, report.target.endpoint
        )
        .to_lowercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn siblings_and_buckets_of_a_reproduction() {
        assert_eq!(
            sibling_file(
                "replays/001-model.state-CreateConnection.json",
                CURL_EXTENSION
            ),
            "replays/001-model.state-CreateConnection.curl.txt"
        );
        let report = sample_report();
        let repro = report.buckets[0].repro.as_ref().unwrap();
        assert_eq!(repro_buckets(&report, repro).len(), 1);
        assert_eq!(step_findings(repro, 0).count(), 1);
        assert_eq!(step_findings(repro, 1).count(), 0);
        assert_eq!(reset_path(&report), Some("/moto-api/reset"));
        assert_eq!(target_name(&report), "moto 5.2.5");
    }
}
