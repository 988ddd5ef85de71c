//! `dxconform sweep`: delete the leftovers of earlier runs recorded in a resource
//! journal, children first, retrying what a dependency still blocks. Nothing that
//! is not in the journal is ever touched.

use std::path::Path;
use std::time::Duration;

use super::RunError;
use crate::target::{Journal, JournalEntry, LaunchedTarget, Outcome, TargetConfig};

/// What a sweep did.
#[derive(Debug, Clone, Default)]
pub struct SweepOutcome {
    /// Resources deleted.
    pub deleted: Vec<JournalEntry>,
    /// Resources already gone (the target says they do not exist, are deleted, or
    /// an accepted proposal that has become an association).
    pub gone: Vec<JournalEntry>,
    /// Resources whose delete still failed, with the last answer.
    pub failed: Vec<(JournalEntry, String)>,
}

/// Whether a refused delete says there is nothing left to delete.
fn already_gone(outcome: &Outcome) -> bool {
    let Outcome::ServiceError {
        message: Some(message),
        ..
    } = outcome
    else {
        return false;
    };
    let m = message.to_ascii_lowercase();
    [
        "not found",
        "does not exist",
        "already deleted",
        "is deleted",
        "in the deleted state",
        "in the accepted state",
    ]
    .iter()
    .any(|p| m.contains(p))
}

/// Passes over the leftovers (a parent may fail until its children are gone).
const PASSES: usize = 4;

/// Delete the journal's leftovers of `run_id` (`None`: every run) on the target.
pub fn sweep(
    target: &TargetConfig,
    journal: &Path,
    run_id: Option<&str>,
) -> Result<SweepOutcome, RunError> {
    let mut pending = Journal::leftovers(journal, run_id).map_err(|e| RunError::Replay {
        path: journal.to_owned(),
        reason: e.to_string(),
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let mut config = target.clone();
    config.journal = None;
    runtime.block_on(async {
        let target = LaunchedTarget::launch(&config).await?;
        let mut outcome = SweepOutcome::default();
        for pass in 0..PASSES {
            let mut still = Vec::new();
            for entry in pending {
                let exchange = target
                    .client
                    .call(entry.principal, &entry.operation, &entry.body)
                    .await;
                if matches!(exchange.outcome, Outcome::Success(_)) {
                    let _ = Journal::mark_deleted(journal, &entry);
                    outcome.deleted.push(entry);
                } else if already_gone(&exchange.outcome) {
                    let _ = Journal::mark_deleted(journal, &entry);
                    outcome.gone.push(entry);
                } else {
                    let why = match &exchange.outcome {
                        Outcome::TransportFault { message, .. } => message.clone(),
                        _ => format!("HTTP {} {}", exchange.status, exchange.body_text()),
                    };
                    still.push((entry, why));
                }
            }
            if still.is_empty() || pass + 1 == PASSES {
                outcome.failed = still;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200 << pass)).await;
            pending = still.into_iter().map(|(e, _)| e).collect();
        }
        target.stop().await;
        Ok(outcome)
    })
}
