//! Reports: render a [`crate::run::RunReport`] for people (terminal, Markdown,
//! HTML) and machines (JSON, JUnit), reproduce each finding three ways (replay
//! file, aws CLI script, curl transcript), show a run's progress from its events,
//! and compare runs. Reads only run output.

mod awscli;
mod baseline;
mod compare;
mod curl;
mod date;
mod error;
mod explain;
mod files;
mod findings;
mod html;
mod junit;
mod lifecycle;
mod markdown;
mod mutants;
mod progress;
mod pytest;
mod render;
mod reproduction;
mod resource;
mod root_causes;
mod score;
mod terminal;
#[cfg(test)]
mod test_support;

pub use awscli::{aws_cli_script, cli_command, id_variables, shell_json, shell_quote, IdVariable};
pub use baseline::{
    day_of, today, Baseline, BaselineEntry, BaselineError, BASELINE_FORMAT, UNTRIAGED_REASON,
};
pub use compare::{compare, compare_markdown, drift, Comparison, Drift, Verdict};
pub use curl::curl_transcript;
pub use date::{iso8601, utc_datetime};
pub use error::ReportError;
pub use explain::{explain, UnknownId};
pub use files::{replay_command, write, write_all, Written, WrittenReproduction};
pub use html::{escape, html, resource_chart};
pub use junit::{bucket_text, buckets_text, junit, xml_escape};
pub use lifecycle::{lifecycles, mermaid, status_label, svg};
pub use markdown::{escape_cell, markdown};
pub use mutants::{
    mutant_line, mutants_markdown, mutants_markdown_both, summary_lines as mutant_summary,
};
pub use progress::{Progress, ProgressMode, LINE_INTERVAL};
pub use pytest::{pytest_file, PYTEST_EXTENSION};
pub use render::{load_report, render, Format};
pub use reproduction::{
    repro_buckets, sibling_file, target_name, CURL_EXTENSION, SCRIPT_EXTENSION,
};
pub use resource::resource_type;
pub use root_causes::{
    baseline_line, baseline_mark, bucket_of, cause_number, operations_text, severity_label,
    shortest_repro,
};
pub use score::{
    by_resource, cell_buckets, check_group, not_implemented_reason, operation_conformant, score,
    uncovered_failures, ResourceScore, Score, NOT_IMPLEMENTED_CHECK,
};
pub use terminal::{step_line, summary};
