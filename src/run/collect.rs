//! The report collector: a sink of run events that builds the [`RunReport`] from
//! the stream alone (what each search case did, what shrinking found, how the run
//! ended), plus the run's configuration. The runner only emits events; the
//! `--events` log and the progress display read the same stream.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Instant;

use super::events::{BucketKey, EventSink, Phase, RunEvent, SeenEdge};
use super::outcome::{
    Bucket, CoverageCell, EdgeStatus, FirstFailure, Harness, NotModelled, OperationStats,
    ReportConfig, Repro, RunReport, TransitionCoverage, CHECK_GROUPS, SCHEMA_VERSION,
};
use super::{RunConfig, WaitStats};
use crate::check::{Finding, Severity};
use crate::model::{Plan, Step, LIFECYCLES, NOT_MODELLED};
use crate::spec::Spec;
use crate::target::TargetIdentity;
use crate::vocab::CheckId;

/// What the stream said so far.
#[derive(Default)]
struct Collected {
    /// When the search began (the `started` event), for the first failure's time.
    began: Option<Instant>,
    explored: u64,
    steps_run: u64,
    steps_skipped: u64,
    requests: u64,
    /// Per bucket: findings counted, the first finding, and the case it came from.
    tally: BTreeMap<BucketKey, (u64, Finding, u32)>,
    operations: BTreeMap<String, OperationStats>,
    leaked: Vec<String>,
    transitions: BTreeSet<SeenEdge>,
    waits: WaitStats,
    teardown: super::TeardownStats,
    first_failure: Option<FirstFailure>,
    repros: BTreeMap<BucketKey, Repro>,
    /// The `finished` event's wall time, wire statistics and budget report.
    finished: Option<RunEvent>,
    /// The `interrupted` event, when the run was.
    interrupted: Option<super::Interruption>,
}

impl Collected {
    /// A step of a search case: what a run covers is what its search cases did
    /// (never shrinking's), so the shares of a partitioned run add up to the whole run.
    fn search_step(
        &mut self,
        operation: &str,
        outcome: &str,
        latency_us: u64,
        rule: Option<&String>,
        non_answer: Option<&str>,
    ) {
        if outcome == "skipped" {
            self.steps_skipped += 1;
            return;
        }
        self.steps_run += 1;
        // Looked up before inserting: the names are nearly always known already.
        if !self.operations.contains_key(operation) {
            self.operations
                .insert(operation.to_owned(), OperationStats::default());
        }
        let Some(stats) = self.operations.get_mut(operation) else {
            return;
        };
        // A request malformed on the wire may never reach the operation's route: its
        // answer says nothing about whether the target implements the operation.
        if !rule.is_some_and(|r| r.starts_with(crate::model::MALFORMED_RULE_PREFIX)) {
            stats.answers.fold(non_answer);
        }
        stats.calls += 1;
        match stats.outcomes.get_mut(outcome) {
            Some(count) => *count += 1,
            None => {
                stats.outcomes.insert(outcome.to_owned(), 1);
            }
        }
        stats.latency_us += latency_us;
        if let Some(rule) = rule {
            stats.rules.insert(rule.clone());
        }
    }

    /// The buckets so far, each with its first example (or its repro's) and repro.
    fn buckets(&self) -> Vec<Bucket> {
        let c = self;
        c.tally
            .iter()
            .map(|(key, (count, first, first_case))| {
                let repro = c.repros.get(key).cloned();
                // Show the example the minimal sequence produces, so the reader sees
                // expected/actual and the sequence that yields them together.
                let example = repro
                    .as_ref()
                    .and_then(|r| r.findings.iter().find(|f| f.key() == *key))
                    .unwrap_or(first);
                Bucket {
                    check: key.0.clone(),
                    severity: first.severity,
                    basis: first.basis,
                    operation: key.1.clone(),
                    path: key.2.clone(),
                    status: key.3,
                    count: *count,
                    expected: example.expected.clone(),
                    actual: example.actual.clone(),
                    repro,
                    first_case: *first_case,
                }
            })
            .collect()
    }

