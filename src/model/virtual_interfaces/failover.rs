//! BGP failover tests (StartBgpFailoverTest, StopBgpFailoverTest, their history in
//! ListVirtualInterfaceTestHistory) and ListVirtualInterfaceRoutes.
//!
//! Sources, cited per rule:
//! - [api] StartBgpFailoverTest "Starts the virtual interface failover test … by placing
//!   the BGP peering session in the DOWN state"; testDurationInMinutes "Maximum value:
//!   4,320 minutes (72 hours). Default: 180 minutes (3 hours)"; "You can use
//!   ListVirtualInterfaceTestHistory to view the virtual interface test history"; "If
//!   you need to stop the test before the test interval completes, use
//!   StopBgpFailoverTest"; VirtualInterfaceState "testing: A virtual interface is in
//!   this state immediately after calling StartBgpFailoverTest and remains in this
//!   state during the duration of the test";
//! - [api] ListVirtualInterfaceRoutes: `routeDirection` "accepted: routes received from
//!   the customer network over the virtual interface". No customer router ever peers
//!   with the virtual interfaces of a case, so none has accepted routes; advertised
//!   routes depend on AWS's side and are checked for shape only;
//! - assumed: which VIF states a test may start or stop from (a VIF that is not
//!   `available`, a deleted or unconfirmed one, a test already ended), and how another
//!   account's VIF is answered, are not documented: either answer is accepted.

use super::*;

/// Attribute keys the model keeps on a VIF (never echoed): the ids of the failover
/// tests started on it, and the running test (id, duration in minutes).
pub(super) const TESTS: &str = "failoverTests";
pub(super) const RUNNING: &str = "failoverTestRunning";

/// [api] testDurationInMinutes: "Maximum value: 4,320 minutes (72 hours)".
pub const MAX_TEST_MINUTES: u16 = 4320;
/// [api] testDurationInMinutes: "Default: 180 minutes (3 hours)".
const DEFAULT_TEST_MINUTES: u16 = 180;
/// A shorter test may end on its own before a case stops it (a case with waits can
/// last minutes against AWS).
const ENDS_WITHIN_A_CASE: u16 = 60;

/// The answer's test object.
const TEST: &str = "virtualInterfaceTest";

impl Model {
    /// The id of the test running on a VIF as the case started it, with its duration.
    fn running_test(r: &Resource) -> Option<(String, u16)> {
        let running = r.attributes.get(RUNNING)?;
        Some((
            running.get("testId")?.as_str()?.to_owned(),
            running.get("minutes")?.as_u64()? as u16,
        ))
    }

    /// VIFs of the case with a test the case started and did not stop.
    pub(super) fn testing_vifs(&self) -> Vec<Handle> {
        self.known_where(ResourceKind::VirtualInterface, |_, r| {
            Self::running_test(r).is_some()
        })
    }

    /// VIFs of the case that may be `available`.
    pub(super) fn available_vifs(&self) -> Vec<Handle> {
        let available = VIRTUAL_INTERFACE.index("available").unwrap_or(0);
        self.known_where(ResourceKind::VirtualInterface, |_, r| {
            !r.deleted && r.possible.has(available)
        })
    }

