//! `model.liveness`: a resource in a state AWS leaves on its own (a virtual interface
//! `verifying`/`pending`, a gateway `pending`, anything `deleting`) is still in it when
//! the case's wait for it times out. No single answer shows this: the case's waits
//! (`run::Waiter`) poll Describe and report what they observed; this check decides the
//! finding and its words.

use std::time::Duration;

use super::Sink;
use crate::model::ResourceKind;

/// A check of a wait that timed out.
pub type WaitFn = fn(&WaitObservation<'_>, &mut Sink<'_>);

/// What the last poll of a wait saw of the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// The wait timed out before its first poll.
    NotPolled,
    /// The resource, in this state.
    State(String),
    /// Not listed (not visible yet, or refused by id).
    Absent,
    /// No usable answer.
    NoAnswer,
}

/// A wait that ended at its timeout with the resource still unsettled.
#[derive(Debug, Clone)]
pub struct WaitObservation<'a> {
    /// Step after which the case waited.
    pub step: usize,
    /// The resource's type.
    pub kind: ResourceKind,
    /// Its id.
    pub id: &'a str,
    /// The state it was waited out of (the model's last observation).
    pub from: &'a str,
    /// The Describe operation polled.
    pub operation: &'static str,
    /// The member of its answer listing the resources.
    pub list: &'static str,
    /// What the last poll saw.
    pub last: &'a Seen,
    /// HTTP status of the last poll (0: not polled, or no answer).
    pub status: u16,
    /// Polls sent.
    pub polls: u64,
    /// How long the wait lasted.
    pub waited: Duration,
    /// The wait timeout (`--wait-timeout`, or the one derived from the target's pace).
    pub timeout: Duration,
    /// Set when the wait was decided after one poll because an earlier wait of the
    /// run already outlasted its full timeout on the same observation: where that
    /// was, and what it saw (the finding refers to it).
    pub repeat_of: Option<&'a str>,
}

/// A resource in a state AWS leaves on its own leaves it within the wait timeout.
pub fn liveness(wait: &WaitObservation<'_>, sink: &mut Sink<'_>) {
    let last = match wait.last {
        Seen::NotPolled => "not polled",
        Seen::State(state) => state.as_str(),
        Seen::Absent => "absent",
        Seen::NoAnswer => "no answer",
    };
    sink.report(
        format!("$.{}[].{}", wait.list, wait.kind.state_member()),
        format!(
            "the {} to leave {} on its own within {}",
            wait.kind.name(),
            wait.from,
            seconds(wait.timeout)
        ),
        match wait.repeat_of {
            None => format!(
                "{} still {last} after {} ({} polls)",
                wait.id,
                seconds(wait.waited),
                wait.polls
            ),
            Some(first) => format!(
                "{} still {last} after {} ({} polls), decided without a new full wait: {first}",
                wait.id,
                seconds(wait.waited),
                wait.polls
            ),
        },
    );
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckSet, Severity};
    use crate::model::Basis;
    use crate::vocab::CheckId;

    fn observation(last: &Seen) -> WaitObservation<'_> {
        WaitObservation {
            step: 3,
            kind: ResourceKind::VirtualInterface,
            id: "dxvif-ab12cd34",
            from: "pending",
            operation: "DescribeVirtualInterfaces",
            list: "virtualInterfaces",
            last,
            status: 200,
            polls: 64,
            waited: Duration::from_millis(600_200),
            timeout: Duration::from_secs(600),
            repeat_of: None,
        }
    }

    #[test]
    fn a_timed_out_wait_is_one_documented_failure() {
        let last = Seen::State("pending".into());
        let findings = CheckSet::default().judge_wait(&observation(&last));
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.check, "model.liveness");
        assert_eq!(f.severity, Severity::Failure);
        assert_eq!(f.basis, Basis::Documented);
        assert_eq!(f.operation, "DescribeVirtualInterfaces");
        assert_eq!((f.step, f.status), (3, 200));
        assert_eq!(f.path, "$.virtualInterfaces[].virtualInterfaceState");
        assert_eq!(
            f.expected,
            "the virtual-interface to leave pending on its own within 600.0 s"
        );
        assert_eq!(
            f.actual,
            "dxvif-ab12cd34 still pending after 600.2 s (64 polls)"
        );
    }

    #[test]
    fn a_wait_decided_from_an_earlier_full_wait_refers_to_it_in_the_same_bucket() {
        let last = Seen::State("pending".into());
        let full = CheckSet::default().judge_wait(&observation(&last));
        let first = "still pending through a full 600.0 s wait in case 2 (search), after step 1";
        let repeat = CheckSet::default().judge_wait(&WaitObservation {
            polls: 1,
            waited: Duration::from_millis(51),
            repeat_of: Some(first),
            ..observation(&last)
        });
        assert_eq!(repeat[0].key(), full[0].key());
        assert_eq!(repeat[0].expected, full[0].expected);
        assert_eq!(
            repeat[0].actual,
            format!("dxvif-ab12cd34 still pending after 0.1 s (1 polls), decided without a new full wait: {first}")
        );
    }

    #[test]
    fn a_disabled_liveness_check_reports_nothing() {
        let checks = CheckSet::select(&[], &[CheckId::ModelLiveness.to_string()]).unwrap();
        assert!(checks.judge_wait(&observation(&Seen::Absent)).is_empty());
        let absent = CheckSet::default().judge_wait(&observation(&Seen::Absent));
        assert_eq!(
            absent[0].actual,
            "dxvif-ab12cd34 still absent after 600.2 s (64 polls)"
        );
    }
}
