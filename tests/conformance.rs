//! `cargo test --test conformance`: one libtest trial per operation × check group
//! against the target named by `DXCONFORM_TARGET` (default `embedded`):
//!
//! - `embedded`: the reference target, in-process (every trial must pass);
//! - `moto`: the pinned moto server from `.venv` (or `$DXCONFORM_MOTO_SERVER`);
//! - a loopback URL (`http://127.0.0.1:4566`), with `DXCONFORM_ACCOUNT_HEADER`
//!   and `DXCONFORM_RESET_URL` when the emulator selects accounts by header or resets.
//!
//! The suite runs once (cached); each trial reports its cell: pass → ok; fail →
//! failed, printing every failure bucket with its reproduction; not implemented
//! or not exercised → ignored, the reason shown as the trial's kind (run them
//! with `--ignored` to see them fail with the reason). libtest's filters,
//! `--list`, `--ignored`, `--format` and exit codes behave as usual, so an
//! emulator's CI needs only this file and `DXCONFORM_TARGET`.
//!
//! `DXCONFORM_CASES` (default 512 on the reference target, 64 elsewhere) and
//! `DXCONFORM_SEED` (default 2026) size the run;
//! reproductions are written to `target/tmp/conformance-<target>/`.

use std::path::PathBuf;
use std::sync::OnceLock;

use dxconform::report::{buckets_text, cell_buckets, not_implemented_reason, uncovered_failures};
use dxconform::run::{run, CoverageCell, RunConfig, RunReport, CHECK_GROUPS};
use dxconform::target::{TargetConfig, TargetKind};
use dxconform::vocab::AccountSelector;
use libtest_mimic::{Arguments, Failed, Trial};

/// The run every trial reads.
static SUITE: OnceLock<Result<RunReport, String>> = OnceLock::new();

/// Cases of the run: `DXCONFORM_CASES`, or 512 on the in-process reference target (it answers
/// in microseconds, and every modelled operation gets exercised), 64 elsewhere (`dxconform run`'s
/// default: an emulator takes milliseconds per call, and shrinking its findings takes more).
fn cases(kind: TargetKind) -> u32 {
    std::env::var("DXCONFORM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(if kind == TargetKind::Embedded {
            512
        } else {
            64
        })
}

/// Seed of the run (default 2026, so a CI failure reproduces locally).
fn seed() -> u64 {
    std::env::var("DXCONFORM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026)
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.split(']').next())
        .unwrap_or_else(|| host.rsplit_once(':').map_or(host, |(h, _)| h));
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The target named by `DXCONFORM_TARGET`, and a short name for folders.
fn target() -> Result<(TargetConfig, String), String> {
    let name = std::env::var("DXCONFORM_TARGET").unwrap_or_else(|_| "embedded".to_owned());
    let config = match name.as_str() {
        "" | "embedded" => TargetConfig::default(),
        "moto" => TargetConfig {
            kind: TargetKind::Moto,
            ..TargetConfig::default()
        },
        url if url.starts_with("http://") || url.starts_with("https://") => {
            if !is_loopback(url) {
                return Err(format!(
                    "DXCONFORM_TARGET={url}: the conformance tests talk to loopback only"
                ));
            }
            TargetConfig {
                kind: TargetKind::Url,
                endpoint: Some(url.to_owned()),
                selector: std::env::var("DXCONFORM_ACCOUNT_HEADER")
                    .ok()
                    .map(AccountSelector::Header),
                reset_url: std::env::var("DXCONFORM_RESET_URL").ok(),
                ..TargetConfig::default()
            }
        }
        other => {
            return Err(format!(
                "DXCONFORM_TARGET={other:?}: expected embedded, moto or a loopback URL"
            ))
        }
    };
    let folder = if config.kind == TargetKind::Url {
        "url".to_owned()
    } else {
        name.clone()
    };
    Ok((config, folder))
}

/// Run the suite (once) and write its reports, so failures can point at replay files.
fn suite() -> &'static Result<RunReport, String> {
    SUITE.get_or_init(|| {
        let (target, folder) = target()?;
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("conformance-{folder}"));
        let config = RunConfig {
            cases: cases(target.kind),
            target,
            seed: seed(),
            out: out.clone(),
            ..RunConfig::default()
        };
        let mut report = run(&config).map_err(|e| format!("the run did not complete: {e}"))?;
        dxconform::report::write_all(&mut report, &out)
            .map_err(|e| format!("cannot write the reports: {e}"))?;
        eprintln!(
            "dxconform: {} cases against {} (seed {}); reports in {}",
            report.cases_run,
            dxconform::report::target_name(&report),
            report.seed,
            out.display()
        );
        Ok(report)
    })
}

