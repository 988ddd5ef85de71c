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

const COLUMN: f64 = 250.0;
const NODE_W: f64 = 116.0;
const NODE_H: f64 = 30.0;
const MARGIN: f64 = 30.0;
const LINE: f64 = 12.0;
/// Rough width of one character of an edge label (11 px sans-serif), for layout.
const CHAR_W: f64 = 6.2;

/// Edges between the same two states, drawn as one arrow with one label line per edge.
struct EdgeGroup<'a> {
    from: &'a str,
    to: &'a str,
    edges: Vec<&'a TransitionCoverage>,
}

impl EdgeGroup<'_> {
    /// The arrow's status: violated if any edge is, else exercised if any is, else not reached.
    fn status(&self) -> EdgeStatus {
        let any = |s| self.edges.iter().any(|t| t.status == s);
        if any(EdgeStatus::Violated) {
            EdgeStatus::Violated
        } else if any(EdgeStatus::Exercised) {
            EdgeStatus::Exercised
        } else {
            EdgeStatus::NotReached
        }
    }
}

fn groups<'a>(edges: &[&'a TransitionCoverage]) -> Vec<EdgeGroup<'a>> {
    let mut out: Vec<EdgeGroup<'a>> = Vec::new();
    for t in edges {
        match out.iter_mut().find(|g| g.from == t.from && g.to == t.to) {
            Some(g) => g.edges.push(t),
            None => out.push(EdgeGroup {
                from: &t.from,
                to: &t.to,
                edges: vec![t],
            }),
        }
    }
    out
}

