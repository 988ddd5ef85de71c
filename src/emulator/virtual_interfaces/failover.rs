//! BGP failover tests and routes of virtual interfaces: StartBgpFailoverTest,
//! StopBgpFailoverTest, ListVirtualInterfaceTestHistory, ListVirtualInterfaceRoutes.
//!
//! [api] StartBgpFailoverTest places the VIF's BGP sessions DOWN for
//! `testDurationInMinutes` (default 180, at most 4,320); the VIF is `testing`
//! "immediately after calling StartBgpFailoverTest and remains in this state during
//! the duration of the test"; StopBgpFailoverTest ends it early. Here a test runs
//! until it is stopped (cases last seconds; a test lasts at least a minute), and a
//! stopped VIF comes back `available` (with its documented flaps). A test can start
//! on any confirmed, live VIF of the caller with no test running (AWS documents no
//! state rule); the history of a VIF is answered to its owner only (others: not found).
//!
//! Routes: no customer router peers with the reference target, so a VIF has no
//! accepted routes, nor advertised ones (no BGP session is up to advertise over).

use serde_json::{json, Value};

use super::{Call, Deletable, Outcome, VirtualInterface, World};
use crate::emulator::{paging, ApiError};

/// [api] testDurationInMinutes: "Maximum value: 4,320 minutes (72 hours)".
const MAX_MINUTES: i64 = 4320;
/// [api] testDurationInMinutes: "Default: 180 minutes (3 hours)".
const DEFAULT_MINUTES: i64 = 180;
/// A VIF under test.
const TESTING: &[&str] = &["testing"];
/// A VIF whose test ended.
const BACK: &[&str] = &["available"];

/// One failover test of a VIF.
#[derive(Debug, Clone)]
pub(in crate::emulator) struct FailoverTest {
    id: String,
    peers: Vec<String>,
    minutes: i64,
    status: &'static str,
}

impl FailoverTest {
    fn render(&self, vif: &VirtualInterface) -> Value {
        json!({
            "testId": self.id,
            "virtualInterfaceId": vif.id,
            "bgpPeers": self.peers,
            "status": self.status,
            "ownerAccount": vif.owner,
            "testDurationInMinutes": self.minutes,
        })
    }
}

/// StartBgpFailoverTest on the caller's VIF.
pub(super) fn start_bgp_failover_test(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let minutes = call
        .integer("testDurationInMinutes")
        .unwrap_or(DEFAULT_MINUTES);
    if !(1..=MAX_MINUTES).contains(&minutes) {
        return Err(ApiError::client(format!(
            "testDurationInMinutes must be between 1 and {MAX_MINUTES}, got {minutes}"
        )));
    }
    let test_id = world.ids.next(call.account, "dxtest");
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    let state = vif.current(call.now, delay);
    if matches!(state, "confirming" | "testing")
        || vif.gone(call.now, delay)
        || vif.running_test.is_some()
    {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {state} state; a failover test needs a confirmed virtual interface with no test running"
        )));
    }
    let peers: Vec<String> = call
        .strings("bgpPeers")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = peers
        .iter()
        .find(|p| !vif.peers.iter().any(|b| b.id == **p))
    {
        return Err(ApiError::client(format!(
            "BGP peer {unknown} is not a peer of virtual interface {id}"
        )));
    }
    let test = FailoverTest {
        id: test_id,
        peers,
        minutes,
        status: "in-progress",
    };
    let out = test.render(vif);
    vif.tests.push(test);
    vif.running_test = Some(vif.tests.len() - 1);
    vif.progress.restart(TESTING, call.now);
    Ok(json!({ "virtualInterfaceTest": out }))
}

/// StopBgpFailoverTest of the caller's VIF with a running test.
pub(super) fn stop_bgp_failover_test(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let vif = world.owned_live::<VirtualInterface>(call, id, |_| {
        format!("Virtual interface {id} is deleted and has no running failover test")
    })?;
    let Some(i) = vif.running_test.take() else {
        return Err(ApiError::client(format!(
            "Virtual interface {id} has no running failover test"
        )));
    };
    vif.tests[i].status = "completed";
    if vif.current(call.now, delay) == "testing" {
        vif.progress.restart(BACK, call.now);
    }
    let out = vif.tests[i].render(vif);
    Ok(json!({ "virtualInterfaceTest": out }))
}

/// ListVirtualInterfaceTestHistory: the caller's failover tests (optionally of one of
/// its VIFs); a VIF the caller does not own is not found, as for the other calls
/// acting on one VIF.
pub(super) fn list_test_history(world: &mut World, call: &Call<'_>) -> Outcome {
    let only = call.string("virtualInterfaceId");
    if let Some(id) = only {
        world.owned::<VirtualInterface>(call.account, id)?;
    }
    let history: Vec<Value> = world
        .account_mut(call.account)
        .virtual_interfaces
        .iter()
        .filter(|v| only.is_none_or(|id| v.id == id))
        .flat_map(|v| v.tests.iter().map(move |t| t.render(v)))
        .collect();
    paging::answer_page("virtualInterfaceTestHistory", &history, call)
}

/// ListVirtualInterfaceRoutes of the caller's VIF: none (no BGP session is up).
pub(super) fn list_routes(world: &mut World, call: &Call<'_>) -> Outcome {
    let id = call.required_string("virtualInterfaceId")?;
    world.owned::<VirtualInterface>(call.account, id)?;
    Ok(json!({ "routes": [], "virtualInterfaceId": id }))
}
