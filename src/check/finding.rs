//! Findings: data, not errors.

use serde::{Deserialize, Serialize};

use crate::model::Basis;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A conformance failure: the run exits 1.
    Failure,
    /// Worth knowing, not a failure.
    Warning,
}

/// One way an answer differs from the specification or the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable check id, e.g. `model.state`. A string, not a [`crate::vocab::CheckId`]: parity
    /// findings (`parity.*`, a registry of their own) are findings too, and reports
    /// read back from JSON keep whatever ids they were written with.
    pub check: String,
    /// Severity of the check.
    pub severity: Severity,
    /// What the expectation rests on.
    pub basis: Basis,
    /// Operation called.
    pub operation: String,
    /// Index of the step within its case.
    pub step: usize,
    /// HTTP status of the answer (0: no answer).
    pub status: u16,
    /// JSON path in the answer (`$` for the whole answer).
    pub path: String,
    /// What was expected.
    pub expected: String,
    /// What the target answered.
    pub actual: String,
}

impl Finding {
    /// The registry entry of its check (`None` for checks of another registry, e.g.
    /// `parity.*`).
    pub fn def(&self) -> Option<&'static super::CheckDef> {
        super::lookup(&self.check)
    }

    /// The bucket key: one root cause shows once, however often it occurs, and
    /// shrinking keeps a case only while it still shows the same key.
    pub fn key(&self) -> (String, String, String, u16) {
        (
            self.check.clone(),
            self.operation.clone(),
            bucket_path(&self.path),
            self.status,
        )
    }
}

/// A JSON path with list indices replaced by `[*]`.
pub fn bucket_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push_str("[*");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_paths_drop_indices_only() {
        assert_eq!(
            bucket_path("$.connections[12].tags[0].key"),
            "$.connections[*].tags[*].key"
        );
        assert_eq!(bucket_path("$.map[\"k1\"]"), "$.map[\"k1\"]");
        assert_eq!(bucket_path("$"), "$");
    }
}
