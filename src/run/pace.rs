//! What a run has learnt about how fast its target settles, shared by every case and
//! every shrink candidate of the run ([`Pace`]).
//!
//! A wait (or a visibility re-poll) that runs to its timeout costs the whole timeout,
//! and a faulty target makes every later case, and every candidate of the shrinker,
//! meet the same fault again. So the first time an *observation* (a resource kind
//! stuck in one state, or a just-created resource of a kind missing from its list)
//! outlasts a full timeout, the pace remembers it; later waits that see the same
//! observation are decided after one poll from what was already observed (a
//! `model.liveness` finding that refers to the first, full observation), and the
//! shrinker never pays a full timeout twice for the same observation. Within one
//! case, once a wait has timed out, the case's later waits get one poll each and
//! report nothing of their own (the case has shown what the target does; an
//! observation not yet seen in full is waited for in full in a later case).
//!
//! Where the user did not give `--wait-timeout` on a loopback target
//! ([`crate::target::WaitPolicy::adaptive`]), the timeout in force is derived from
//! the slowest settle observed so far: [`ADAPTIVE_FACTOR`] times it, at least
//! [`ADAPTIVE_FLOOR`], at most the policy's timeout.
//!
//! A faithful target never times out, so it never changes what the pace decides:
//! `--jobs` and `--partition` runs of it stay exactly those of a sequential run.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::events::Phase;
use crate::model::ResourceKind;
use crate::target::WaitPolicy;

/// An adaptive timeout is this many times the slowest settle observed.
pub const ADAPTIVE_FACTOR: u32 = 4;
/// An adaptive timeout is never shorter than this.
pub const ADAPTIVE_FLOOR: Duration = Duration::from_secs(10);

/// What an observation that outlasted a timeout calls a resource missing from its list.
pub const ABSENT: &str = "absent";

/// Which case of the run something happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOrigin {
    /// Why the case ran.
    pub phase: Phase,
    /// The case of `--cases` (0-based) whose RNG generated the plan.
    pub rng_case: u32,
}

impl Default for CaseOrigin {
    fn default() -> Self {
        CaseOrigin {
            phase: Phase::Replay,
            rng_case: 0,
        }
    }
}

/// A kind of observation a wait can time out on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Observation {
    /// The resource's type.
    pub kind: ResourceKind,
    /// The state it stayed in, or [`ABSENT`]: missing from its list.
    pub state: String,
}

/// The first wait that timed out on an observation: what later, shortened waits refer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullObservation {
    /// Case of `--cases` (1-based) whose plan (or a shrink candidate of it) waited.
    pub case: u64,
    /// Why that case ran (`search`, `shrink`, `rerun`, `replay`).
    pub phase: Phase,
    /// Index of the step after which it waited (as `findings[].step`).
    pub step: usize,
    /// The state the resource was waited out of.
    pub from: String,
    /// How long the wait lasted, milliseconds.
    pub waited_ms: u64,
    /// Polls sent.
    pub polls: u64,
    /// The timeout it ran to, milliseconds.
    pub timeout_ms: u64,
}

impl FullObservation {
    /// "case 3 (search), after step 4": where it was observed.
    pub fn place(&self) -> String {
        let phase = serde_json::to_value(self.phase)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        format!("case {} ({phase}), after step {}", self.case, self.step)
    }
}

/// Why a wait was shortened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShortenReason {
    /// The same observation outlasted a full timeout earlier in the run: decided
    /// after one poll, a finding that refers to the first observation.
    Repeat,
    /// A wait of the same case had already timed out: one poll, no finding.
    CaseTimedOut,
}

impl ShortenReason {
    /// The reason in words, for reports.
    pub fn words(self) -> &'static str {
        match self {
            ShortenReason::Repeat => {
                "the same observation outlasted a full wait earlier in the run; later waits that see it are decided after one poll and refer to that wait"
            }
            ShortenReason::CaseTimedOut => {
                "a wait of the same case had already timed out; the case's later waits get one poll and report nothing of their own"
            }
        }
    }
}

