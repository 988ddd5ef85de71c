//! State-machine pictures of each resource type's lifecycle with the run's
//! coverage overlaid: every edge is exercised, not reached, or violated.
//! Mermaid for report.md (GitHub renders it), inline SVG for report.html.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::html::escape;
use crate::run::{EdgeStatus, RunReport, TransitionCoverage};

/// The pseudo-state of creation.
const CREATED: &str = "[*]";
/// The pseudo-state "from any state".
const ANY: &str = "*";

/// Lifecycle edges grouped by resource type, in order of first appearance.
pub fn lifecycles(report: &RunReport) -> Vec<(&str, Vec<&TransitionCoverage>)> {
    let mut out: Vec<(&str, Vec<&TransitionCoverage>)> = Vec::new();
    for t in &report.transitions {
        match out.iter_mut().find(|(kind, _)| *kind == t.kind) {
            Some((_, edges)) => edges.push(t),
            None => out.push((t.kind.as_str(), vec![t])),
        }
    }
    out
}

/// A word for an edge status.
pub fn status_label(status: EdgeStatus) -> &'static str {
    match status {
        EdgeStatus::Exercised => "exercised",
        EdgeStatus::NotReached => "not reached",
        EdgeStatus::Violated => "violated",
    }
}

fn status_mark(status: EdgeStatus) -> &'static str {
    match status {
        EdgeStatus::Exercised => "✓",
        EdgeStatus::NotReached => "·",
        EdgeStatus::Violated => "✗",
    }
}

fn status_color(status: EdgeStatus) -> &'static str {
    match status {
        EdgeStatus::Exercised => "#1a7f37",
        EdgeStatus::NotReached => "#8c959f",
        EdgeStatus::Violated => "#cf222e",
    }
}

/// A Mermaid node id for a state (ids must be plain words).
fn mermaid_id(state: &str) -> String {
    match state {
        CREATED => "created".to_owned(),
        ANY => "any".to_owned(),
        other => format!(
            "s_{}",
            other
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        ),
    }
}

fn mermaid_node(state: &str) -> String {
    match state {
        CREATED => "created((\"create\"))".to_owned(),
        ANY => "any[/\"any state\"/]".to_owned(),
        other => format!("{}[\"{}\"]", mermaid_id(other), other.replace('"', "'")),
    }
}

/// The Mermaid flowchart of one lifecycle, edges colored and marked by status.
pub fn mermaid(edges: &[&TransitionCoverage]) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut declared: Vec<&str> = Vec::new();
    for t in edges {
        for state in [t.from.as_str(), t.to.as_str()] {
            if !declared.contains(&state) {
                declared.push(state);
                let _ = writeln!(out, "  {}", mermaid_node(state));
            }
        }
    }
    for t in edges {
        let arrow = if t.status == EdgeStatus::NotReached {
            "-.->"
        } else {
            "-->"
        };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{} {}\"| {}",
            mermaid_id(&t.from),
            t.via.replace('"', "'"),
            status_mark(t.status),
            mermaid_id(&t.to)
        );
    }
    for (i, t) in edges.iter().enumerate() {
        let width = if t.status == EdgeStatus::Violated {
            3
        } else {
            2
        };
        let _ = writeln!(
            out,
            "  linkStyle {i} stroke:{},stroke-width:{width}px",
            status_color(t.status)
        );
    }
    out
}

/// Breadth-first ranks from `root` (at `rank0`) over edges not leaving a pseudo-state other than `root`.
fn rank_from(
    root: &str,
    rank0: usize,
    edges: &[&TransitionCoverage],
    rank: &mut BTreeMap<String, usize>,
) {
    rank.entry(root.to_owned()).or_insert(rank0);
    let mut frontier = vec![root.to_owned()];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for s in &frontier {
            let depth = rank[s] + 1;
            for t in edges.iter().filter(|t| t.from == *s) {
                if !rank.contains_key(&t.to) {
                    rank.insert(t.to.clone(), depth);
                    next.push(t.to.clone());
                }
            }
        }
        frontier = next;
    }
}

