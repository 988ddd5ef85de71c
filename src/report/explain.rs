//! `dxconform explain ID`: what a check id or a root-cause key means, where AWS
//! states the expectation, and what emulators usually get wrong.
//!
//! The facts live in the documentation, compiled into the binary: the check
//! catalogue and its sources table (docs/checks.md) and the grouping rules
//! (docs/root-causes.md). This module only finds the rows that answer an id.

use crate::run::{current_key, key_kind, KEY_KINDS};
use crate::vocab::CheckId;

const CHECKS_MD: &str = include_str!("../../docs/checks.md");
const ROOT_CAUSES_MD: &str = include_str!("../../docs/root-causes.md");

/// An id that names neither a check nor a kind of root-cause key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither a check id nor a root-cause key; check ids: {checks}; root-cause key kinds: {kinds} (a key is KIND:…, as report.json's root_causes[*].key)", checks = check_ids().join(", "), kinds = KEY_KINDS.join(", "))]
pub struct UnknownId(pub String);

/// The cells of a Markdown table row (`\|` inside a cell is a literal `|`), or
/// `None` for a line that is not a row.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(cell) = out.last_mut() {
                    cell.push('|');
                }
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(cell) = out.last_mut() {
                    cell.push(c);
                }
            }
        }
    }
    Some(out.into_iter().map(|c| c.trim().to_owned()).collect())
}

/// The header of the check catalogue's tables (docs/checks.md).
const CATALOGUE: &[&str] = &["id", "severity", "basis", "catches", "sample finding"];
/// The header of the sources table (docs/checks.md).
const SOURCES: &[&str] = &["id", "source", "emulators usually"];
/// The header of the grouping rules table (docs/root-causes.md).
const RULES: &[&str] = &["rule", "groups", "key", "why one defect"];

/// The rows of every table in `doc` whose header is `header`.
fn table_rows(doc: &str, header: &[&str]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        match cells(line) {
            Some(row) if row == header => inside = true,
            Some(row)
                if row
                    .iter()
                    .all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) => {}
            Some(row) if inside && row.len() == header.len() => rows.push(row),
            _ => inside = false,
        }
    }
    rows
}

/// The ids `dxconform explain` knows as checks: the registry's and the parity
/// checks' (both catalogued in docs/checks.md).
fn check_ids() -> Vec<String> {
    table_rows(CHECKS_MD, CATALOGUE)
        .into_iter()
        .filter_map(|row| row.first().map(|id| id.trim_matches('`').to_owned()))
        .fold(Vec::new(), |mut ids, id| {
            if !ids.contains(&id) {
                ids.push(id);
            }
            ids
        })
}

/// A check's catalogue row (`id`, severity, basis, catches, sample) and its
/// sources row (`id`, source, emulators usually).
fn check_rows(id: &str) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let quoted = format!("`{id}`");
    let catalogue = table_rows(CHECKS_MD, CATALOGUE)
        .into_iter()
        .find(|r| r[0] == quoted)?;
    let sources = table_rows(CHECKS_MD, SOURCES)
        .into_iter()
        .find(|r| r[0] == quoted);
    Some((catalogue, sources))
}

/// What `explain` says of check `id`.
fn explain_check(id: &str) -> Option<String> {
    let (catalogue, sources) = check_rows(id)?;
    let mut out = format!(
        "{id}: check (severity {}, basis {})\n  catches: {}\n  sample finding: {}\n",
        catalogue[1], catalogue[2], catalogue[3], catalogue[4]
    );
    if let Some(sources) = sources {
        out.push_str(&format!(
            "  AWS source: {}\n  what emulators usually get wrong: {}\n",
            sources[1], sources[2]
        ));
    }
    Some(out)
}

/// The literal kinds (`not-implemented`) or placeholders (`<check>`) of the backticked
/// key patterns of a rule row's key cell (`` `pattern:<class>` or `pattern:<member>` ``).
fn pattern_kinds(key_cell: &str) -> Vec<String> {
    key_cell
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|pattern| key_kind(pattern).to_owned())
        .collect()
}

/// The rules of docs/root-causes.md that make keys like `key`: (rule, groups, key
/// pattern, why one defect).
fn rules_for(key: &str) -> Vec<Vec<String>> {
    let kind = key_kind(key);
    let rules = table_rows(ROOT_CAUSES_MD, RULES);
    let literal: Vec<Vec<String>> = rules
        .iter()
        .filter(|r| pattern_kinds(&r[2]).iter().any(|k| k == kind))
        .cloned()
        .collect();
    if !literal.is_empty() {
        return literal;
    }
    // Keys named by a check id: the lifecycle rule (check, member, value) or the rule
    // for any other check (check, member).
    let Some(check) = CheckId::lookup(kind) else {
        return Vec::new();
    };
    let placeholder = if check.is_lifecycle() {
        "`<check>:<member>:<value>`"
    } else {
        "`<check>:<member>`"
    };
    rules
        .into_iter()
        .filter(|r| r[2].starts_with(placeholder))
        .collect()
}

/// The check ids a rule's "groups" cell names (in backticks).
fn checks_named(groups: &str) -> Vec<String> {
    let ids = check_ids();
    let mut named: Vec<String> = Vec::new();
    for word in groups.split('`').skip(1).step_by(2) {
        if ids.iter().any(|id| id == word) && !named.iter().any(|n| n == word) {
            named.push(word.to_owned());
        }
    }
    named
}

