//! Baselines: a committed file of the root causes a maintainer knows about, so a
//! run fails only on new ones (`dxconform run --baseline FILE`).
//!
//! Entries are keyed by the root cause's stable key (`run::RootCause::key`: the
//! grouping rule and what it grouped by, never a seed, a case or an id), so
//! another seed, a reordered run or a newly modelled operation finds the same
//! keys. A key an earlier harness version used is mapped to the key that replaced
//! it (`run::RETIRED_KEYS`), so an older baseline still matches.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::check::Severity;
use crate::run::{current_key, BaselineStatus, BaselineSummary, RunReport};

/// Version of the baseline file format (bumped on incompatible changes).
pub const BASELINE_FORMAT: u32 = 1;

/// The reason `--baseline-update` gives a root cause it adds (the maintainer
/// replaces it with why the defect is accepted for now).
pub const UNTRIAGED_REASON: &str = "not yet triaged (added by --baseline-update)";

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_FORMAT`].
    pub format: u32,
    /// The known root causes by key.
    #[serde(default)]
    pub entries: BTreeMap<String, BaselineEntry>,
}

/// One known root cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The root cause's title when it was last seen (for the reader; keys match).
    #[serde(default)]
    pub title: String,
    /// Why it is accepted for now (a ticket, an upstream issue, a decision).
    pub reason: String,
    /// The day (UTC, `YYYY-MM-DD`) a run first recorded it.
    pub first_seen: String,
    /// The day of the latest run (with `--baseline-update`) that saw it.
    pub last_seen: String,
    /// The last day it counts as known (`YYYY-MM-DD`); after it, it fails the run
    /// like a new root cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file cannot be read.
    #[error("cannot read the baseline {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a baseline.
    #[error("{path} is not a dxconform baseline: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file cannot be written.
    #[error("cannot write the baseline {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The UTC day (`YYYY-MM-DD`) of epoch seconds.
pub fn day_of(epoch_secs: u64) -> String {
    super::utc_datetime(epoch_secs)[..10].to_owned()
}

/// Today (UTC, `YYYY-MM-DD`).
pub fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    day_of(now)
}

/// Whether `text` is a day as baselines write them (`2026-12-31`).
fn is_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
        && matches!(text[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(text[8..10].parse::<u8>(), Ok(1..=31))
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            format: BASELINE_FORMAT,
            entries: BTreeMap::new(),
        }
    }
}

impl Baseline {
    /// Parse a baseline file's text (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let bad = |reason: String| BaselineError::Parse {
            path: path.to_owned(),
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            Some(f) if f == u64::from(BASELINE_FORMAT) => {}
            Some(f) => return Err(bad(format!("format {f}, expected {BASELINE_FORMAT}"))),
            None => return Err(bad(format!("no \"format\": {BASELINE_FORMAT} member"))),
        }
        let baseline: Baseline = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        for (key, entry) in &baseline.entries {
            let days = [
                ("first_seen", Some(&entry.first_seen)),
                ("last_seen", Some(&entry.last_seen)),
                ("expires", entry.expires.as_ref()),
            ];
            for (field, day) in days {
                if let Some(day) = day.filter(|d| !is_day(d)) {
                    return Err(bad(format!(
                        "entry {key:?}: {field} {day:?} is not a day (YYYY-MM-DD)"
                    )));
                }
            }
        }
        Ok(baseline)
    }

    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        Baseline::parse(&text, path)
    }

    /// Read a baseline file, or an empty baseline when there is none yet (what
    /// `--baseline-update` starts from).
    pub fn load_or_empty(path: &Path) -> Result<Baseline, BaselineError> {
        if path.exists() {
            Baseline::load(path)
        } else {
            Ok(Baseline::default())
        }
    }

    /// Write the file (pretty JSON, entries sorted by key: a stable diff).
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| BaselineError::Parse {
            path: path.to_owned(),
            reason: e.to_string(),
        })? + "\n";
        super::files::write_creating_folder(path, &text)
            .map_err(|(path, source)| BaselineError::Write { path, source })
    }

    /// The entries that stand for root-cause key `key` (of this harness version):
    /// its own, and those of keys it replaced.
    fn entries_for<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a BaselineEntry> + 'a {
        self.entries
            .iter()
            .filter(move |(k, _)| current_key(k) == key)
            .map(|(_, e)| e)
    }

    /// What the baseline says of root cause `key` on day `today`.
    pub fn status(&self, key: &str, today: &str) -> BaselineStatus {
        let mut entries = self.entries_for(key).peekable();
        if entries.peek().is_none() {
            return BaselineStatus::New;
        }
        // Two old keys merged into one: known while any of them is.
        if entries.any(|e| e.expires.as_deref().is_none_or(|last| last >= today)) {
            BaselineStatus::Known
        } else {
            BaselineStatus::Expired
        }
    }

    /// The (current) keys of the root causes known and unexpired on `today`: those
    /// `--max-failures` does not count.
    pub fn known_keys(&self, today: &str) -> BTreeSet<String> {
        self.entries
            .keys()
            .map(|k| current_key(k))
            .filter(|k| self.status(k, today) == BaselineStatus::Known)
            .map(str::to_owned)
            .collect()
    }

    /// Mark each failing root cause of `report` known, new or expired (on the day
    /// the run started) and add the summary; `file` names the baseline in it.
    pub fn judge(&self, report: &mut RunReport, file: &str) {
        let today = day_of(report.started_at);
        let mut summary = BaselineSummary {
            file: file.to_owned(),
            ..BaselineSummary::default()
        };
        for cause in &mut report.root_causes {
            if cause.severity != Severity::Failure {
                cause.baseline = None;
                continue;
            }
            let status = self.status(&cause.key, &today);
            cause.baseline = Some(status);
            match status {
                BaselineStatus::Known => &mut summary.known,
                BaselineStatus::New => &mut summary.new,
                BaselineStatus::Expired => &mut summary.expired,
            }
            .push(cause.key.clone());
        }
        let seen: BTreeSet<&str> = report.root_causes.iter().map(|c| c.key.as_str()).collect();
        summary.fixed = self
            .entries
            .keys()
            .filter(|k| !seen.contains(current_key(k)))
            .cloned()
            .collect();
        report.baseline = Some(summary);
    }

    /// The baseline refreshed from `report`: every failing root cause listed under
    /// its current key (kept entries keep their reason, first day and expiry; the
    /// last day becomes the run's), new ones added with [`UNTRIAGED_REASON`].
    /// Entries the run did not see are dropped when the run looked everywhere it
    /// would (complete, not stopped early, not one share of a partitioned run),
    /// and kept otherwise.
    pub fn updated(&self, report: &RunReport) -> Baseline {
        let today = day_of(report.started_at);
        let mut entries = BTreeMap::new();
        for cause in report
            .root_causes
            .iter()
            .filter(|c| c.severity == Severity::Failure)
        {
            let known: Vec<&BaselineEntry> = self.entries_for(&cause.key).collect();
            let entry = match known.first() {
                Some(first) => BaselineEntry {
                    title: cause.title.clone(),
                    reason: first.reason.clone(),
                    first_seen: known
                        .iter()
                        .map(|e| e.first_seen.clone())
                        .min()
                        .unwrap_or_else(|| today.clone()),
                    last_seen: today.clone(),
                    expires: first.expires.clone(),
                },
                None => BaselineEntry {
                    title: cause.title.clone(),
                    reason: UNTRIAGED_REASON.to_owned(),
                    first_seen: today.clone(),
                    last_seen: today.clone(),
                    expires: None,
                },
            };
            entries.insert(cause.key.clone(), entry);
        }
        let looked_everywhere = report.complete()
            && report.config.partition.is_none()
            && report.budget.as_ref().is_none_or(|b| b.stopped.is_none());
        if !looked_everywhere {
            for (key, entry) in &self.entries {
                entries
                    .entry(current_key(key).to_owned())
                    .or_insert_with(|| entry.clone());
            }
        }
        Baseline {
            format: BASELINE_FORMAT,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    fn entry(expires: Option<&str>) -> BaselineEntry {
        BaselineEntry {
            title: "t".to_owned(),
            reason: "upstream issue 1".to_owned(),
            first_seen: "2026-01-02".to_owned(),
            last_seen: "2026-01-03".to_owned(),
            expires: expires.map(str::to_owned),
        }
    }

    fn failing_keys(report: &RunReport) -> Vec<String> {
        report
            .root_causes
            .iter()
            .filter(|c| c.severity == Severity::Failure)
            .map(|c| c.key.clone())
            .collect()
    }

    #[test]
    fn known_unexpired_root_causes_pass_and_new_or_expired_ones_fail() {
        let mut report = sample_report();
        let keys = failing_keys(&report);
        assert!(!keys.is_empty());
        assert!(!report.passes());
        let mut baseline = Baseline::default();
        for key in &keys {
            baseline.entries.insert(key.clone(), entry(None));
        }
        baseline
            .entries
            .insert("wrong-type:gone:string".to_owned(), entry(None));
        baseline.judge(&mut report, "b.json");
        assert!(report.passes());
        let summary = report.baseline.clone().unwrap();
        assert_eq!(summary.known, keys);
        assert!(summary.new.is_empty());
        assert_eq!(summary.fixed, ["wrong-type:gone:string"]);

        // One entry removed: that root cause is new and fails the run.
        let removed = keys[0].clone();
        baseline.entries.remove(&removed);
        baseline.judge(&mut report, "b.json");
        assert!(!report.passes());
        assert_eq!(report.baseline.as_ref().unwrap().new, vec![removed.clone()]);
        let blocking: Vec<&str> = report
            .blocking_root_causes()
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(blocking, [removed.as_str()]);

        // Expired the day before the run: fails like a new one; on its last day it is known.
        let run_day = day_of(report.started_at);
        baseline
            .entries
            .insert(removed.clone(), entry(Some("2000-01-01")));
        baseline.judge(&mut report, "b.json");
        assert!(!report.passes());
        assert_eq!(
            report.baseline.as_ref().unwrap().expired,
            vec![removed.clone()]
        );
        baseline
            .entries
            .insert(removed.clone(), entry(Some(&run_day)));
        baseline.judge(&mut report, "b.json");
        assert!(report.passes());
    }

    #[test]
    fn a_key_an_earlier_harness_used_still_matches() {
        let mut baseline = Baseline::default();
        baseline
            .entries
            .insert("model.unique:lagId".to_owned(), entry(None));
        assert_eq!(
            baseline.status("ids-collide", "2026-06-01"),
            BaselineStatus::Known
        );
        assert!(baseline.known_keys("2026-06-01").contains("ids-collide"));
        // Every retired key maps to a key of this version, never to another retired one.
        for (old, new) in crate::run::RETIRED_KEYS {
            assert_ne!(old, new);
            assert_eq!(current_key(new), *new, "{new} is itself retired");
        }
    }

    #[test]
    fn an_update_keeps_reasons_adds_new_ones_and_prunes_fixed_ones() {
        let report = sample_report();
        let keys = failing_keys(&report);
        let mut old = Baseline::default();
        old.entries
            .insert(keys[0].clone(), entry(Some("2030-01-01")));
        old.entries.insert("pattern:gone".to_owned(), entry(None));
        let updated = old.updated(&report);
        assert_eq!(updated.entries.keys().cloned().collect::<Vec<_>>(), {
            let mut k = keys.clone();
            k.sort();
            k
        });
        let kept = &updated.entries[&keys[0]];
        assert_eq!(kept.reason, "upstream issue 1");
        assert_eq!(kept.first_seen, "2026-01-02");
        assert_eq!(kept.last_seen, day_of(report.started_at));
        assert_eq!(kept.expires.as_deref(), Some("2030-01-01"));
        for key in &keys[1..] {
            assert_eq!(updated.entries[key].reason, UNTRIAGED_REASON);
        }
        // A share of a partitioned run did not look everywhere: nothing is pruned.
        let mut share = report.clone();
        share.config.partition = Some("1/2".parse().unwrap());
        assert!(old.updated(&share).entries.contains_key("pattern:gone"));
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let path = Path::new("b.json");
        let err = |text: &str| Baseline::parse(text, path).unwrap_err().to_string();
        assert!(err("{").contains("not a dxconform baseline"));
        assert!(err(r#"{"entries": {}}"#).contains("no \"format\": 1"));
        assert!(err(r#"{"format": 2, "entries": {}}"#).contains("format 2, expected 1"));
        let bad_day = r#"{"format": 1, "entries": {"k": {"reason": "r", "first_seen": "2026-1-2", "last_seen": "2026-01-02"}}}"#;
        assert!(err(bad_day).contains("first_seen \"2026-1-2\" is not a day"));
        let (_dir, file) = crate::report::test_support::scratch_path("baseline.json");
        let mut baseline = Baseline::default();
        baseline
            .entries
            .insert("k".to_owned(), entry(Some("2026-12-31")));
        baseline.save(&file).unwrap();
        assert_eq!(Baseline::load(&file).unwrap(), baseline);
    }
}
