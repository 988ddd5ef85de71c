//! Writing the output folder: report.json, report.md and one replay file per shrunk bucket.

use std::path::{Path, PathBuf};

use super::{markdown, ReportError};
use crate::run::{BucketRef, ReplayFile, RunReport, REPLAY_FORMAT};
use crate::target::TargetKind;

/// Paths written.
#[derive(Debug, Clone)]
pub struct Written {
    /// report.json.
    pub json: PathBuf,
    /// report.md.
    pub markdown: PathBuf,
    /// Replay files.
    pub replays: Vec<PathBuf>,
}

fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ReportError::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })
}

/// The command line that replays a file against the same kind of target.
pub fn replay_command(report: &RunReport, file: &str) -> String {
    let target = match report.target.kind {
        TargetKind::Embedded => String::new(),
        TargetKind::Moto => " --target moto".to_owned(),
        TargetKind::Aws => " --target aws --allow-real-aws".to_owned(),
        TargetKind::Url => format!(" --endpoint {}", report.target.endpoint),
    };
    format!("dxconform replay {file}{target}")
}

/// Write every output of a run into `out`; fills each bucket's `replay_file`.
pub fn write_all(report: &mut RunReport, out: &Path) -> Result<Written, ReportError> {
    let mut replays = Vec::new();
    // One replay file per distinct shrunk plan (several buckets may share one).
    let mut next = 1;
    let mut by_round: std::collections::BTreeMap<u32, String> = Default::default();
    let buckets_snapshot = report.buckets.clone();
    for bucket in &mut report.buckets {
        let Some(repro) = &mut bucket.repro else {
            continue;
        };
        if let Some(existing) = by_round.get(&repro.round) {
            repro.replay_file = Some(existing.clone());
            continue;
        }
        let name = format!(
            "replays/{next:03}-{}-{}.json",
            bucket.check, bucket.operation
        );
        next += 1;
        let expect = buckets_snapshot
            .iter()
            .filter(|b| b.repro.as_ref().is_some_and(|r| r.round == repro.round))
            .map(|b| BucketRef {
                check: b.check.clone(),
                operation: b.operation.clone(),
                path: b.path.clone(),
                status: b.status,
            })
            .collect();
        let file = ReplayFile {
            format: REPLAY_FORMAT,
            about:
                "A minimal failing plan found by dxconform; re-run it with `dxconform replay FILE`."
                    .to_owned(),
            seed: repro.seed,
            round: repro.round,
            target: report.target.clone(),
            checks: report.config.checks.clone(),
            expect,
            plan: repro.plan.clone(),
        };
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| ReportError::Serialize(e.to_string()))?;
        let path = out.join(&name);
        write(&path, &(text + "\n"))?;
        replays.push(path);
        by_round.insert(repro.round, name.clone());
        repro.replay_file = Some(name);
    }
    let json = out.join("report.json");
    let text =
        serde_json::to_string_pretty(report).map_err(|e| ReportError::Serialize(e.to_string()))?;
    write(&json, &(text + "\n"))?;
    let md = out.join("report.md");
    write(&md, &markdown(report))?;
    Ok(Written {
        json,
        markdown: md,
        replays,
    })
}