    fn take(&mut self, event: &RunEvent) {
        match event {
            RunEvent::Started { .. } => self.began = Some(Instant::now()),
            RunEvent::Step {
                phase: Phase::Search,
                operation,
                outcome,
                latency_us,
                rule,
                non_answer,
                ..
            } => self.search_step(
                operation,
                outcome,
                *latency_us,
                rule.as_ref(),
                non_answer.as_deref(),
            ),
            RunEvent::Step { .. } => {}
            RunEvent::CaseFinished {
                phase,
                steps,
                new_buckets,
                rng_case,
                found,
                leaked,
                transitions,
                waits,
                teardown,
                ..
            } => {
                self.requests += *steps as u64;
                self.teardown.add(teardown);
                self.leaked.extend(leaked.iter().cloned());
                self.waits.add(waits);
                if *phase != Phase::Search {
                    return;
                }
                self.explored += 1;
                self.transitions.extend(transitions.iter().cloned());
                for f in found {
                    let entry = self
                        .tally
                        .entry(f.key())
                        .or_insert_with(|| (0, f.clone(), *rng_case));
                    entry.0 += 1;
                }
                if !new_buckets.is_empty() && self.first_failure.is_none() {
                    let millis = self.began.map_or(0, |b| {
                        u64::try_from(b.elapsed().as_millis()).unwrap_or(u64::MAX)
                    });
                    self.first_failure = Some(FirstFailure {
                        case: u64::from(*rng_case) + 1,
                        millis,
                    });
                }
            }
            RunEvent::Shrunk { bucket, repro, .. } => {
                self.repros.insert(bucket.clone(), (**repro).clone());
            }
            RunEvent::Interrupted(interruption) => self.interrupted = Some(interruption.clone()),
            RunEvent::Finished { .. } => self.finished = Some(event.clone()),
        }
    }
}

/// Builds the report of a run from its events.
pub(super) struct ReportCollector {
    target: TargetIdentity,
    report_config: ReportConfig,
    seed: u64,
    started_at: u64,
    collected: Mutex<Collected>,
}

/// The counts of the search so far, for the `finished` event.
pub(super) struct Totals {
    pub(super) cases_run: u64,
    pub(super) steps_run: u64,
    pub(super) requests: u64,
    pub(super) failures: usize,
}

impl ReportCollector {
    /// A collector for a run of `config` against `target` with `checks` enabled,
    /// started at `started_at` (seconds since the epoch).
    pub(super) fn new(
        config: &RunConfig,
        target: TargetIdentity,
        checks: Vec<String>,
        started_at: u64,
    ) -> Self {
        ReportCollector {
            target,
            report_config: ReportConfig {
                cases: config.cases,
                max_steps: config.gen.max_steps,
                checks,
                two_accounts: config.gen.two_accounts,
                accounts: config.target.accounts.clone(),
                jobs: config.jobs.max(1),
                partition: config.partition,
            },
            seed: config.seed,
            started_at,
            collected: Mutex::new(Collected::default()),
        }
    }

    fn collected(&self) -> std::sync::MutexGuard<'_, Collected> {
        self.collected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Cases, steps and requests so far, and the failure buckets.
    pub(super) fn totals(&self) -> Totals {
        let c = self.collected();
        Totals {
            cases_run: c.explored,
            steps_run: c.steps_run,
            requests: c.requests,
            failures: c
                .tally
                .values()
                .filter(|(_, first, _)| first.severity == Severity::Failure)
                .count(),
        }
    }

    /// How many failing root causes the buckets so far make that are not among
    /// `known` (a baseline's keys): what `--max-failures` counts.
    pub(super) fn new_root_causes(&self, known: &BTreeSet<String>) -> usize {
        let c = self.collected();
        let buckets = c.buckets();
        super::root_causes(&buckets, &c.operations)
            .iter()
            .filter(|cause| cause.severity == Severity::Failure && !known.contains(&cause.key))
            .count()
    }

    /// The report of the run the events described (after its `finished` event).
    pub(super) fn report(self) -> RunReport {
        let c = self
            .collected
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut buckets = c.buckets();
        let (duration_ms, wire, budget, shortened_waits) = match c.finished {
            Some(RunEvent::Finished {
                duration_ms,
                wire,
                budget,
                shortened_waits,
                ..
            }) => (duration_ms, wire, budget, shortened_waits),
            _ => Default::default(),
        };
        number_repros(&mut buckets);
        let coverage = coverage(&c.operations, &buckets);
        let root_causes = super::root_causes(&buckets, &c.operations);
        let transitions = transition_coverage(&c.transitions, &buckets);
        let mut leaked = c.leaked;
        leaked.sort();
        RunReport {
            schema_version: SCHEMA_VERSION,
            harness: harness(),
            target: self.target,
            seed: self.seed,
            started_at: self.started_at,
            duration_ms,
            config: self.report_config,
            cases_run: c.explored,
            steps_run: c.steps_run,
            steps_skipped: c.steps_skipped,
            requests: c.requests,
            operations: c.operations,
            coverage,
            root_causes,
            buckets,
            leaked,
            transitions,
            first_failure: c.first_failure,
            wire,
            budget,
            waits: c.waits,
            teardown: c.teardown,
            shortened_waits,
            interrupted: c.interrupted,
            baseline: None,
            not_modelled: NOT_MODELLED
                .iter()
                .map(|(operation, reason)| NotModelled {
                    operation: (*operation).to_owned(),
                    reason: (*reason).to_owned(),
                })
                .collect(),
        }
    }
}

impl EventSink for ReportCollector {
    fn event(&self, event: &RunEvent) {
        self.collected().take(event);
    }
}

