//! Replay files: a saved failing plan that `dxconform replay FILE` re-executes
//! against any target, saying whether it still fails.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::case::{execute, CaseContext, StepRecord};
use super::runner::discover_env;
use super::{Repro, RunConfig, RunError};
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

impl BucketRef {
    /// The reference to `bucket`.
    pub fn of(bucket: &super::Bucket) -> BucketRef {
        BucketRef {
            check: bucket.check.clone(),
            operation: bucket.operation.clone(),
            path: bucket.path.clone(),
            status: bucket.status,
        }
    }

    /// Whether this reference names `bucket` (same check, operation, path and status).
    pub fn names(&self, bucket: &super::Bucket) -> bool {
        self.check == bucket.check
            && self.operation == bucket.operation
            && self.path == bucket.path
            && self.status == bucket.status
    }
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

/// The plan of `repro` as the run sent it: each step as recorded, so inputs the run
/// added to the plan (the run-ownership tag of `model::run_tag` on targets that
/// cannot be reset) are replayed too — a finding may depend on them (a tag count at
/// its limit, a tag echoed). Steps a transport fault left unsent keep the plan's form.
pub fn plan_as_sent(repro: &Repro) -> Plan {
    let steps = repro
        .plan
        .steps
        .iter()
        .enumerate()
        .map(|(index, planned)| {
            repro
                .steps
                .iter()
                .find(|s| s.index == index)
                .map_or_else(|| planned.clone(), |s| s.step.clone())
        })
        .collect();
    Plan { steps }
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
    let runtime = super::launch_runtime().map_err(RunError::Runtime)?;
    let checks = CheckSet::select(&config.checks, &config.exclude_checks)?;
    runtime.block_on(async {
        let target = super::launch(&config.target, &config.emulator).await?;
        let result = async {
            target.probe().await?;
            let env = discover_env(&target).await;
            target.reset().await?;
            let sdk = SdkParser::new();
            let pace = super::Pace::default();
            let ctx = CaseContext {
                client: &target.client,
                target: &target,
                env: &env,
                checks: &checks,
                sdk: &sdk,
                spec: Spec::builtin(),
                budget: None,
                records: super::Records::Full,
                pace: &pace,
                origin: super::CaseOrigin::default(),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{with_run_tag, RUN_TAG_KEY};

    #[test]
    fn replayed_plans_keep_the_run_tag_the_run_added() {
        let create: crate::model::Step = serde_json::from_value(json!(
            {"op": "CreateConnection", "by": "owner", "location": 0, "bandwidth": "1Gbps", "name": "dx-alpha", "tags": []}
        ))
        .unwrap();
        let describe: crate::model::Step = serde_json::from_value(
            json!({"op": "DescribeConnections", "by": "owner", "target": 0}),
        )
        .unwrap();
        let sent = with_run_tag(&create, "run-1");
        let record = |index: usize, step: &crate::model::Step| {
            serde_json::from_value::<StepRecord>(json!({
                "index": index, "step": step, "skipped": false, "operation": step.operation(),
                "principal": "owner", "request": {}, "status": 200, "outcome": "success",
                "error_type": null, "response": "{}", "latency_us": 1
            }))
            .unwrap()
        };
        let repro = Repro {
            seed: 7,
            round: 1,
            plan: Plan {
                steps: vec![create.clone(), describe.clone()],
            },
            // The second step was never sent (a transport fault ended the case).
            steps: vec![record(0, &sent)],
            findings: Vec::new(),
            reproduced: true,
            case: 0,
            shrink_requests: 0,
            shrink: Default::default(),
            replay_file: None,
        };
        let plan = plan_as_sent(&repro);
        assert_eq!(plan.steps, [sent, describe]);
        assert!(serde_json::to_string(&plan).unwrap().contains(RUN_TAG_KEY));
    }
}