/// The SVG drawing of one lifecycle (self-contained; no scripts, no external references).
/// Columns follow the lifecycle from creation; edges between the same two states share
/// one arrow whose label lists each operation with its mark.
pub fn svg(kind: &str, edges: &[&TransitionCoverage]) -> String {
    let groups = groups(edges);
    let most_lines = groups.iter().map(|g| g.edges.len()).max().unwrap_or(1);
    let row = (34.0 + LINE * most_lines as f64).max(64.0);
    let (rank, detached) = ranks(edges);
    let columns = rank.values().max().map_or(1, |m| m + 1);
    let mut position: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    // Place states in order of first appearance, so the picture follows the lifecycle;
    // the detached band goes below the main one.
    let top = MARGIN + 14.0 + LINE * most_lines as f64;
    // Creation labels end at their target and may be wider than the first column: shift right.
    let longest_creation = edges
        .iter()
        .filter(|t| t.from == CREATED)
        .map(|t| t.via.chars().count() + 2)
        .max()
        .unwrap_or(0);
    let left = MARGIN.max(longest_creation as f64 * CHAR_W + 14.0 - COLUMN + MARGIN);
    let mut first_row = 0;
    for band_detached in [false, true] {
        let mut rows_per_column: Vec<usize> = vec![0; columns];
        for t in edges {
            for s in [t.from.as_str(), t.to.as_str()] {
                if position.contains_key(s) || detached.iter().any(|d| d == s) != band_detached {
                    continue;
                }
                let c = rank[s];
                let x = left + c as f64 * COLUMN;
                let y = top + (first_row + rows_per_column[c]) as f64 * row;
                rows_per_column[c] += 1;
                position.insert(s, (x, y));
            }
        }
        first_row += rows_per_column.iter().copied().max().unwrap_or(0);
    }
    let rows = first_row.max(1);
    let width = left + MARGIN + (columns as f64 - 1.0) * COLUMN + NODE_W;
    let height = top + rows as f64 * row + MARGIN;
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
    // The creation dot sits at the left of its column, so creation labels get the column's width.
    let anchor_of = |state: &str| -> (f64, f64, f64) {
        let (x, y) = position[state];
        if state == CREATED {
            (x, y, 18.0)
        } else {
            (x, y, NODE_W)
        }
    };
    // Edges first, so nodes cover their ends; labels last, readable over everything.
    let mut labels = String::new();
    for g in &groups {
        let (fx, fy, fw) = anchor_of(g.from);
        let (tx, ty, _) = anchor_of(g.to);
        let status = g.status();
        let color = status_color(status);
        let dash = if status == EdgeStatus::NotReached {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let stroke = if status == EdgeStatus::Violated { 3 } else { 2 };
        let marker = format!(
            "url(#arrow-{id}-{})",
            status_label(status).replace(' ', "-")
        );
        // The path, and where its label goes: (x, y of the last line, text-anchor).
        let (path, lx, ly, anchor) = if g.from == g.to {
            let cx = fx + NODE_W / 2.0;
            let lift = 26.0;
            (
                format!(
                    "M{:.1},{fy:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{fy:.1}",
                    cx - 18.0,
                    cx - 30.0,
                    fy - lift,
                    cx + 30.0,
                    fy - lift,
                    cx + 18.0
                ),
                cx,
                fy - lift,
                "middle",
            )
        } else if (tx - fx).abs() < 1.0 {
            // Same column: a vertical line; the two directions of a pair sit side by side.
            let down = ty > fy;
            let x = fx + NODE_W / 2.0 + if down { -10.0 } else { 10.0 };
            let (sy, ey) = if down {
                (fy + NODE_H, ty)
            } else {
                (fy, ty + NODE_H)
            };
            (
                format!("M{x:.1},{sy:.1} L{x:.1},{ey:.1}"),
                x + if down { -6.0 } else { 6.0 },
                (sy + ey) / 2.0 + 4.0,
                if down { "end" } else { "start" },
            )
        } else if tx > fx {
            let (sx, sy) = (fx + fw, fy + NODE_H / 2.0);
            let (ex, ey) = (tx, ty + NODE_H / 2.0);
            let path = format!("M{sx:.1},{sy:.1} L{ex:.1},{ey:.1}");
            if g.from == CREATED {
                // Creation edges fan out from one dot: label each at its target's end.
                (path, ex - 10.0, ey - 6.0, "end")
            } else {
                (path, (sx + ex) / 2.0, (sy + ey) / 2.0 - 6.0, "middle")
            }
        } else {
            // Backward: bow below the nodes.
            let (sx, sy) = (fx + NODE_W / 2.0, fy + NODE_H);
            let (ex, ey) = (tx + NODE_W / 2.0, ty + NODE_H);
            let (mx, my) = ((sx + ex) / 2.0, sy.max(ey) + 40.0);
            (
                format!("M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {ex:.1},{ey:.1}"),
                mx,
                (sy.max(ey) + my) / 2.0 + 10.0,
                "middle",
            )
        };
        let titles: Vec<String> = g
            .edges
            .iter()
            .map(|t| {
                format!(
                    "{} → {} via {}: {}",
                    t.from,
                    t.to,
                    t.via,
                    status_label(t.status)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            r#"<path class="edge {}" d="{path}" fill="none" stroke="{color}" stroke-width="{stroke}"{dash} marker-end="{marker}"><title>{}</title></path>"#,
            status_label(status).replace(' ', "-"),
            escape(&titles.join("\n"))
        );
        // One line per edge, the last on the anchor, earlier ones stacked above it.
        let lines = g.edges.len();
        for (i, t) in g.edges.iter().enumerate() {
            let y = ly - LINE * (lines - 1 - i) as f64;
            let _ = writeln!(
                labels,
                r#"<text class="edge-label" x="{lx:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{}">{} {}</text>"#,
                status_color(t.status),
                escape(&t.via),
                status_mark(t.status)
            );
        }
    }
    for (state, (x, y)) in &position {
        match *state {
            CREATED => {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="#24292f"><title>creation</title></circle>"##,
                    x + 9.0,
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
    out.push_str(&labels);
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
        assert_eq!(drawing.matches("class=\"edge-label\"").count(), edges.len());
        assert_eq!(drawing.matches(">available</text>").count(), 1);
        assert!(drawing.contains("class=\"edge violated\""));
        assert!(drawing.contains("any state"));
    }
}
