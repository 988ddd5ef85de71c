//! Running: the case loop, step execution, shrinking with proptest, seeds,
//! replay, and per-case cleanup. Produces a [`RunReport`], the one model every
//! report renders.

mod budget;
mod case;
mod collect;
mod config;
mod dry_run;
mod error;
mod event_log;
mod events;
mod interrupt;
mod lanes;
mod launch;
mod merge;
mod mutants;
mod outcome;
mod pace;
mod redact;
mod replay;
mod root_cause;
mod root_cause_key;
mod runner;
mod search;
mod shrink;
mod sweep;
mod teardown;
mod wait;

pub use budget::{
    creates, halt_creates, Budget, BudgetError, BudgetReport, BudgetStop, Budgets, CaseBudget,
    ShrinkBudget,
};
pub use case::{execute, CaseContext, CaseOutcome, Records, StepRecord};
pub use config::{Partition, RunConfig};
pub use dry_run::{dry_plan, DryPlan};
pub use error::RunError;
pub use event_log::EventLog;
pub use events::{BucketKey, EventSink, Fanout, NoEvents, Phase, RunEvent, SeenEdge};
pub use interrupt::{Interrupt, InterruptSweep, Interruption, RunEnd, Signal};
pub use launch::{in_process, launch, launch_runtime};
pub use merge::merge;
pub use mutants::{kill_matrix, served_target, KillMatrix, MutantOutcome, Serving};
pub use outcome::{non_answer, uniformly_unanswered, Answers, UNIFORM_NON_ANSWER_OPERATIONS};
pub use outcome::{
    BaselineSummary, Bucket, CoverageCell, EdgeStatus, FirstFailure, Harness, NotModelled,
    OperationStats, ReportConfig, Repro, RunReport, ShrinkStatus, TransitionCoverage, CHECK_GROUPS,
    SCHEMA_VERSION,
};
pub use pace::{
    CaseOrigin, FullObservation, Observation, Pace, ShortenReason, ShortenedWait, ADAPTIVE_FACTOR,
    ADAPTIVE_FLOOR,
};
pub use redact::{redact, REDACTED};
pub use replay::{plan_as_sent, replay, BucketRef, ReplayFile, ReplayOutcome, REPLAY_FORMAT};
pub use root_cause::{root_causes, RootCause};
pub use root_cause_key::{current_key, key_kind, BaselineStatus, KEY_KINDS, RETIRED_KEYS};
pub use runner::{discover_env, run, run_observed};
pub use sweep::{discover_tagged, sweep, AccountSweep, SweepOutcome};
pub use teardown::{delete_live, Teardown, TeardownStats};
pub use wait::{WaitStats, Waiter};