/// Column of each state, so the picture reads left to right like the lifecycle:
/// creation and what follows it, then "any state" and the deletion states it
/// leads to. States reached from neither (entered by operations not modelled)
/// are returned apart, to be drawn in a band of their own below.
fn ranks(edges: &[&TransitionCoverage]) -> (BTreeMap<String, usize>, Vec<String>) {
    let mut rank: BTreeMap<String, usize> = BTreeMap::new();
    if edges.iter().any(|t| t.from == CREATED) {
        let without_any: Vec<&TransitionCoverage> =
            edges.iter().copied().filter(|t| t.from != ANY).collect();
        rank_from(CREATED, 0, &without_any, &mut rank);
    }
    if edges.iter().any(|t| t.from == ANY) {
        let after = rank.values().max().map_or(0, |m| m + 1);
        rank_from(ANY, after, edges, &mut rank);
    }
    let main: Vec<String> = rank.keys().cloned().collect();
    // States reached from neither: start a chain at each one without a ranked predecessor.
    loop {
        let unranked: Vec<&str> = edges
            .iter()
            .flat_map(|t| [t.from.as_str(), t.to.as_str()])
            .filter(|s| !rank.contains_key(*s))
            .collect();
        let Some(first) = unranked.first() else {
            break;
        };
        let root = unranked
            .iter()
            .find(|s| !edges.iter().any(|t| t.to == **s && t.from != t.to))
            .unwrap_or(first)
            .to_string();
        rank_from(&root, 1, edges, &mut rank);
    }
    let detached = rank.keys().filter(|s| !main.contains(s)).cloned().collect();
    (rank, detached)
}

const COLUMN: f64 = 236.0;
const ROW: f64 = 64.0;
const NODE_W: f64 = 116.0;
const NODE_H: f64 = 30.0;
const MARGIN: f64 = 30.0;

