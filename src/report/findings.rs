//! What the Markdown and HTML reports show of each finding: worked out once here
//! (numbering, severity, basis, which reproduction it shares, its minimal
//! sequence and the three ways to reproduce it), so the two renderers differ only
//! in markup.

use std::collections::BTreeMap;

use super::awscli::aws_cli_script;
use super::curl::curl_transcript;
use super::files::replay_command;
use super::pytest::PYTEST_EXTENSION;
use super::reproduction::{sibling_file, CURL_EXTENSION, SCRIPT_EXTENSION};
use super::terminal::step_line;
use crate::check::Severity;
use crate::run::{Bucket, RunReport};

/// One finding (a bucket) as the people-facing reports show it.
pub struct Finding<'a> {
    /// Its 1-based number in report order (what root causes and links refer to).
    pub number: usize,
    /// The bucket.
    pub bucket: &'a Bucket,
    /// `failure` or `warning`.
    pub severity: &'static str,
    /// The basis of the expectation, lower case.
    pub basis: String,
    /// How to reproduce it.
    pub reproduction: Reproduction,
}

/// How a finding is reproduced.
pub enum Reproduction {
    /// No minimal sequence: the bucket was seen alongside another failure's.
    None,
    /// The same minimal sequence as the finding with this number (several buckets
    /// may share one shrunk plan: it is shown once).
    SameAs(usize),
    /// Its own minimal sequence.
    Minimal(Sequence),
}

/// How a report words a finding whose reproduction is absent or shown at another
/// finding, where Markdown and HTML differ.
pub struct ReproductionWords {
    /// What follows a finding with no minimal sequence.
    pub none: &'static str,
    /// What follows a finding sharing the minimal sequence of finding `first`.
    pub same_as: fn(first: usize) -> String,
}

impl Finding<'_> {
    /// The finding's own minimal sequence, to be shown with it; for a reproduction
    /// that is absent or shown at another finding, `words` say so and there is none.
    pub fn own_sequence(&self, out: &mut String, words: &ReproductionWords) -> Option<&Sequence> {
        match &self.reproduction {
            Reproduction::None => {
                out.push_str(words.none);
                None
            }
            Reproduction::SameAs(first) => {
                out.push_str(&(words.same_as)(*first));
                None
            }
            Reproduction::Minimal(sequence) => Some(sequence),
        }
    }
}

/// A minimal sequence and the ways to run it again.
pub struct Sequence {
    /// The steps that were sent, one line each.
    pub sent: Vec<String>,
    /// Whether the re-run after shrinking showed the bucket again, in words.
    pub reproduced: &'static str,
    /// The replay file's command and sibling files, when the replay was saved.
    pub files: Option<ReplayFiles>,
    /// What the report says of a sequence not shrunk to the end (none when it was).
    pub shrink_note: Option<&'static str>,
    /// The aws CLI script.
    pub aws_cli: String,
    /// The curl transcript of the wire requests and answers.
    pub curl: String,
}

impl Sequence {
    /// What every report says of the sequence: `3 steps (reproduced on re-run)`, with
    /// the shrink note, when there is one, marked up by `note`.
    pub fn summary(&self, note: impl Fn(&str) -> String) -> String {
        format!(
            "{} steps ({}{})",
            self.sent.len(),
            self.reproduced,
            self.shrink_note
                .map_or_else(String::new, |n| format!("; {}", note(n)))
        )
    }
}

/// The files a saved reproduction comes as.
pub struct ReplayFiles {
    /// `dxconform replay FILE --target …`.
    pub command: String,
    /// The aws CLI script next to the replay file.
    pub script: String,
    /// The curl transcript next to the replay file.
    pub curl: String,
    /// The pytest file next to the replay file.
    pub pytest: String,
}

impl ReplayFiles {
    /// The command that replays `replay_file` (relative to the output folder) and
    /// the aws CLI script and curl transcript beside it.
    pub fn of(report: &RunReport, replay_file: &str) -> ReplayFiles {
        ReplayFiles {
            command: replay_command(report, replay_file),
            script: sibling_file(replay_file, SCRIPT_EXTENSION),
            curl: sibling_file(replay_file, CURL_EXTENSION),
            pytest: sibling_file(replay_file, PYTEST_EXTENSION),
        }
    }
}

/// Every finding of `report`, in report order.
pub fn findings(report: &RunReport) -> Vec<Finding<'_>> {
    let mut first_of_round: BTreeMap<u32, usize> = BTreeMap::new();
    let mut shown = Vec::with_capacity(report.buckets.len());
    for (i, bucket) in report.buckets.iter().enumerate() {
        let number = i + 1;
        let reproduction = match &bucket.repro {
            None => Reproduction::None,
            Some(r) => match first_of_round.get(&r.round) {
                Some(first) => Reproduction::SameAs(*first),
                None => {
                    first_of_round.insert(r.round, number);
                    Reproduction::Minimal(Sequence {
                        sent: r.sent_steps().map(step_line).collect(),
                        reproduced: if r.reproduced {
                            "reproduced on re-run"
                        } else {
                            "flaky: did not reproduce on re-run"
                        },
                        files: r
                            .replay_file
                            .as_deref()
                            .map(|file| ReplayFiles::of(report, file)),
                        shrink_note: r.shrink.note(),
                        aws_cli: aws_cli_script(report, r),
                        curl: curl_transcript(report, r),
                    })
                }
            },
        };
        shown.push(Finding {
            number,
            bucket,
            severity: match bucket.severity {
                Severity::Failure => "failure",
                Severity::Warning => "warning",
            },
            basis: format!("{:?}", bucket.basis).to_lowercase(),
            reproduction,
        });
    }
    shown
}