/// What `explain` says of root-cause key `key`.
fn explain_key(key: &str) -> Option<String> {
    let current = current_key(key);
    let rules = rules_for(current);
    if rules.is_empty() {
        return None;
    }
    let mut out = format!("{key}: root-cause key\n");
    if current != key {
        out.push_str(&format!(
            "  an earlier harness version's key: this version groups it as {current}\n"
        ));
    }
    let mut checks: Vec<String> = Vec::new();
    for rule in &rules {
        out.push_str(&format!(
            "  rule \"{}\": groups {}\n  key: {}\n  why one defect: {}\n",
            rule[0], rule[1], rule[2], rule[3]
        ));
        for id in checks_named(&rule[1]) {
            if !checks.contains(&id) {
                checks.push(id);
            }
        }
    }
    // A key named by its check (`model.state:…`) is about that check.
    let kind = key_kind(current);
    if CheckId::lookup(kind).is_some() && !checks.iter().any(|c| c == kind) {
        checks.insert(0, kind.to_owned());
    }
    for id in checks {
        if let Some(text) = explain_check(&id) {
            out.push('\n');
            out.push_str(&text);
        }
    }
    Some(out)
}

/// What `dxconform explain ID` prints for a check id or a root-cause key.
pub fn explain(id: &str) -> Result<String, UnknownId> {
    let id = id.trim();
    explain_check(id)
        .or_else(|| explain_key(id))
        .ok_or_else(|| UnknownId(id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_check_has_its_meaning_source_and_emulator_mistakes() {
        for id in CheckId::ALL {
            let (_, sources) =
                check_rows(id.as_str()).unwrap_or_else(|| panic!("{id} not in docs/checks.md"));
            let sources = sources
                .unwrap_or_else(|| panic!("{id} has no row in docs/checks.md's sources table"));
            assert!(
                sources[1].len() > 20 && sources[2].len() > 20,
                "{id}: {sources:?}"
            );
            let text = explain(id.as_str()).unwrap();
            for part in [
                "catches:",
                "AWS source:",
                "what emulators usually get wrong:",
            ] {
                assert!(text.contains(part), "{id}: {text}");
            }
        }
    }

    #[test]
    fn every_kind_of_root_cause_key_has_its_rule() {
        for kind in KEY_KINDS {
            let key = format!("{kind}:x");
            assert!(
                table_rows(ROOT_CAUSES_MD, RULES)
                    .iter()
                    .any(|r| pattern_kinds(&r[2]).iter().any(|k| k == kind)),
                "no rule of docs/root-causes.md makes {kind} keys"
            );
            let text = explain(&key).unwrap_or_else(|e| panic!("{e}"));
            assert!(text.contains("why one defect:"), "{text}");
        }
        // Keys named by a check: the lifecycle rule, or the rule for any other check.
        for id in CheckId::ALL {
            let key = format!("{id}:connectionState:\"available\"");
            let text = explain(&key).unwrap_or_else(|e| panic!("{e}"));
            assert!(text.contains(&format!("{id}: check")), "{text}");
        }
    }

    #[test]
    fn every_key_of_the_committed_moto_reports_is_explained() {
        for report in [
            include_str!("../../reports/moto-5.2.5/report.json"),
            include_str!("../../reports/moto-5.2.6/report.json"),
        ] {
            let report: serde_json::Value = serde_json::from_str(report).unwrap();
            for cause in report["root_causes"].as_array().unwrap() {
                let key = cause["key"].as_str().unwrap();
                assert!(explain(key).is_ok(), "{key}");
            }
        }
    }

    #[test]
    fn a_key_explains_its_rule_and_the_checks_it_groups() {
        let text = explain("wrong-type:loaIssueTime:string").unwrap();
        assert!(text.contains("rule \"member type\""), "{text}");
        assert!(text.contains("shape.type: check"), "{text}");
        assert!(text.contains("epoch seconds"), "{text}");
        let lifecycle = explain("model.state:connectionState:\"available\"").unwrap();
        assert!(lifecycle.contains("rule \"lifecycle\""), "{lifecycle}");
        // The source comes from the sources table, not from the scope table beside it.
        let echo = explain("model.echo").unwrap();
        assert!(
            echo.contains("AWS source: the API Reference's output members"),
            "{echo}"
        );
        let retired = explain("model.unique:lagId").unwrap();
        assert!(retired.contains("groups it as ids-collide"), "{retired}");
        assert!(retired.contains("rule \"colliding ids\""), "{retired}");
        // `\|` in a cell is a literal bar, not a column.
        let wire = explain("wire-protocol:errors:HTTP 404 without an error type").unwrap();
        assert!(
            wire.contains("`wire-protocol:<successes|errors>:<fault>`"),
            "{wire}"
        );
    }

    #[test]
    fn an_unknown_id_says_what_ids_there_are() {
        let err = explain("shape.typo").unwrap_err().to_string();
        assert!(err.contains("\"shape.typo\" is neither"), "{err}");
        assert!(
            err.contains("shape.type") && err.contains("wrong-type"),
            "{err}"
        );
        assert!(explain("no-such-kind:x").is_err());
    }
}