/// Operations of the suite, without running it (`--list` must not need a target).
fn operations() -> Vec<&'static str> {
    let mut ops = dxconform::model::Step::operations();
    ops.sort_unstable();
    ops
}

fn trial_name(operation: &str, group: &str) -> String {
    format!("{operation}::{group}")
}

/// The outcome of one cell, as a trial result.
fn cell(operation: &str, group: &str) -> Result<(), Failed> {
    let report = suite().as_ref().map_err(|e| Failed::from(e.as_str()))?;
    let state = report
        .coverage
        .get(operation)
        .and_then(|row| row.get(group))
        .copied()
        .unwrap_or(CoverageCell::NotExercised);
    match state {
        CoverageCell::Pass => Ok(()),
        CoverageCell::NotImplemented => Err(not_implemented_reason(report, operation).into()),
        CoverageCell::NotExercised => Err(format!(
            "not exercised: the run never sent {operation} (the resources it needs were never created on this target, or DXCONFORM_CASES is too small)"
        )
        .into()),
        CoverageCell::Fail => {
            let failures: Vec<_> = cell_buckets(report, operation, group)
                .into_iter()
                .filter(|b| b.severity == dxconform::check::Severity::Failure)
                .collect();
            Err(buckets_text(report, &failures).into())
        }
    }
}

/// Why a cell is ignored, shown as the trial's kind; `None` for cells that run.
fn ignore_reason(report: &RunReport, operation: &str, group: &str) -> Option<&'static str> {
    match report
        .coverage
        .get(operation)
        .and_then(|row| row.get(group))
    {
        Some(CoverageCell::NotImplemented) => Some("not implemented"),
        Some(CoverageCell::NotExercised) | None => Some("not exercised"),
        Some(CoverageCell::Pass | CoverageCell::Fail) => None,
    }
}

fn main() {
    let args = Arguments::from_args();
    let names: Vec<(&'static str, &'static str)> = operations()
        .into_iter()
        .flat_map(|op| CHECK_GROUPS.iter().map(move |g| (op, *g)))
        .collect();
    // Run the target only when some trial will run: `--list` and filters matching nothing need none.
    let wanted = !args.list
        && names.iter().any(|(op, g)| {
            // Which cells are ignored is known only after the run: with --ignored, any may be.
            let probe = Trial::test(trial_name(op, g), || Ok(())).with_ignored_flag(args.ignored);
            !args.is_filtered_out(&probe)
        });
    let report = if wanted { suite().as_ref().ok() } else { None };
    let mut trials: Vec<Trial> = names
        .iter()
        .map(|&(op, group)| {
            let trial = Trial::test(trial_name(op, group), move || cell(op, group));
            match report.and_then(|r| ignore_reason(r, op, group)) {
                Some(reason) => trial.with_kind(reason).with_ignored_flag(true),
                None => trial,
            }
        })
        .collect();
    // Failures outside the table (a transport fault) still fail the suite.
    trials.push(Trial::test("run::other", || {
        let report = suite().as_ref().map_err(|e| Failed::from(e.as_str()))?;
        let failures = uncovered_failures(report);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(buckets_text(report, &failures).into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
