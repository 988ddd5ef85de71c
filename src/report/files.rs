//! Writing the output folder: report.json, report.md, report.html, junit.xml,
//! and per shrunk plan its replay file, aws CLI script, curl transcript and pytest file.

use std::path::{Path, PathBuf};

use super::awscli::aws_cli_script;
use super::curl::curl_transcript;
use super::findings::ReplayFiles;
use super::pytest::pytest_file;
use super::{html, junit, markdown, ReportError};
use crate::run::{BucketRef, ReplayFile, RunReport, REPLAY_FORMAT};
use crate::target::TargetKind;

/// Paths written.
#[derive(Debug, Clone)]
pub struct Written {
    /// report.json.
    pub json: PathBuf,
    /// report.md.
    pub markdown: PathBuf,
    /// report.html.
    pub html: PathBuf,
    /// junit.xml.
    pub junit: PathBuf,
    /// The files of each saved reproduction, one per distinct shrunk plan.
    pub reproductions: Vec<WrittenReproduction>,
}

/// The files one saved reproduction comes as.
#[derive(Debug, Clone)]
pub struct WrittenReproduction {
    /// The replay file.
    pub replay: PathBuf,
    /// The aws CLI script beside it.
    pub script: PathBuf,
    /// The curl transcript beside it.
    pub transcript: PathBuf,
    /// The pytest file beside it.
    pub pytest: PathBuf,
}

/// Write `text` to `path`, creating its folder.
pub fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    write_creating_folder(path, text).map_err(|(path, source)| ReportError::Write { path, source })
}

/// Write `text` to `path`, creating its folder; on failure, the path that failed and why.
pub(super) fn write_creating_folder(
    path: &Path,
    text: &str,
) -> Result<(), (PathBuf, std::io::Error)> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| (parent.to_owned(), e))?;
    }
    std::fs::write(path, text).map_err(|e| (path.to_owned(), e))
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

/// Remove the reproductions an earlier run wrote into `dir` (`NNN-check-Operation`
/// `.json`, `.sh`, `.curl.txt`, `.py`), so that the folder holds this run's only; other
/// files are left alone.
fn remove_earlier_reproductions(dir: &Path) -> Result<(), ReportError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(()); // no folder yet
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let numbered = name.len() > 4
            && name.as_bytes()[..3].iter().all(u8::is_ascii_digit)
            && name.as_bytes()[3] == b'-';
        let ours = [".json", ".sh", ".curl.txt", ".py"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if numbered && ours {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| ReportError::Write { path, source })?;
        }
    }
    Ok(())
}

/// Write every output of a run into `out`; fills each bucket's `replay_file`.
pub fn write_all(report: &mut RunReport, out: &Path) -> Result<Written, ReportError> {
    remove_earlier_reproductions(&out.join("replays"))?;
    let mut reproductions = Vec::new();
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
            .map(BucketRef::of)
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
            plan: crate::run::plan_as_sent(repro),
        };
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| ReportError::Serialize(e.to_string()))?;
        let path = out.join(&name);
        write(&path, &(text + "\n"))?;
        by_round.insert(repro.round, name.clone());
        repro.replay_file = Some(name);
    }
    // Scripts and transcripts once every replay file has its name, so each can point at the others.
    let mut done = std::collections::BTreeSet::new();
    for bucket in &report.buckets {
        let Some(repro) = &bucket.repro else {
            continue;
        };
        let Some(name) = &repro.replay_file else {
            continue;
        };
        if !done.insert(name.clone()) {
            continue;
        }
        let files = ReplayFiles::of(report, name);
        let script = out.join(&files.script);
        write(&script, &aws_cli_script(report, repro))?;
        make_executable(&script)?;
        let transcript = out.join(&files.curl);
        write(&transcript, &curl_transcript(report, repro))?;
        let pytest = out.join(&files.pytest);
        write(&pytest, &pytest_file(report, repro))?;
        reproductions.push(WrittenReproduction {
            replay: out.join(name),
            script,
            transcript,
            pytest,
        });
    }
    let json = out.join("report.json");
    let text =
        serde_json::to_string_pretty(report).map_err(|e| ReportError::Serialize(e.to_string()))?;
    write(&json, &(text + "\n"))?;
    let md = out.join("report.md");
    write(&md, &markdown(report))?;
    let page = out.join("report.html");
    write(&page, &html(report))?;
    let xml = out.join("junit.xml");
    write(&xml, &junit(report))?;
    Ok(Written {
        json,
        markdown: md,
        html: page,
        junit: xml,
        reproductions,
    })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), ReportError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        ReportError::Write {
            path: path.to_owned(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), ReportError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{sample_report, scratch_path};

    #[test]
    fn an_earlier_runs_reproductions_are_replaced_and_other_files_kept() {
        let (dir, replays) = scratch_path("replays");
        std::fs::create_dir_all(&replays).unwrap();
        for stale in [
            "007-model.echo-CreateLag.json",
            "007-model.echo-CreateLag.sh",
            "007-model.echo-CreateLag.curl.txt",
            "007-model.echo-CreateLag.py",
        ] {
            std::fs::write(replays.join(stale), "old").unwrap();
        }
        std::fs::write(replays.join("notes.txt"), "mine").unwrap();
        let mut report = sample_report();
        write_all(&mut report, dir.path()).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&replays)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "001-model.state-CreateConnection.curl.txt",
                "001-model.state-CreateConnection.json",
                "001-model.state-CreateConnection.py",
                "001-model.state-CreateConnection.sh",
                "notes.txt"
            ]
        );
    }

    #[test]
    fn the_output_folder_holds_every_report_and_four_reproductions() {
        let dir = tempfile::tempdir().unwrap();
        let mut report = sample_report();
        report.buckets[0].repro.as_mut().unwrap().replay_file = None;
        let written = write_all(&mut report, dir.path()).unwrap();
        for path in [
            &written.json,
            &written.markdown,
            &written.html,
            &written.junit,
        ] {
            assert!(path.is_file(), "{}", path.display());
        }
        assert_eq!(written.reproductions.len(), 1);
        let reproduction = &written.reproductions[0];
        for path in [
            &reproduction.replay,
            &reproduction.transcript,
            &reproduction.pytest,
        ] {
            assert!(path.is_file(), "{}", path.display());
        }
        let script = &reproduction.script;
        assert!(script
            .to_string_lossy()
            .ends_with("replays/001-model.state-CreateConnection.sh"));
        assert!(std::fs::read_to_string(script)
            .unwrap()
            .starts_with("#!/usr/bin/env bash"));
        let json: RunReport =
            serde_json::from_str(&std::fs::read_to_string(&written.json).unwrap()).unwrap();
        assert_eq!(
            json.buckets[0]
                .repro
                .as_ref()
                .unwrap()
                .replay_file
                .as_deref(),
            Some("replays/001-model.state-CreateConnection.json")
        );
    }
}
