//! What every renderer says of a root cause: its label, the operations it shows
//! at, and the reproduction that stands for it (the shortest among its buckets).

use crate::check::Severity;
use crate::run::{BaselineStatus, Bucket, BucketRef, Repro, RootCause, RunReport};

/// `FAIL` or `WARN`.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Failure => "FAIL",
        Severity::Warning => "WARN",
    }
}

/// What a baseline made of a root cause, as every renderer marks it: `NEW`,
/// `known`, `EXPIRED` (none without a baseline, and for warnings).
pub fn baseline_mark(cause: &RootCause) -> Option<&'static str> {
    cause.baseline.map(|status| match status {
        BaselineStatus::Known => "known",
        BaselineStatus::New => "NEW",
        BaselineStatus::Expired => "EXPIRED",
    })
}

/// The line every people-facing report gives a run judged against a baseline.
pub fn baseline_line(report: &RunReport) -> Option<String> {
    let b = report.baseline.as_ref()?;
    let mut line = format!(
        "baseline {}: {} known, {} new, {} expired, {} fixed",
        b.file,
        b.known.len(),
        b.new.len(),
        b.expired.len(),
        b.fixed.len()
    );
    if !b.new.is_empty() {
        line.push_str(&format!("; NEW: {}", b.new.join(", ")));
    }
    if !b.expired.is_empty() {
        line.push_str(&format!("; EXPIRED: {}", b.expired.join(", ")));
    }
    if !b.fixed.is_empty() {
        line.push_str(&format!(
            "; no longer seen (prune with --baseline-update): {}",
            b.fixed.join(", ")
        ));
    }
    if b.updated {
        line.push_str("; the file was updated from this run");
    }
    Some(line)
}

/// The root-cause section of a report: nothing when the run found no root cause;
/// else `heading` (given how many root causes explain how many findings), `row` for
/// each cause with its number (from 1, in report order: what the findings refer to),
/// and `closing`.
pub fn cause_section(
    out: &mut String,
    report: &RunReport,
    heading: impl FnOnce(usize, usize) -> String,
    mut row: impl FnMut(&mut String, usize, &RootCause),
    closing: &str,
) {
    if report.root_causes.is_empty() {
        return;
    }
    out.push_str(&heading(report.root_causes.len(), report.buckets.len()));
    for (n, cause) in report.root_causes.iter().enumerate() {
        row(out, n + 1, cause);
    }
    out.push_str(closing);
}

/// The bucket a reference names.
pub fn bucket_of<'a>(report: &'a RunReport, reference: &BucketRef) -> Option<&'a Bucket> {
    report.buckets.iter().find(|b| reference.names(b))
}

/// The findings `cause` explains, by their 1-based numbers in report order.
pub fn finding_numbers(report: &RunReport, cause: &RootCause) -> Vec<usize> {
    cause
        .buckets
        .iter()
        .filter_map(|r| number_of(&report.buckets, |b| r.names(b)))
        .collect()
}

/// The 1-based number (as every report counts findings and root causes) of the
/// first of `items` that `is` picks.
fn number_of<T>(items: &[T], is: impl Fn(&T) -> bool) -> Option<usize> {
    items.iter().position(is).map(|at| at + 1)
}

/// The reproduction that stands for `cause`: its shortest bucket's.
pub fn shortest_repro<'a>(report: &'a RunReport, cause: &RootCause) -> Option<&'a Repro> {
    cause
        .shortest
        .as_ref()
        .and_then(|b| bucket_of(report, b))
        .and_then(|b| b.repro.as_ref())
}

/// The replay file of the reproduction that stands for `cause`, if it was saved.
pub fn shortest_replay_file<'a>(report: &'a RunReport, cause: &RootCause) -> Option<&'a str> {
    shortest_repro(report, cause).and_then(|r| r.replay_file.as_deref())
}

/// The operations of a root cause, at most `most` named (`A, B, C and 4 more`).
pub fn operations_text(cause: &RootCause, most: usize) -> String {
    let named: Vec<&str> = cause
        .operations
        .iter()
        .take(most)
        .map(String::as_str)
        .collect();
    let rest = cause.operations.len().saturating_sub(most);
    if rest == 0 {
        named.join(", ")
    } else {
        format!("{} and {rest} more", named.join(", "))
    }
}

/// Whether a bucket's root cause is one the run's baseline knows (and has not
/// expired): such a failure does not fail the run.
pub fn known_to_baseline(report: &RunReport, bucket: &Bucket) -> bool {
    report
        .root_causes
        .iter()
        .find(|c| c.buckets.iter().any(|r| r.names(bucket)))
        .is_some_and(|c| c.baseline == Some(BaselineStatus::Known))
}

/// The root cause a bucket belongs to (its 1-based number in report order).
pub fn cause_number(report: &RunReport, bucket: &Bucket) -> Option<usize> {
    number_of(&report.root_causes, |c| {
        c.buckets.iter().any(|r| r.names(bucket))
    })
}

#[cfg(test)]
mod tests {
    use crate::report::test_support::{sample_report, scratch_path};

    #[test]
    fn every_format_leads_with_the_root_causes() {
        let report = sample_report();
        assert!(!report.root_causes.is_empty());
        let first = &report.root_causes[0];
        let before = |text: &str, a: &str, b: &str| {
            let (x, y) = (text.find(a), text.find(b));
            assert!(
                x.is_some() && y.is_some() && x < y,
                "{a:?} not before {b:?}:\n{text}"
            );
        };
        let terminal = crate::report::summary(&report);
        before(&terminal, "ROOT CAUSES:", "FAIL model.state");
        assert!(terminal.contains(&first.title), "{terminal}");
        assert!(
            terminal.contains("root cause 1)"),
            "each bucket names its root cause:\n{terminal}"
        );
        let markdown = crate::report::markdown(&report);
        before(&markdown, "## Root causes", "## Findings");
        assert!(markdown.contains(&format!("`{}`", first.key)));
        let html = crate::report::html(&report);
        before(&html, "id=\"root-causes\"", "id=\"findings\"");
        let junit = crate::report::junit(&report);
        before(
            &junit,
            "root causes\" tests=",
            "classname=\"dxconform.CreateConnection\"",
        );
        assert!(junit.contains("type=\"dxconform.root-cause\""));
    }

    #[test]
    fn a_report_without_root_causes_gets_them_when_loaded() {
        let mut report = sample_report();
        report.root_causes.clear();
        let (_dir, path) = scratch_path("report.json");
        std::fs::write(&path, serde_json::to_string(&report).unwrap()).unwrap();
        let loaded = crate::report::load_report(&path).unwrap();
        assert_eq!(loaded.root_causes, sample_report().root_causes);
    }
}
