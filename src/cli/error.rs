//! The command line's one error type and the exit code of each kind of failure
//! ([`CliError::exit_code`]: an exhaustive match, so a new kind cannot be added
//! without choosing its code; the codes are `crate::exit_code`'s and the README's).

use std::path::PathBuf;

use crate::exit_code::ExitCode;

/// Why a command did not complete.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag value (or combination of flags) that cannot be used.
    #[error("{0}")]
    Usage(String),
    /// The target configuration is refused (the real-AWS gate, bad accounts or endpoint).
    #[error(transparent)]
    Config(#[from] crate::target::ConfigError),
    /// A budget setting that cannot be used.
    #[error(transparent)]
    Budget(#[from] crate::run::BudgetError),
    /// A budget in the configuration file that cannot be used.
    #[error("{path}")]
    BudgetFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: crate::run::BudgetError,
    },
    /// A file that cannot be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file that cannot be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The target could not be launched, reached or reset.
    #[error(transparent)]
    Target(#[from] crate::target::TargetError),
    /// A run (or replay, sweep, merge, kill matrix) could not be carried out.
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// The run was interrupted (Ctrl-C, SIGTERM, SIGHUP); it swept what it created
    /// where it keeps a journal, and its report is marked incomplete.
    #[error("{}", interrupted(.0))]
    Interrupted(crate::run::Interruption),
    /// A report could not be written or read.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A baseline file could not be read, parsed or written.
    #[error(transparent)]
    Baseline(#[from] crate::report::BaselineError),
    /// `dxconform explain` was given an id that is neither a check nor a root cause.
    #[error(transparent)]
    Explain(#[from] crate::report::UnknownId),
    /// A cassette could not be recorded, read or replayed.
    #[error(transparent)]
    Cassette(#[from] crate::cassette::CassetteError),
    /// The benchmark could not run.
    #[error(transparent)]
    Bench(#[from] crate::bench::BenchError),
    /// A value could not be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// `dxconform serve` could not listen.
    #[error("cannot serve on {addr}")]
    Serve {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The cause.
        #[source]
        source: crate::emulator::ServeError,
    },
    /// The async runtime could not start, or signals could not be waited for.
    #[error("{what}")]
    Runtime {
        /// What could not be done.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    /// The exit code of this failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_)
            | CliError::Config(_)
            | CliError::Budget(_)
            | CliError::BudgetFile { .. }
            | CliError::Baseline(_)
            | CliError::Read { .. }
            | CliError::Write { .. } => ExitCode::Error,
            CliError::Target(_)
            | CliError::Run(_)
            | CliError::Report(_)
            | CliError::Cassette(_)
            | CliError::Bench(_)
            | CliError::Json(_)
            | CliError::Serve { .. }
            | CliError::Runtime { .. } => ExitCode::Error,
            CliError::Explain(_) => ExitCode::UnknownId,
            // The report is incomplete, so no verdict.
            CliError::Interrupted(_) => ExitCode::Interrupted,
        }
    }
}

/// What an interrupted run says: by what, what it swept, and how to finish the sweep.
fn interrupted(interruption: &crate::run::Interruption) -> String {
    let by = interruption
        .signal
        .map_or_else(String::new, |s| format!(" by {s}"));
    let Some(swept) = &interruption.swept else {
        return format!("interrupted{by}; the report is incomplete");
    };
    let mut text = if swept.left == 0 && swept.errors.is_empty() {
        format!(
            "interrupted{by}; the report is incomplete; deleted what run {} created",
            swept.run_id
        )
    } else {
        format!(
            "interrupted{by}; the report is incomplete; {} resources of run {run_id} could not be deleted; run `dxconform sweep --journal {} --run-id {run_id}`",
            swept.left,
            swept.journal.display(),
            run_id = swept.run_id
        )
    };
    for e in &swept.errors {
        text.push_str("\nerror: ");
        text.push_str(e);
    }
    text
}

/// `Err` for a flag value that cannot be used.
pub(super) fn usage<T>(message: impl Into<String>) -> Result<T, CliError> {
    Err(CliError::Usage(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{InterruptSweep, Interruption, Signal};

    #[test]
    fn an_interrupted_run_exits_3_and_says_by_what_and_what_it_swept() {
        let swept = InterruptSweep {
            run_id: "run-9-1".into(),
            journal: "out/journal.ndjson".into(),
            left: 0,
            errors: Vec::new(),
        };
        let clean = CliError::Interrupted(Interruption {
            signal: Some(Signal::Terminate),
            after_ms: 1200,
            swept: Some(swept.clone()),
        });
        assert_eq!(clean.exit_code(), ExitCode::Interrupted);
        assert_eq!(clean.exit_code().code(), 3);
        assert_eq!(
            clean.to_string(),
            "interrupted by SIGTERM; the report is incomplete; deleted what run run-9-1 created"
        );
        let left = CliError::Interrupted(Interruption {
            swept: Some(InterruptSweep { left: 3, ..swept }),
            ..Interruption::default()
        });
        assert!(
            left.to_string().contains("3 resources of run run-9-1 could not be deleted; run `dxconform sweep --journal out/journal.ndjson --run-id run-9-1`"),
            "{left}"
        );
        let unswept = CliError::Interrupted(Interruption {
            signal: Some(Signal::Hangup),
            ..Interruption::default()
        });
        assert_eq!(
            unswept.to_string(),
            "interrupted by SIGHUP; the report is incomplete"
        );
        assert_eq!(unswept.exit_code(), ExitCode::Interrupted);
    }
}
