//! Run events: what the search emits as it goes (run started, one event per
//! step, case finished, failure shrunk, run interrupted, run finished). Sinks consume them: the
//! report collector (`run/collect.rs`, which builds the [`super::RunReport`] from
//! them alone), the NDJSON log (`--events FILE`), the progress display. So every
//! fact the report holds about the search is in the stream.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use super::case::CaseOutcome;
use super::outcome::Repro;
use super::{BudgetReport, TeardownStats, WaitStats};
use crate::check::Finding;
use crate::target::{TargetIdentity, WireStats};
use crate::vocab::Principal;

/// A failure bucket: check, operation, JSON path, HTTP status.
pub type BucketKey = (String, String, String, u16);

/// Why a case ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// A newly generated case of the search (counts towards `--cases`).
    Search,
    /// A case of an earlier round's RNG stream, re-run to reach a failing case again (not counted).
    Replay,
    /// A candidate while shrinking a failure.
    Shrink,
    /// The minimal plan, re-run once to tell reproducible from flaky.
    Rerun,
}

/// One event of a run. Serialized as one JSON object per line, with an `event` member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum RunEvent {
    /// The target is up; the search starts.
    Started {
        /// Run seed.
        seed: u64,
        /// Cases requested.
        cases: u32,
        /// The target.
        target: TargetIdentity,
    },
    /// One step of a case was sent (or skipped).
    Step {
        /// Number of the case within the run (1-based, every phase counted).
        case: u64,
        /// Why the case ran.
        phase: Phase,
        /// Index of the step within its case.
        step: usize,
        /// Operation.
        operation: String,
        /// Caller.
        principal: Principal,
        /// HTTP status (0: no answer or skipped).
        status: u16,
        /// Outcome label (`success`, `service-error`, `not-implemented`, …, `skipped`).
        outcome: String,
        /// Check ids of the findings of this step.
        findings: Vec<String>,
        /// Latency in microseconds.
        latency_us: u64,
        /// The rule a negative step broke (an invalid input's rule, a malformation).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
        /// The signature of an answer that answers nothing ([`super::non_answer`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        non_answer: Option<String>,
    },
    /// A case finished.
    CaseFinished {
        /// Number of the case within the run.
        case: u64,
        /// Why it ran.
        phase: Phase,
        /// Steps sent (skipped steps excluded).
        steps: usize,
        /// Findings of the case.
        findings: usize,
        /// Failure buckets this case showed first (`check operation path HTTP status`).
        new_buckets: Vec<String>,
        /// The case of `--cases` (0-based) whose RNG generated the plan: the search
        /// case itself, or the case whose failure is being shrunk.
        rng_case: u32,
        /// Every finding of the case, in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        found: Vec<Finding>,
        /// Resources the case created and could not delete.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        leaked: Vec<String>,
        /// Lifecycle edges the case observed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        transitions: Vec<SeenEdge>,
        /// What the case's waits for asynchronous states did.
        #[serde(default, skip_serializing_if = "no_waits")]
        waits: WaitStats,
        /// What the case's teardown did (targets without reset).
        #[serde(default, skip_serializing_if = "TeardownStats::is_empty")]
        teardown: TeardownStats,
    },
    /// A failure was shrunk to a minimal plan and re-run.
    Shrunk {
        /// Search round.
        round: u32,
        /// Steps of the minimal plan.
        steps: usize,
        /// Whether the re-run showed the failure again.
        reproduced: bool,
        /// The bucket shrunk.
        bucket: BucketKey,
        /// The minimal plan, its re-run's records and findings.
        repro: Box<Repro>,
    },
    /// The run was interrupted (after its cleanup, before `finished`): by what,
    /// when, and what the sweep of its resources did. The report is incomplete.
    Interrupted(super::Interruption),
    /// The search is over.
    Finished {
        /// Cases of the search.
        cases_run: u64,
        /// Steps of the search.
        steps_run: u64,
        /// Requests in total, shrinking included.
        requests: u64,
        /// Failure buckets.
        failures: usize,
        /// Wall time in milliseconds.
        duration_ms: u64,
        /// What the wire client retried and waited.
        wire: WireStats,
        /// What the budgets did (when the run had any).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        budget: Option<BudgetReport>,
        /// Waits decided after one poll by what the run had already observed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        shortened_waits: Vec<super::ShortenedWait>,
    },
}

fn no_waits(waits: &WaitStats) -> bool {
    *waits == WaitStats::default()
}

/// A lifecycle edge a case saw, by names (`model::ObservedEdge` as the stream carries it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SeenEdge {
    /// Lifecycle name of the resource type.
    pub kind: String,
    /// State before (`[*]` when the call created the resource).
    pub from: String,
    /// State seen.
    pub to: String,
    /// The operation that made the change, or `async`.
    pub via: String,
}

impl From<&crate::model::ObservedEdge> for SeenEdge {
    fn from(edge: &crate::model::ObservedEdge) -> Self {
        SeenEdge {
            kind: edge.kind.name().to_owned(),
            from: edge.from.to_owned(),
            to: edge.to.to_owned(),
            via: edge.via.to_owned(),
        }
    }
}

/// Something that consumes run events. Takes `&self` because the search calls it
/// from inside proptest's `Fn` closure; sinks keep their state behind interior mutability.
/// `Sync`: a run executes on its own thread (with a stack deep enough for the plan
/// strategies), and sinks are shared with it.
pub trait EventSink: Sync {
    /// Take one event.
    fn event(&self, event: &RunEvent);
}

