//! Re-rendering a saved report.json in any format (`dxconform report --from`),
//! and reading the report.json files that `compare` takes.

use std::path::Path;

use super::{html, junit, markdown, ReportError};
use crate::run::{RunReport, SCHEMA_VERSION};

/// Output formats of `dxconform report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// report.md.
    Markdown,
    /// report.html.
    Html,
    /// junit.xml.
    Junit,
    /// report.json (normalized: re-serialized from the model).
    Json,
}

/// `report` rendered in `format`.
pub fn render(report: &RunReport, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Markdown => markdown(report),
        Format::Html => html(report),
        Format::Junit => junit(report),
        Format::Json => {
            serde_json::to_string_pretty(report)
                .map_err(|e| ReportError::Serialize(e.to_string()))?
                + "\n"
        }
    })
}

/// Read a report.json written by `dxconform run` (schema [`SCHEMA_VERSION`]).
pub fn load_report(path: &Path) -> Result<RunReport, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| ReportError::Parse {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let version = value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(SCHEMA_VERSION)) {
        return Err(ReportError::Schema {
            path: path.to_owned(),
            found: version.map_or_else(|| "none".to_owned(), |v| v.to_string()),
        });
    }
    let mut report: RunReport = serde_json::from_value(value).map_err(|e| ReportError::Parse {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // A report written before root causes existed: group its buckets now.
    if report.root_causes.is_empty() && !report.buckets.is_empty() {
        report.root_causes = crate::run::root_causes(&report.buckets, &report.operations);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{sample_report, scratch_path};

    #[test]
    fn a_saved_report_loads_and_renders_in_every_format() {
        let (_dir, path) = scratch_path("report.json");
        let report = sample_report();
        std::fs::write(&path, render(&report, Format::Json).unwrap()).unwrap();
        let loaded = load_report(&path).unwrap();
        assert_eq!(loaded, report);
        for format in [Format::Markdown, Format::Html, Format::Junit] {
            assert!(!render(&loaded, format).unwrap().is_empty());
        }
    }

    #[test]
    fn another_schema_version_is_refused_by_name() {
        let (_dir, path) = scratch_path("old.json");
        std::fs::write(&path, r#"{"schema_version": 99}"#).unwrap();
        let err = load_report(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 99"), "{err}");
        std::fs::write(&path, "{nope").unwrap();
        assert!(matches!(load_report(&path), Err(ReportError::Parse { .. })));
    }
}
