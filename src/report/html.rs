//! report.html: the compatibility report as one self-contained page (inline CSS
//! and SVG, no scripts, no network), for vendors publishing compatibility and
//! people reading a nightly run in a browser.

use std::fmt::Write as _;

use super::date::utc_datetime;
use super::findings::ReproductionWords;
use super::lifecycle::{lifecycles, status_label, svg};
use super::reproduction::target_name;
use super::root_causes::{
    baseline_mark, cause_section, finding_numbers, operations_text, shortest_replay_file,
};
use super::score::{by_resource, not_implemented_reason, score, ResourceScore};
use super::{replay_command, resource_type};
use crate::check::Severity;
use crate::run::{CoverageCell, RootCause, RunReport, CHECK_GROUPS};

/// `text` safe inside HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    escape_markup(text, "&#39;", |_| true)
}

/// `text` with `&`, `<`, `>`, `"` and `'` as entities (`'` as `apostrophe`: HTML
/// and XML spell it differently), keeping only the other characters `allowed`
/// accepts. One home for what HTML and JUnit XML escape alike.
pub(super) fn escape_markup(
    text: &str,
    apostrophe: &str,
    allowed: impl Fn(char) -> bool,
) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            other if allowed(other) => out.push(other),
            _ => {}
        }
    }
    out
}