/// Discards every event (library runs, tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn event(&self, _event: &RunEvent) {}
}

/// Hands every event to each of several sinks, in order.
#[derive(Default)]
pub struct Fanout<'a> {
    sinks: Vec<&'a dyn EventSink>,
}

impl<'a> Fanout<'a> {
    /// No sinks yet.
    pub fn new() -> Self {
        Fanout { sinks: Vec::new() }
    }

    /// Add a sink.
    pub fn with(mut self, sink: &'a dyn EventSink) -> Self {
        self.sinks.push(sink);
        self
    }
}

impl EventSink for Fanout<'_> {
    fn event(&self, event: &RunEvent) {
        for sink in &self.sinks {
            sink.event(event);
        }
    }
}

/// Numbers the cases of a run and turns each case outcome into its events.
pub(super) struct CaseEvents<'a> {
    sink: &'a dyn EventSink,
    cases: Cell<u64>,
}

impl<'a> CaseEvents<'a> {
    pub(super) fn new(sink: &'a dyn EventSink) -> Self {
        CaseEvents {
            sink,
            cases: Cell::new(0),
        }
    }

    pub(super) fn sink(&self) -> &'a dyn EventSink {
        self.sink
    }

    /// Emit one `step` event per step of `outcome` (a plan of case `rng_case`'s
    /// RNG), then `case-finished`.
    pub(super) fn case<'k>(
        &self,
        phase: Phase,
        rng_case: u32,
        outcome: &CaseOutcome,
        new_buckets: impl IntoIterator<Item = &'k BucketKey>,
    ) {
        let case = self.cases.get() + 1;
        self.cases.set(case);
        for s in &outcome.steps {
            let findings = outcome
                .findings
                .iter()
                .filter(|f| f.step == s.index)
                .map(|f| f.check.clone())
                .collect();
            self.sink.event(&RunEvent::Step {
                case,
                phase,
                step: s.index,
                operation: s.operation.clone(),
                principal: s.principal,
                status: s.status,
                outcome: s.outcome.clone(),
                findings,
                latency_us: s.latency_us,
                rule: s.step.broken_rule(),
                non_answer: s.non_answer.clone(),
            });
        }
        self.sink.event(&RunEvent::CaseFinished {
            case,
            phase,
            steps: outcome.steps.iter().filter(|s| !s.skipped).count(),
            findings: outcome.findings.len(),
            new_buckets: new_buckets
                .into_iter()
                .map(|(check, operation, path, status)| {
                    format!("{check} {operation} {path} HTTP {status}")
                })
                .collect(),
            rng_case,
            found: outcome.findings.clone(),
            leaked: outcome.leaked.clone(),
            transitions: outcome.transitions.iter().map(SeenEdge::from).collect(),
            waits: outcome.waits.clone(),
            teardown: outcome.teardown.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect(Mutex<Vec<RunEvent>>);

    impl EventSink for Collect {
        fn event(&self, event: &RunEvent) {
            self.0.lock().unwrap().push(event.clone());
        }
    }

    #[test]
    fn events_serialize_as_one_tagged_object_and_fan_out_to_every_sink() {
        let a = Collect::default();
        let b = Collect::default();
        let fanout = Fanout::new().with(&a).with(&b);
        fanout.event(&RunEvent::CaseFinished {
            case: 2,
            phase: Phase::Shrink,
            steps: 3,
            findings: 0,
            new_buckets: Vec::new(),
            rng_case: 1,
            found: Vec::new(),
            leaked: Vec::new(),
            transitions: Vec::new(),
            waits: WaitStats::default(),
            teardown: TeardownStats::default(),
        });
        assert_eq!(a.0.lock().unwrap().len(), 1);
        assert_eq!(b.0.lock().unwrap().len(), 1);
        let line = serde_json::to_string(&a.0.lock().unwrap()[0]).unwrap();
        assert_eq!(
            line,
            r#"{"event":"case-finished","case":2,"phase":"shrink","steps":3,"findings":0,"new_buckets":[],"rng_case":1}"#
        );
    }

    #[test]
    fn case_events_number_cases_and_name_new_buckets() {
        let sink = Collect::default();
        let events = CaseEvents::new(&sink);
        let outcome = CaseOutcome::default();
        let key = (
            "model.state".to_owned(),
            "CreateConnection".to_owned(),
            "$.connectionState".to_owned(),
            200,
        );
        events.case(Phase::Search, 0, &outcome, [&key]);
        events.case(Phase::Shrink, 0, &outcome, []);
        let seen = sink.0.lock().unwrap();
        assert_eq!(
            seen[0],
            RunEvent::CaseFinished {
                case: 1,
                phase: Phase::Search,
                steps: 0,
                findings: 0,
                new_buckets: vec!["model.state CreateConnection $.connectionState HTTP 200".into()],
                rng_case: 0,
                found: Vec::new(),
                leaked: Vec::new(),
                transitions: Vec::new(),
                waits: WaitStats::default(),
                teardown: TeardownStats::default(),
            }
        );
        assert!(matches!(
            seen[1],
            RunEvent::CaseFinished {
                case: 2,
                phase: Phase::Shrink,
                ..
            }
        ));
    }
}