    /// The answer's test, for an expectation about the VIF `h`: echoing `echo`.
    fn test_expectation(
        &self,
        h: Handle,
        id: Option<String>,
        echo: Vec<(&'static str, Value)>,
        visibility: Visibility,
    ) -> Expectation {
        Expectation {
            handle: h,
            kind: ResourceKind::VirtualInterface,
            id,
            states: StateSet::EMPTY,
            state_check: StateCheck::Result,
            visibility,
            echo,
            tags: None,
            nested: None,
        }
    }

    /// A refusal for a caller that does not own the VIF: the allocator of a hosted VIF
    /// may or may not act on it (not documented); any other account may not.
    fn not_the_vif_owner(&self, by: Principal, r: &Resource, action: &str) -> Option<Prediction> {
        if r.owner == by {
            return None;
        }
        if r.peer == Some(by) {
            let mut p = Prediction::succeed(Basis::Documented);
            p.may_refuse(format!(
                "the account that allocated a virtual interface may or may not {action} it"
            ));
            return Some(p);
        }
        Some(Self::ownership(action))
    }

    pub(super) fn start_failover_test(
        &self,
        by: Principal,
        h: Handle,
        minutes: Option<u16>,
        name_peer: bool,
    ) -> (Value, Prediction) {
        let r = self.resource(h);
        let mut body = json!({ "virtualInterfaceId": r.id });
        if let Some(m) = minutes {
            body["testDurationInMinutes"] = json!(m);
        }
        let peer = self
            .peers_of(h)
            .into_iter()
            .find(|p| !self.resource(*p).deleted)
            .and_then(|p| self.resource(p).id.clone());
        let peers = match (name_peer, peer) {
            (true, Some(p)) => Some(vec![p]),
            _ => None,
        };
        if let Some(p) = &peers {
            body["bgpPeers"] = json!(p);
        }
        if let Some(p) = self.not_the_vif_owner(by, r, "test") {
            return (body, p);
        }
        if minutes.is_some_and(|m| m > MAX_TEST_MINUTES) {
            let rule = format!("testDurationInMinutes is at most {MAX_TEST_MINUTES} (72 hours)");
            return (body, Prediction::refused(rule, Basis::Documented));
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.within = Some(TEST);
        prediction.required_members = vec!["testId", "virtualInterfaceId", "status"];
        let mut echo = vec![
            ("virtualInterfaceId", json!(r.id)),
            (
                "testDurationInMinutes",
                json!(minutes.unwrap_or(DEFAULT_TEST_MINUTES)),
            ),
            ("ownerAccount", json!(self.env.accounts.of(r.owner))),
        ];
        if let Some(p) = peers {
            echo.push(("bgpPeers", json!(p)));
        }
        prediction
            .resources
            .push(self.test_expectation(h, None, echo, Visibility::Must));
        // The states a test may start from are not documented (a VIF that is down,
        // pending or already testing), nor a zero duration.
        prediction.may_refuse(
            "a failover test of a virtual interface that may not be available, or of zero minutes, may be refused",
        );
        (body, prediction)
    }

    pub(super) fn stop_failover_test(&self, by: Principal, h: Handle) -> (Value, Prediction) {
        let r = self.resource(h);
        let body = json!({ "virtualInterfaceId": r.id });
        if let Some(p) = self.not_the_vif_owner(by, r, "stop a test of") {
            return (body, p);
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.within = Some(TEST);
        prediction.required_members = vec!["testId", "virtualInterfaceId"];
        let mut echo = vec![("virtualInterfaceId", json!(r.id))];
        match Self::running_test(r) {
            Some((test, minutes)) if !r.deleted => {
                echo.push(("testId", json!(test)));
                if minutes < ENDS_WITHIN_A_CASE {
                    prediction.may_refuse("a short failover test may have ended on its own");
                }
            }
            _ => prediction.may_refuse(
                "stopping a test of a virtual interface with no running test, or a deleted one, may be refused",
            ),
        }
        prediction
            .resources
            .push(self.test_expectation(h, None, echo, Visibility::Must));
        (body, prediction)
    }

    /// ListVirtualInterfaceTestHistory: the tests the case started, and nothing else
    /// for one of its VIFs; without a VIF the account's whole history, which may hold
    /// tests made outside the case, must show the caller's tests of the case.
    pub(super) fn test_history(
        &self,
        by: Principal,
        target: Option<HandleRef>,
    ) -> Option<(Value, Prediction)> {
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.required_members = TEST_HISTORY_MEMBERS.to_vec();
        prediction.list = Some(ListSpec {
            member: "virtualInterfaceTestHistory",
            id_member: "testId",
            exclusive: target.is_some(),
        });
        let (body, handles) = match target {
            None => (json!({}), self.handles_of(ResourceKind::VirtualInterface)),
            Some(reference) => {
                let h = self.resolve(reference, ResourceKind::VirtualInterface)?;
                let r = self.resource(h);
                if r.owner != by {
                    // The API reference does not say how another account's VIF is
                    // answered; a success must still show nothing of it.
                    prediction.may_refuse("another account's virtual interface may be answered as not found or with an empty history",);
                } else if r.deleted || Self::confirming(r) {
                    prediction.may_refuse("the history of a deleted or an unconfirmed virtual interface may be empty or refused",);
                }
                (json!({ "virtualInterfaceId": r.id }), vec![h])
            }
        };
        for h in handles {
            let r = self.resource(h);
            let visibility = match (r.owner == by, r.deleted) {
                (false, _) => Visibility::MustNot,
                (true, false) => Visibility::Must,
                (true, true) => Visibility::May,
            };
            let tests = r.attributes.get(TESTS).and_then(Value::as_array);
            for test in tests.into_iter().flatten().filter_map(Value::as_str) {
                let echo = vec![("virtualInterfaceId", json!(r.id))];
                prediction.resources.push(self.test_expectation(
                    h,
                    Some(test.to_owned()),
                    echo,
                    visibility,
                ));
            }
        }
        Some((body, prediction))
    }

    /// ListVirtualInterfaceRoutes of a VIF: accepted routes (asked for with the
    /// `accepted` filter) come from a customer router, and none peers with a VIF of
    /// the case: the list is empty.
    pub(super) fn routes(
        &self,
        by: Principal,
        h: Handle,
        accepted: Option<bool>,
    ) -> (Value, Prediction) {
        let r = self.resource(h);
        let mut body = json!({ "virtualInterfaceId": r.id });
        if let Some(a) = accepted {
            let direction = if a { "accepted" } else { "advertised" };
            body["filters"] = json!({ "routeDirection": direction });
        }
        let mut prediction = Prediction::succeed(Basis::Documented);
        prediction.list = Some(ListSpec {
            member: "routes",
            id_member: "cidr",
            exclusive: accepted == Some(true),
        });
        if r.owner != by {
            prediction.may_refuse(
                "another account's virtual interface may be answered as not found or with no routes",
            );
        } else if r.deleted || Self::confirming(r) {
            prediction.may_refuse(
                "the routes of a deleted or an unconfirmed virtual interface may be refused",
            );
        }
        (body, prediction)
    }

    /// Apply a failover test's answer: the VIF is `testing` (Start) or back to its BGP
    /// state (Stop), moved by the call; the test joins the VIF's history.
    pub(super) fn apply_failover(&mut self, h: Handle, start: Option<u16>, body: Option<&Value>) {
        let test = body
            .and_then(|b| b.get(TEST))
            .and_then(|t| t.get("testId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let r = self.resource_mut(h);
        if r.deleted {
            return;
        }
        match start {
            Some(minutes) => {
                let Some(test) = test else { return };
                let list = r.attributes.entry(TESTS.to_owned()).or_insert(json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(json!(test));
                }
                r.attributes.insert(
                    RUNNING.to_owned(),
                    json!({ "testId": test, "minutes": minutes }),
                );
                // [api] "testing … immediately after calling StartBgpFailoverTest".
                r.possible = VIRTUAL_INTERFACE.closure(VIRTUAL_INTERFACE.set(&["testing"]));
                r.moved_by = Some("StartBgpFailoverTest");
            }
            None => {
                r.attributes.remove(RUNNING);
                // Out of `testing`, back to the BGP state the VIF had (up or down), or
                // where a later call (an update: pending) left it.
                let testing = VIRTUAL_INTERFACE.set(&["testing"]);
                let kept = StateSet(r.possible.0 & !testing.0);
                r.possible =
                    VIRTUAL_INTERFACE.closure(kept.union(VIRTUAL_INTERFACE.set(&["available"])));
                r.moved_by = Some("StopBgpFailoverTest");
            }
        }
    }
}

/// The duration a StartBgpFailoverTest step asks for (what the model expects to run).
pub(super) fn test_minutes(minutes: Option<u16>) -> u16 {
    minutes.unwrap_or(DEFAULT_TEST_MINUTES)
}