/// Waits of one kind of observation a run shortened (report.json's `shortened_waits[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortenedWait {
    /// Lifecycle name of the resource type.
    pub kind: String,
    /// The state the resource stayed in, or `absent` (missing from its list).
    pub state: String,
    /// Why the waits were shortened.
    pub reason: ShortenReason,
    /// The full wait they refer to: for `repeat`, the first that outlasted its
    /// timeout on this observation; for `case-timed-out`, the case's wait that did.
    pub first: FullObservation,
    /// Waits shortened.
    pub count: u64,
}

impl ShortenedWait {
    /// Add another run's count of the same observation, keeping the earliest first wait
    /// (shares of one partitioned run).
    pub fn absorb(&mut self, other: &ShortenedWait) {
        self.count += other.count;
        if other.first.case < self.first.case {
            self.first = other.first.clone();
        }
    }

    /// Join the shortened waits of several runs (the shares of one partitioned run).
    pub fn merge<'a>(all: impl IntoIterator<Item = &'a ShortenedWait>) -> Vec<ShortenedWait> {
        let mut joined: BTreeMap<(String, String, ShortenReason), ShortenedWait> = BTreeMap::new();
        for s in all {
            let key = (s.kind.clone(), s.state.clone(), s.reason);
            match joined.get_mut(&key) {
                Some(seen) => seen.absorb(s),
                None => {
                    joined.insert(key, s.clone());
                }
            }
        }
        joined.into_values().collect()
    }
}

#[derive(Debug, Default)]
struct Learnt {
    /// The slowest wait that saw its state settle.
    slowest_settle: Duration,
    /// Observations that outlasted a full timeout, with the first wait that showed each.
    full: BTreeMap<Observation, FullObservation>,
    /// Waits shortened, per observation and reason.
    shortened: BTreeMap<(Observation, ShortenReason), ShortenedWait>,
}

/// What the run has learnt; shared by its cases (behind a mutex: cases run as tasks
/// with `--jobs`). Every method takes the lock briefly and never across an await.
#[derive(Debug, Default)]
pub struct Pace {
    learnt: Mutex<Learnt>,
}

impl Pace {
    fn learnt(&self) -> std::sync::MutexGuard<'_, Learnt> {
        self.learnt
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The timeout of a wait starting now: the policy's, or, when it is adaptive,
    /// [`ADAPTIVE_FACTOR`] × the slowest settle so far, within
    /// [[`ADAPTIVE_FLOOR`], the policy's timeout].
    pub fn timeout(&self, policy: WaitPolicy) -> Duration {
        if !policy.adaptive {
            return policy.timeout;
        }
        let derived = self.learnt().slowest_settle * ADAPTIVE_FACTOR;
        derived.max(ADAPTIVE_FLOOR).min(policy.timeout)
    }

    /// A wait saw its state settle after `waited`.
    pub fn settled(&self, waited: Duration) {
        let mut learnt = self.learnt();
        learnt.slowest_settle = learnt.slowest_settle.max(waited);
    }

    /// The full wait that already showed `observation`, if one did.
    pub fn full(&self, observation: &Observation) -> Option<FullObservation> {
        self.learnt().full.get(observation).cloned()
    }

    /// Whether some observation of `kind` already outlasted a full timeout.
    pub fn knows(&self, kind: ResourceKind) -> bool {
        self.learnt().full.keys().any(|o| o.kind == kind)
    }

    /// A wait outlasted its full timeout on `observation`. Cases running side by side
    /// may both meet it first: the earliest case is the one later waits refer to.
    /// Returns the wait later ones refer to.
    pub fn timed_out(&self, observation: Observation, wait: FullObservation) -> FullObservation {
        let mut learnt = self.learnt();
        let first = learnt
            .full
            .entry(observation)
            .or_insert_with(|| wait.clone());
        if wait.case < first.case {
            *first = wait;
        }
        first.clone()
    }

