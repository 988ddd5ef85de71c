//! Replay files: a saved failing plan that `dxconform replay FILE` re-executes
//! against any target, saying whether it still fails.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::case::{execute, CaseContext, StepRecord};
use super::runner::discover_env;
use super::{RunConfig, RunError};
use crate::check::{CheckSet, Finding, SdkParser};
use crate::model::Plan;
use crate::spec::Spec;
use crate::target::TargetIdentity;

/// Format version of replay files.
pub const REPLAY_FORMAT: u32 = 1;

/// The bucket a replay is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketRef {
    /// Check id.
    pub check: String,
    /// Operation.
    pub operation: String,
    /// JSON path (with `[*]`).
    pub path: String,
    /// HTTP status.
    pub status: u16,
}

/// A saved failing plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayFile {
    /// [`REPLAY_FORMAT`].
    pub format: u32,
    /// `dxconform replay FILE` re-executes this plan; this note says so to whoever opens the file.
    pub about: String,
    /// Seed of the run that found it.
    pub seed: u64,
    /// Search round.
    pub round: u32,
    /// Target it was found on.
    pub target: TargetIdentity,
    /// Checks that were enabled.
    pub checks: Vec<String>,
    /// The buckets this plan shows.
    pub expect: Vec<BucketRef>,
    /// The plan.
    pub plan: Plan,
}

impl ReplayFile {
    /// Read and parse.
    pub fn load(path: &Path) -> Result<ReplayFile, RunError> {
        let fail = |reason: String| RunError::Replay {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let file: ReplayFile = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
        if file.format != REPLAY_FORMAT {
            return Err(fail(format!(
                "format {} is not {REPLAY_FORMAT}",
                file.format
            )));
        }
        Ok(file)
    }
}

/// What a replay showed.
#[derive(Debug, Clone)]
pub struct ReplayOutcome {
    /// The expected buckets still show (or, with none recorded, any failure shows).
    pub still_fails: bool,
    /// All findings of the replay.
    pub findings: Vec<Finding>,
    /// The steps as executed.
    pub steps: Vec<StepRecord>,
}

/// Re-execute a replay file's plan against the target of `config`.
pub fn replay(config: &RunConfig, file: &ReplayFile) -> Result<ReplayOutcome, RunError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let checks = CheckSet::select(&config.checks, &config.exclude_checks)?;
    runtime.block_on(async {
        let target = super::launch(&config.target, &config.emulator).await?;
        let result = async {
            target.probe().await?;
            let env = discover_env(&target).await;
            target.reset().await?;
            let sdk = SdkParser::new();
            let ctx = CaseContext {
                client: &target.client,
                target: &target,
                env: &env,
                checks: &checks,
                sdk: &sdk,
                spec: Spec::builtin(),
                budget: None,
                records: super::Records::Full,
            };
            Ok::<_, RunError>(execute(&ctx, &file.plan).await)
        }
        .await;
        let _ = target.reset().await;
        target.stop().await;
        let outcome = result?;
        let still_fails = if file.expect.is_empty() {
            outcome
                .findings
                .iter()
                .any(|f| f.severity == crate::check::Severity::Failure)
        } else {
            outcome.findings.iter().any(|f| {
                let (check, operation, path, status) = f.key();
                file.expect.iter().any(|b| {
                    b.check == check
                        && b.operation == operation
                        && b.path == path
                        && b.status == status
                })
            })
        };
        Ok(ReplayOutcome {
            still_fails,
            findings: outcome.findings,
            steps: outcome.steps,
        })
    })
}