/// Order buckets for reports and number their repros: buckets whose minimal plans
/// are equal share a number (and so one replay file), numbered in the order of the
/// case each was first seen in. A function of the buckets alone, so a merge of
/// partial runs numbers them as the whole run does.
pub(super) fn number_repros(buckets: &mut [Bucket]) {
    buckets.sort_by(|a, b| {
        (a.severity, &a.check, &a.operation, &a.path, a.status).cmp(&(
            b.severity,
            &b.check,
            &b.operation,
            &b.path,
            b.status,
        ))
    });
    let mut order: Vec<usize> = (0..buckets.len())
        .filter(|i| buckets[*i].repro.is_some())
        .collect();
    order.sort_by_key(|i| buckets[*i].repro.as_ref().map(|r| r.case));
    let mut plans: Vec<Plan> = Vec::new();
    for i in order {
        let Some(repro) = buckets[i].repro.as_mut() else {
            continue;
        };
        let number = match plans.iter().position(|p| *p == repro.plan) {
            Some(n) => n,
            None => {
                plans.push(repro.plan.clone());
                plans.len() - 1
            }
        };
        repro.round = u32::try_from(number).unwrap_or(u32::MAX);
    }
}

/// The harness identity for reports.
pub(super) fn harness() -> Harness {
    let spec = Spec::builtin();
    Harness {
        name: env!("CARGO_PKG_NAME").to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        spec: format!("{} {}", spec.source.package, spec.source.version),
    }
}

/// Every modelled edge of every lifecycle that the modelled operations can reach,
/// marked exercised (observed), violated (a state check failed on its operation), or
/// not reached.
pub(super) fn transition_coverage(
    observed: &BTreeSet<SeenEdge>,
    buckets: &[Bucket],
) -> Vec<TransitionCoverage> {
    let modelled = Step::operations();
    let state_failure = |operation: &str| {
        buckets.iter().any(|b| {
            b.severity == Severity::Failure
                && CheckId::lookup(&b.check).is_some_and(CheckId::is_lifecycle)
                && b.operation == operation
        })
    };
    // A call edge also counts when a later Describe saw its change and no asynchronous
    // edge could have made it (e.g. a proposal seen `accepted` after the Accept call,
    // whose answer is the new association).
    let seen = |lifecycle: &crate::model::Lifecycle, from: &str, to: &str, via: &str| {
        let only_by_call = !lifecycle.edges.iter().any(|(f, t)| *f == from && *t == to);
        observed.iter().any(|e| {
            e.kind == lifecycle.name
                && e.to == to
                && (e.via == via || (via != "async" && e.via == "async" && only_by_call))
                && (from == e.from || (from == "*" && e.from != "[*]"))
        })
    };
    let mut out = Vec::new();
    for lifecycle in LIFECYCLES {
        let calls = lifecycle
            .calls
            .iter()
            .filter(|(_, _, op)| modelled.contains(op));
        let mut edges: Vec<(&str, &str, &str)> = calls.copied().collect();
        let kind_modelled = !edges.is_empty();
        if kind_modelled {
            edges.extend(lifecycle.edges.iter().map(|(f, t)| (*f, *t, "async")));
        }
        for (from, to, via) in edges {
            let status = if seen(lifecycle, from, to, via) {
                EdgeStatus::Exercised
            } else if via != "async" && state_failure(via) {
                EdgeStatus::Violated
            } else {
                EdgeStatus::NotReached
            };
            out.push(TransitionCoverage {
                kind: lifecycle.name.to_owned(),
                from: from.to_owned(),
                to: to.to_owned(),
                via: via.to_owned(),
                status,
            });
        }
    }
    out
}

/// Operations × check groups, from what was called and what failed.
pub(super) fn coverage(
    operations: &BTreeMap<String, OperationStats>,
    buckets: &[Bucket],
) -> BTreeMap<String, BTreeMap<String, CoverageCell>> {
    let unanswered = super::uniformly_unanswered(operations);
    Step::operations()
        .iter()
        .map(|op| {
            let stats = operations.get(*op);
            let calls = stats.map_or(0, |s| s.calls);
            let not_implemented = stats.map_or(0, |s| {
                s.outcomes.get("not-implemented").copied().unwrap_or(0)
            });
            let row = CHECK_GROUPS
                .iter()
                .map(|group| {
                    let failed = buckets.iter().any(|b| {
                        b.severity == Severity::Failure
                            && b.operation == *op
                            && b.check.split('.').next() == Some(*group)
                            && b.check != CheckId::OpImplemented
                    });
                    let cell = if calls == 0 {
                        CoverageCell::NotExercised
                    } else if not_implemented == calls || unanswered.contains_key(*op) {
                        CoverageCell::NotImplemented
                    } else if failed {
                        CoverageCell::Fail
                    } else {
                        CoverageCell::Pass
                    };
                    ((*group).to_owned(), cell)
                })
                .collect();
            ((*op).to_owned(), row)
        })
        .collect()
}