const STYLE: &str = r#"
:root { --pass: #1a7f37; --fail: #cf222e; --noimpl: #8c959f; --noex: #d0d7de; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --bg-soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 8px; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre; margin: 6px 0 10px; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 14px; }
.verdict.ok { background: var(--pass); } .verdict.bad { background: var(--fail); }
dl.identity { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.identity dt { color: var(--muted); } dl.identity dd { margin: 0; }
.cards { display: flex; gap: 14px; flex-wrap: wrap; margin: 18px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 200px; flex: 1; }
.card .big { font-size: 28px; font-weight: 700; } .card .small { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.cell { text-align: center; font-size: 12px; width: 8.5%; }
td.resource { white-space: nowrap; }
td.pass { background: #dafbe1; color: #116329; } td.fail { background: #ffebe9; color: #a40e26; font-weight: 700; }
td.not-implemented { background: #eaeef2; color: #424a53; } td.not-exercised { background: #fff; color: var(--muted); }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; color: var(--muted); margin: 4px 0 8px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.chart .label { font-size: 13px; fill: var(--ink); } svg.chart .value { font-size: 12px; fill: var(--muted); }
svg.lifecycle { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
svg.lifecycle .state { fill: #ddf4ff; stroke: #54aeff; stroke-width: 1.5; } svg.lifecycle .state.any { fill: #fff8c5; stroke: #d4a72c; stroke-dasharray: 4 3; }
svg.lifecycle .state-label { font-size: 13px; fill: var(--ink); } svg.lifecycle .lifecycle-title { font-size: 14px; font-weight: 600; fill: var(--ink); }
svg.lifecycle .edge-label { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
article.bucket { border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
article.bucket.warning { border-left-color: #d4a72c; }
.meta { color: var(--muted); font-size: 13px; margin-bottom: 8px; }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; margin-right: 6px; font-size: 12px; background: var(--bg-soft); color: var(--ink); }
table.expect td:first-child { width: 90px; color: var(--muted); }
details { margin: 6px 0; } summary { cursor: pointer; color: #0969da; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
"#;

fn cell_text(cell: CoverageCell) -> &'static str {
    match cell {
        CoverageCell::Pass => "pass",
        CoverageCell::Fail => "FAIL",
        CoverageCell::NotImplemented => "not implemented",
        CoverageCell::NotExercised => "not exercised",
    }
}

fn cell_class(cell: CoverageCell) -> &'static str {
    match cell {
        CoverageCell::Pass => "pass",
        CoverageCell::Fail => "fail",
        CoverageCell::NotImplemented => "not-implemented",
        CoverageCell::NotExercised => "not-exercised",
    }
}

const PASS_COLOR: &str = "#2da44e";
const FAIL_COLOR: &str = "#cf222e";
const NOT_IMPLEMENTED_COLOR: &str = "#8c959f";
const NOT_EXERCISED_COLOR: &str = "#d0d7de";

/// The SVG bar chart: one stacked bar per resource type (cells pass, fail, not implemented, not exercised).
pub fn resource_chart(resources: &[ResourceScore]) -> String {
    let label_w = 150.0;
    let bar_w = 640.0;
    let row_h = 34.0;
    let width = label_w + bar_w + 190.0;
    let height = 16.0 + row_h * resources.len().max(1) as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg class="chart" id="resource-chart" xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="conformance per resource type">"#
    );
    if resources.is_empty() {
        let _ = writeln!(
            out,
            r#"<text class="label" x="0" y="24">no operations in this report</text>"#
        );
    }
    for (i, r) in resources.iter().enumerate() {
        let y = 8.0 + i as f64 * row_h;
        let _ = writeln!(
            out,
            r#"<text class="label" x="0" y="{:.1}">{}</text>"#,
            y + 17.0,
            escape(&r.resource)
        );
        let total = r.cells().max(1) as f64;
        let mut x = label_w;
        for (count, color, what) in [
            (r.pass, PASS_COLOR, "pass"),
            (r.fail, FAIL_COLOR, "fail"),
            (r.not_implemented, NOT_IMPLEMENTED_COLOR, "not implemented"),
            (r.not_exercised, NOT_EXERCISED_COLOR, "not exercised"),
        ] {
            if count == 0 {
                continue;
            }
            let w = bar_w * count as f64 / total;
            let _ = writeln!(
                out,
                r#"<rect class="bar {}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="22" fill="{color}"><title>{}: {count} of {} cells {what}</title></rect>"#,
                what.replace(' ', "-"),
                escape(&r.resource),
                r.cells()
            );
            x += w;
        }
        let _ = writeln!(
            out,
            r#"<text class="value" x="{:.1}" y="{:.1}">{}/{} operations conformant</text>"#,
            label_w + bar_w + 10.0,
            y + 16.0,
            r.conformant,
            r.operations
        );
    }
    out.push_str("</svg>\n");
    out
}

fn legend(out: &mut String, items: &[(&str, &str)]) {
    out.push_str("<div class=\"legend\">");
    for (color, label) in items {
        let _ = write!(
            out,
            r#"<span><span class="swatch" style="background:{color}"></span>{}</span>"#,
            escape(label)
        );
    }
    out.push_str("</div>\n");
}

fn identity(report: &RunReport, out: &mut String) {
    let t = &report.target;
    let rows: Vec<(&str, String)> = vec![
        ("target", format!("{:?}", t.kind).to_lowercase()),
        ("endpoint", t.endpoint.clone()),
        (
            "version",
            t.version.clone().unwrap_or_else(|| "unknown".to_owned()),
        ),
        ("region", t.region.clone()),
        ("date", utc_datetime(report.started_at)),
        ("seed", report.seed.to_string()),
        (
            "harness",
            format!(
                "{} {} (specification: {})",
                report.harness.name, report.harness.version, report.harness.spec
            ),
        ),
        (
            "search",
            format!(
                "{} cases, {} steps ({} skipped), {} requests, {:.1} s",
                report.cases_run,
                report.steps_run,
                report.steps_skipped,
                report.requests,
                report.duration_ms as f64 / 1000.0
            ),
        ),
        (
            "accounts",
            format!(
                "owner {}, partner {}{}",
                report.config.accounts.owner,
                report.config.accounts.partner,
                if report.config.two_accounts {
                    ""
                } else {
                    " (one account only)"
                }
            ),
        ),
    ];
    out.push_str("<dl class=\"identity\">\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    }
    out.push_str("</dl>\n");
}

fn cards(report: &RunReport, out: &mut String) {
    let s = score(report);
    let failures = report.failures().count();
    out.push_str("<div class=\"cards\" id=\"score\">\n");
    let cards = [
        (
            format!("{}/{}", s.conformant, s.modelled),
            "operations conformant".to_owned(),
            format!(
                "{} implemented of {} modelled ({} in the specification)",
                s.implemented, s.modelled, s.specified
            ),
        ),
        (
            format!("{}/{}", s.checks_passed, s.checks),
            "checks passed".to_owned(),
            "enabled checks without a failure finding".to_owned(),
        ),
        (
            format!("{}/{}", s.cells_pass, s.cells_exercised),
            "cells passing".to_owned(),
            "operation × check group cells exercised on implemented operations".to_owned(),
        ),
        (
            failures.to_string(),
            "failure buckets".to_owned(),
            format!(
                "{} warnings; one bucket per (check, operation, JSON path, status)",
                report.buckets.len() - failures
            ),
        ),
    ];
    for (big, what, small) in cards {
        let _ = writeln!(
            out,
            r#"<div class="card"><div class="big">{}</div><div>{}</div><div class="small">{}</div></div>"#,
            escape(&big),
            escape(&what),
            escape(&small)
        );
    }
    out.push_str("</div>\n");
}

fn coverage_table(report: &RunReport, out: &mut String) {
    out.push_str(
        "<table id=\"coverage\">\n<thead><tr><th>operation</th><th>resource</th><th>calls</th>",
    );
    for g in CHECK_GROUPS.iter() {
        let _ = write!(out, "<th>{}</th>", escape(g));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (op, row) in &report.coverage {
        let calls = report.operations.get(op).map_or(0, |s| s.calls);
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td class=\"resource\">{}</td><td class=\"num\">{calls}</td>",
            escape(op),
            escape(resource_type(op))
        );
        for g in CHECK_GROUPS.iter() {
            match row.get(*g) {
                Some(cell) => {
                    let title = if *cell == CoverageCell::NotImplemented {
                        not_implemented_reason(report, op)
                    } else {
                        format!("{op} × {g}: {}", cell_text(*cell))
                    };
                    let _ = write!(
                        out,
                        r#"<td class="cell {}" title="{}">{}</td>"#,
                        cell_class(*cell),
                        escape(&title),
                        cell_text(*cell)
                    );
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn lifecycle_section(report: &RunReport, out: &mut String) {
    out.push_str("<h2 id=\"lifecycles\">Lifecycles</h2>\n");
    let groups = lifecycles(report);
    if groups.is_empty() {
        out.push_str("<p>This report has no lifecycle coverage.</p>\n");
        return;
    }
    legend(
        out,
        &[
            ("#1a7f37", "exercised: observed on this target"),
            ("#8c959f", "not reached: modelled, never observed"),
            (
                "#cf222e",
                "violated: a state finding involved this resource type",
            ),
        ],
    );
    for (kind, edges) in groups {
        out.push_str(&svg(kind, &edges));
        let _ = writeln!(
            out,
            "<details><summary>{} edges of {}</summary><table><thead><tr><th>from</th><th>to</th><th>via</th><th>status</th></tr></thead><tbody>",
            edges.len(),
            escape(kind)
        );
        for t in edges {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&t.from),
                escape(&t.to),
                escape(&t.via),
                status_label(t.status)
            );
        }
        out.push_str("</tbody></table></details>\n");
    }
}

/// The root causes first, each linking to the findings it explains.
fn root_causes(report: &RunReport, out: &mut String) {
    let heading = |causes, findings| {
        format!("<h2 id=\"root-causes\">Root causes ({causes} for {findings} findings)</h2>\n<table><thead><tr><th>#</th><th>root cause</th><th>operations</th><th>findings</th><th>occurrences</th><th>shortest reproduction</th></tr></thead><tbody>\n")
    };
    let row = |out: &mut String, number: usize, cause: &RootCause| {
        let links: Vec<String> = finding_numbers(report, cause)
            .iter()
            .map(|n| format!("<a href=\"#bucket-{n}\">{n}</a>"))
            .collect();
        let repro = shortest_replay_file(report, cause).map_or_else(String::new, |file| {
            format!("<code>{}</code>", escape(&replay_command(report, file)))
        });
        let mark = baseline_mark(cause).map_or_else(String::new, |m| {
            format!(
                " <span class=\"tag baseline-{}\">{m}</span>",
                m.to_lowercase()
            )
        });
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td>{}{mark}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{repro}</td></tr>",
            if cause.severity == Severity::Failure { "failure" } else { "warning" },
            number,
            escape(&cause.title),
            escape(&cause.key),
            escape(&operations_text(cause, 6)),
            links.join(", "),
            cause.count
        );
    };
    cause_section(out, report, heading, row, "</tbody></table>\n");
}

const HTML_REPRODUCTION: ReproductionWords = ReproductionWords {
    none: "<p class=\"meta\">No minimal sequence: this bucket was seen alongside another failure's.</p>\n</article>\n",
    same_as: |first| {
        format!("<p>Reproduction: the same minimal sequence as <a href=\"#bucket-{first}\">finding {first}</a>.</p>\n</article>\n")
    },
};

fn findings(report: &RunReport, out: &mut String) {
    let _ = writeln!(
        out,
        "<h2 id=\"findings\">Findings ({} buckets)</h2>",
        report.buckets.len()
    );
    if report.buckets.is_empty() {
        out.push_str("<p>None: every answer matched the specification and the model.</p>\n");
        return;
    }
    for f in super::findings::findings(report) {
        let (n, b) = (f.number, f.bucket);
        let _ = writeln!(
            out,
            r#"<article class="bucket {}" id="bucket-{n}">"#,
            f.severity
        );
        let _ = writeln!(
            out,
            "<h3>{n}. <code>{}</code> on <code>{}</code> at <code>{}</code></h3>",
            escape(&b.check),
            escape(&b.operation),
            escape(&b.path)
        );
        let _ = writeln!(
            out,
            r#"<div class="meta"><span class="tag">{}</span><span class="tag">basis: {}</span><span class="tag">HTTP {}</span><span class="tag">seen {} times</span></div>"#,
            f.severity, f.basis, b.status, b.count
        );
        let _ = writeln!(
            out,
            "<table class=\"expect\"><tr><td>expected</td><td>{}</td></tr><tr><td>actual</td><td>{}</td></tr></table>",
            escape(&b.expected),
            escape(&b.actual)
        );
        let Some(sequence) = f.own_sequence(out, &HTML_REPRODUCTION) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<p>Minimal sequence: {}.</p>\n<pre class=\"sequence\">{}</pre>",
            sequence.summary(|note| format!("<strong>{}</strong>", escape(note))),
            escape(&sequence.sent.join("\n"))
        );
        out.push_str("<p><strong>Reproduce with</strong></p>\n");
        if let Some(files) = &sequence.files {
            let _ = writeln!(
                out,
                "<pre class=\"replay\">{}</pre>",
                escape(&files.command)
            );
        }
        let (script_name, curl_name) = match &sequence.files {
            Some(files) => (files.script.as_str(), files.curl.as_str()),
            None => ("aws CLI script", "curl transcript"),
        };
        let _ = writeln!(
            out,
            "<details><summary>aws CLI: <code>{}</code></summary><pre class=\"awscli\">{}</pre></details>",
            escape(script_name),
            escape(&sequence.aws_cli)
        );
        let _ = writeln!(
            out,
            "<details><summary>wire (curl): <code>{}</code></summary><pre class=\"curl\">{}</pre></details>",
            escape(curl_name),
            escape(&sequence.curl)
        );
        if let Some(files) = &sequence.files {
            let _ = writeln!(
                out,
                "<p class=\"pytest\">pytest (boto3): <code>{}</code></p>",
                escape(&files.pytest)
            );
        }
        out.push_str("</article>\n");
    }
}

/// Render the HTML report.
pub fn html(report: &RunReport) -> String {
    let name = target_name(report);
    let conformant = report.conformant();
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>dxconform report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        escape(&name)
    );
    let _ = writeln!(
        out,
        "<h1>Direct Connect compatibility: {}</h1>",
        escape(&name)
    );
    let _ = writeln!(
        out,
        "<p class=\"subtitle\">dxconform {} · seed {} · {} <span class=\"verdict {}\">{}</span></p>",
        escape(&report.harness.version),
        report.seed,
        escape(&utc_datetime(report.started_at)),
        if conformant { "ok" } else { "bad" },
        if conformant {
            "conformant"
        } else {
            "not conformant"
        }
    );
    if let Some(line) = super::root_causes::baseline_line(report) {
        let _ = writeln!(
            out,
            "<p class=\"subtitle\"><span class=\"verdict {}\">{}</span> {}</p>",
            if report.passes() { "ok" } else { "bad" },
            if report.passes() {
                "baseline: only known root causes"
            } else {
                "baseline: new or expired root causes"
            },
            escape(&line)
        );
    }
    cards(report, &mut out);
    identity(report, &mut out);
    root_causes(report, &mut out);

    out.push_str("<h2 id=\"resources\">Conformance per resource type</h2>\n");
    legend(
        &mut out,
        &[
            (PASS_COLOR, "pass"),
            (FAIL_COLOR, "fail"),
            (NOT_IMPLEMENTED_COLOR, "not implemented"),
            (NOT_EXERCISED_COLOR, "not exercised"),
        ],
    );
    out.push_str(&resource_chart(&by_resource(report)));

    out.push_str("<h2 id=\"operations\">Operations × check groups</h2>\n");
    coverage_table(report, &mut out);

    lifecycle_section(report, &mut out);

    if !report.not_modelled.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"not-modelled\">Not modelled</h2>\n<details><summary>{} operations of the specification are not modelled yet</summary><table><thead><tr><th>operation</th><th>why</th></tr></thead><tbody>",
            report.not_modelled.len()
        );
        for m in &report.not_modelled {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                escape(&m.operation),
                escape(&m.reason)
            );
        }
        out.push_str("</tbody></table></details>\n");
    }

    findings(report, &mut out);

    let nightly = super::terminal::nightly_lines(report);
    if !nightly.is_empty() {
        out.push_str("<h2 id=\"nightly\">Waits, retries and budgets</h2>\n<ul>\n");
        for line in nightly {
            let _ = writeln!(out, "<li>{}</li>", escape(&line));
        }
        out.push_str("</ul>\n");
    }

    if !report.leaked.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"leaked\">Leaked resources</h2>\n<p>{}</p>",
            escape(&report.leaked.join(", "))
        );
    }
    let _ = writeln!(
        out,
        "<footer>Generated by dxconform {} from report.json (schema {}). Regenerate with <code>dxconform report --from report.json --format html</code>.</footer>",
        escape(&report.harness.version),
        report.schema_version
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">it's & more</a>"#),
            "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/a&gt;"
        );
    }

    #[test]
    fn the_page_is_self_contained_and_has_every_section() {
        let page = html(&sample_report());
        assert!(page.starts_with("<!DOCTYPE html>"));
        for needle in [
            "id=\"resource-chart\"",
            "<table id=\"coverage\">",
            "class=\"lifecycle\"",
            "id=\"bucket-1\"",
            "class=\"awscli\"",
            "class=\"curl\"",
            "dxconform replay replays/001-model.state-CreateConnection.json --target moto",
            "Not modelled",
            "not implemented: HTTP 500 with an HTML body",
        ] {
            assert!(page.contains(needle), "missing {needle}");
        }
        // No network and no scripts: nothing is fetched when the page renders.
        for forbidden in [
            "<script",
            "src=\"http",
            "href=\"http",
            "@import",
            "url(http",
        ] {
            assert!(!page.contains(forbidden), "found {forbidden}");
        }
        // Text from the target is escaped.
        assert!(page.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(!page.contains("<b>&</b>"));
    }

    #[test]
    fn the_chart_has_one_bar_group_per_resource_type() {
        let report = sample_report();
        let chart = resource_chart(&by_resource(&report));
        assert!(chart.contains(">connection</text>"));
        assert!(chart.contains(">location</text>"));
        assert!(chart.contains("class=\"bar fail\""));
        assert!(chart.contains("class=\"bar not-implemented\""));
    }
}