    /// A wait on `observation` was shortened for `reason`, referring to `first`.
    pub fn shortened(
        &self,
        observation: &Observation,
        reason: ShortenReason,
        first: &FullObservation,
    ) {
        let mut learnt = self.learnt();
        let entry = learnt
            .shortened
            .entry((observation.clone(), reason))
            .or_insert_with(|| ShortenedWait {
                kind: observation.kind.name().to_owned(),
                state: observation.state.clone(),
                reason,
                first: first.clone(),
                count: 0,
            });
        entry.count += 1;
        if first.case < entry.first.case {
            entry.first = first.clone();
        }
    }

    /// The waits shortened so far, by observation and reason.
    pub fn shortened_waits(&self) -> Vec<ShortenedWait> {
        self.learnt().shortened.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(adaptive: bool) -> WaitPolicy {
        WaitPolicy {
            interval: Duration::from_millis(50),
            timeout: Duration::from_secs(60),
            adaptive,
        }
    }

    fn full(case: u64) -> FullObservation {
        FullObservation {
            case,
            phase: Phase::Search,
            step: 2,
            from: "pending".to_owned(),
            waited_ms: 9_900,
            polls: 50,
            timeout_ms: 10_000,
        }
    }

    fn stuck() -> Observation {
        Observation {
            kind: ResourceKind::VirtualInterface,
            state: "pending".to_owned(),
        }
    }

    #[test]
    fn an_adaptive_timeout_follows_the_slowest_settle_within_floor_and_cap() {
        let pace = Pace::default();
        assert_eq!(pace.timeout(policy(false)), Duration::from_secs(60));
        assert_eq!(pace.timeout(policy(true)), ADAPTIVE_FLOOR);
        pace.settled(Duration::from_secs(4));
        pace.settled(Duration::from_millis(300));
        assert_eq!(pace.timeout(policy(true)), Duration::from_secs(16));
        pace.settled(Duration::from_secs(40));
        assert_eq!(pace.timeout(policy(true)), Duration::from_secs(60));
        let short_cap = WaitPolicy {
            timeout: Duration::from_secs(2),
            ..policy(true)
        };
        assert_eq!(Pace::default().timeout(short_cap), Duration::from_secs(2));
    }

    #[test]
    fn the_earliest_full_observation_is_the_one_referred_to() {
        let pace = Pace::default();
        assert_eq!(pace.full(&stuck()), None);
        assert!(!pace.knows(ResourceKind::VirtualInterface));
        assert_eq!(pace.timed_out(stuck(), full(5)).case, 5);
        assert!(pace.knows(ResourceKind::VirtualInterface));
        assert!(!pace.knows(ResourceKind::DirectConnectGateway));
        assert_eq!(pace.timed_out(stuck(), full(3)).case, 3);
        assert_eq!(pace.timed_out(stuck(), full(9)).case, 3);
        assert_eq!(pace.full(&stuck()).map(|f| f.case), Some(3));
        let absent = Observation {
            state: ABSENT.to_owned(),
            ..stuck()
        };
        assert_eq!(pace.full(&absent), None);
    }

    #[test]
    fn shortened_waits_count_per_observation_and_reason_and_merge() {
        let pace = Pace::default();
        let first = pace.timed_out(stuck(), full(2));
        pace.shortened(&stuck(), ShortenReason::Repeat, &first);
        pace.shortened(&stuck(), ShortenReason::Repeat, &first);
        pace.shortened(&stuck(), ShortenReason::CaseTimedOut, &full(4));
        let waits = pace.shortened_waits();
        assert_eq!(waits.len(), 2);
        assert_eq!(
            (waits[0].reason, waits[0].count, waits[0].first.case),
            (ShortenReason::Repeat, 2, 2)
        );
        assert_eq!(waits[0].kind, "virtual-interface");
        let other = ShortenedWait {
            first: full(1),
            count: 5,
            ..waits[0].clone()
        };
        let merged = ShortenedWait::merge(waits.iter().chain([&other]));
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].count, merged[0].first.case), (7, 1));
        assert_eq!(full(3).place(), "case 3 (search), after step 2");
    }
}