/// The SVG drawing of one lifecycle (self-contained; no scripts, no external references).
pub fn svg(kind: &str, edges: &[&TransitionCoverage]) -> String {
    let (rank, detached) = ranks(edges);
    let columns = rank.values().max().map_or(1, |m| m + 1);
    let mut position: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    // Place states in order of first appearance, so the picture follows the lifecycle;
    // the detached band goes below the main one.
    let mut first_row = 0;
    for band_detached in [false, true] {
        let mut rows_per_column: Vec<usize> = vec![0; columns];
        for t in edges {
            for s in [t.from.as_str(), t.to.as_str()] {
                if position.contains_key(s) || detached.iter().any(|d| d == s) != band_detached {
                    continue;
                }
                let c = rank[s];
                let x = MARGIN + c as f64 * COLUMN;
                let y = MARGIN + 20.0 + (first_row + rows_per_column[c]) as f64 * ROW;
                rows_per_column[c] += 1;
                position.insert(s, (x, y));
            }
        }
        first_row += rows_per_column.iter().copied().max().unwrap_or(0);
    }
    let rows = first_row.max(1);
    let width = 2.0 * MARGIN + (columns as f64 - 1.0) * COLUMN + NODE_W;
    let height = 2.0 * MARGIN + 20.0 + rows as f64 * ROW;
    let id = kind
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg class="lifecycle" xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="lifecycle of {}">"#,
        escape(kind)
    );
    let _ = writeln!(out, "<defs>");
    for status in [
        EdgeStatus::Exercised,
        EdgeStatus::NotReached,
        EdgeStatus::Violated,
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{id}-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            status_label(status).replace(' ', "-"),
            status_color(status)
        );
    }
    let _ = writeln!(out, "</defs>");
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="{:.0}" class="lifecycle-title">{}</text>"#,
        MARGIN - 6.0,
        escape(kind)
    );
    // Edges first, so nodes cover their ends.
    let mut pair_count: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for t in edges {
        let (fx, fy) = position[t.from.as_str()];
        let (tx, ty) = position[t.to.as_str()];
        let nth = {
            let n = pair_count
                .entry((t.from.as_str(), t.to.as_str()))
                .or_insert(0);
            *n += 1;
            *n - 1
        };
        let color = status_color(t.status);
        let dash = if t.status == EdgeStatus::NotReached {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let width = if t.status == EdgeStatus::Violated {
            3
        } else {
            2
        };
        let marker = format!(
            "url(#arrow-{id}-{})",
            status_label(t.status).replace(' ', "-")
        );
        let (path, lx, ly) = if t.from == t.to {
            // A loop above the node.
            let cx = fx + NODE_W / 2.0;
            let lift = 26.0 + 12.0 * nth as f64;
            (
                format!(
                    "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                    cx - 18.0,
                    fy,
                    cx - 30.0,
                    fy - lift,
                    cx + 30.0,
                    fy - lift,
                    cx + 18.0,
                    fy
                ),
                cx,
                fy - lift + 4.0,
            )
        } else if (tx - fx).abs() < 1.0 {
            // Same column: a vertical line; the two directions of a pair sit side by side.
            let down = ty > fy;
            let x = fx + NODE_W / 2.0 + if down { -10.0 } else { 10.0 } + 8.0 * nth as f64;
            let (sy, ey) = if down {
                (fy + NODE_H, ty)
            } else {
                (fy, ty + NODE_H)
            };
            (
                format!("M{x:.1},{sy:.1} L{x:.1},{ey:.1}"),
                x + if down { -6.0 } else { 6.0 },
                (sy + ey) / 2.0 + 4.0,
            )
        } else {
            let forward = tx > fx;
            let (sx, sy) = if forward {
                (fx + NODE_W, fy + NODE_H / 2.0)
            } else {
                (fx + NODE_W / 2.0, fy + NODE_H)
            };
            let (ex, ey) = if forward {
                (tx, ty + NODE_H / 2.0)
            } else {
                (tx + NODE_W / 2.0, ty + NODE_H)
            };
            // Backward edges bow below the nodes; parallel edges bow apart.
            let bend = if forward {
                18.0 * nth as f64
            } else {
                36.0 + 18.0 * nth as f64
            };
            let mx = (sx + ex) / 2.0;
            let my = (sy + ey) / 2.0 + bend;
            (
                format!("M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {ex:.1},{ey:.1}"),
                mx,
                (sy + ey) / 2.0 + bend / 2.0 - 5.0,
            )
        };
        let _ = writeln!(
            out,
            r#"<path class="edge {}" d="{path}" fill="none" stroke="{color}" stroke-width="{width}"{dash} marker-end="{marker}"><title>{} → {} via {}: {}</title></path>"#,
            status_label(t.status).replace(' ', "-"),
            escape(&t.from),
            escape(&t.to),
            escape(&t.via),
            status_label(t.status)
        );
        let anchor = if t.from != t.to && (tx - fx).abs() < 1.0 {
            if ty > fy {
                "end"
            } else {
                "start"
            }
        } else {
            "middle"
        };
        let _ = writeln!(
            out,
            r#"<text class="edge-label" x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}" fill="{color}">{} {}</text>"#,
            escape(&t.via),
            status_mark(t.status)
        );
    }
    for (state, (x, y)) in &position {
        match *state {
            CREATED => {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="#24292f"><title>creation</title></circle>"##,
                    x + NODE_W - 9.0,
                    y + NODE_H / 2.0
                );
            }
            _ => {
                let (label, class) = if *state == ANY {
                    ("any state", "state any")
                } else {
                    (*state, "state")
                };
                let _ = writeln!(
                    out,
                    r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{NODE_W}" height="{NODE_H}" rx="15"/>"#
                );
                let _ = writeln!(
                    out,
                    r#"<text class="state-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    x + NODE_W / 2.0,
                    y + NODE_H / 2.0 + 4.0,
                    escape(label)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn mermaid_marks_every_edge_with_its_status() {
        let report = sample_report();
        let lifecycles = lifecycles(&report);
        assert_eq!(lifecycles.len(), 1);
        let (kind, edges) = &lifecycles[0];
        assert_eq!(*kind, "connection");
        let text = mermaid(edges);
        assert!(text.starts_with("flowchart LR\n"));
        assert!(text.contains("created -->|\"CreateConnection ✗\"| s_requested"));
        assert!(text.contains("s_requested -.->|\"async ·\"| s_pending"));
        assert!(text.contains("any -->|\"DeleteConnection ✓\"| s_deleted"));
        assert_eq!(text.matches("linkStyle").count(), edges.len());
    }

    #[test]
    fn the_svg_draws_each_state_once_and_each_edge() {
        let report = sample_report();
        let (kind, edges) = &lifecycles(&report)[0];
        let drawing = svg(kind, edges);
        assert!(drawing.starts_with("<svg"));
        assert_eq!(drawing.matches("<path class=\"edge").count(), edges.len());
        assert_eq!(drawing.matches(">available</text>").count(), 1);
        assert!(drawing.contains("class=\"edge violated\""));
        assert!(drawing.contains("any state"));
    }
}
