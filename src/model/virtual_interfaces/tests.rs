//! Tests of `virtual_interfaces`.

use super::*;
use crate::model::testing::{as_partner, assert_not_owner, model, new_vif, owner_connection, run};
use crate::model::Expect;
use crate::model::Step;

/// A model holding one connection of the owner (`dxcon-aaaaaaaa` in EqDC2).
fn with_connection() -> Model {
    let mut m = model();
    let step = owner_connection("10Gbps");
    let answer = json!({"connectionId": "dxcon-aaaaaaaa", "connectionState": "requested",
        "location": "EqDC2"});
    run(&mut m, step, Outcome::Success(answer));
    m
}

/// A VIF-creating step (`make`) of the [`new_vif`] request by `by`.
fn new_vif_step(make: fn(NewVif) -> VifStep, by: Principal) -> Step {
    Step::Vif(make(new_vif(by)))
}

fn vif_answer(state: &str, owner: &str, peers: Value) -> Outcome {
    Outcome::Success(json!({"virtualInterfaceId": "dxvif-bbbbbbbb",
        "virtualInterfaceState": state, "ownerAccount": owner, "bgpPeers": peers}))
}

/// A model holding the owner's connection and its private VIF `dxvif-bbbbbbbb`, answered
/// in `state` without BGP peers.
fn with_owner_vif(state: &str) -> Model {
    let mut m = with_connection();
    let create = new_vif_step(VifStep::CreatePrivateVirtualInterface, Principal::Owner);
    run(&mut m, create, vif_answer(state, "111111111111", json!([])));
    m
}

fn rejection() -> Outcome {
    Outcome::ServiceError {
        error_type: CLIENT_ERROR.into(),
        message: None,
    }
}

#[test]
fn create_predicts_pending_with_its_first_peer_and_guards_the_last_peer() {
    let mut m = with_connection();
    let step = new_vif_step(VifStep::CreatePrivateVirtualInterface, Principal::Owner);
    let (body, p) = m.call(&step).unwrap();
    assert_eq!(
        body.body["newPrivateVirtualInterface"]["virtualGatewayId"],
        "vgw-11111111"
    );
    assert_eq!(VIRTUAL_INTERFACE.names(p.resources[0].states), ["pending"]);
    assert_eq!(p.resources[1].kind, ResourceKind::BgpPeer);
    m.observe(
        &step,
        &p,
        &vif_answer(
            "pending",
            "111111111111",
            json!([{"bgpPeerId": "dxpeer-cccccccc", "bgpPeerState": "pending"}]),
        ),
    );
    assert_eq!(m.resources().len(), 3, "connection, VIF, first peer");
    // The only peer cannot be deleted [api DeleteBGPPeer].
    let delete = Step::Vif(VifStep::DeleteBgpPeer {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&delete).unwrap();
    assert!(matches!(&p.expect, Expect::Reject { rule, .. } if rule.contains("last BGP Peer")));
    // A second peer makes the first deletable, answered deleting.
    let add = Step::Vif(VifStep::CreateBgpPeer(NewBgpPeer {
        by: Principal::Owner,
        target: HandleRef(0),
        asn: 1,
        family: AddressFamily::Ipv6,
        auth_key: None,
        subnet: 0,
    }));
    let answer = json!({"virtualInterface": {"virtualInterfaceId": "dxvif-bbbbbbbb", "virtualInterfaceState": "pending",
        "bgpPeers": [{"bgpPeerId": "dxpeer-cccccccc", "bgpPeerState": "pending"},
                     {"bgpPeerId": "dxpeer-dddddddd", "bgpPeerState": "pending"}]}});
    let p = run(&mut m, add, Outcome::Success(answer));
    assert_eq!(p.expect, Expect::Succeed);
    let (_, p) = m.call(&delete).unwrap();
    assert_eq!(p.expect, Expect::Succeed);
    assert_eq!(BGP_PEER.names(p.resources[1].states), ["deleting"]);
    // Another account may not touch the peers.
    assert_not_owner(&m, &as_partner(&delete));
}

#[test]
fn allocation_is_confirmed_by_its_owner_only_and_rejected_when_deleted_unconfirmed() {
    let mut m = with_connection();
    let step = new_vif_step(VifStep::AllocatePrivateVirtualInterface, Principal::Owner);
    let (body, p) = m.call(&step).unwrap();
    assert_eq!(body.body["ownerAccount"], "222222222222");
    assert_eq!(
        VIRTUAL_INTERFACE.names(p.resources[0].states),
        ["confirming", "pending"]
    );
    m.observe(
        &step,
        &p,
        &vif_answer("confirming", "222222222222", json!([])),
    );
    let confirm = |by| {
        Step::Vif(VifStep::ConfirmPrivateVirtualInterface {
            by,
            target: HandleRef(0),
            gateway: None,
            vgw: 0,
        })
    };
    assert_not_owner(&m, &confirm(Principal::Owner));
    let (body, p) = m.call(&confirm(Principal::Partner)).unwrap();
    assert_eq!(body.body["virtualGatewayId"], "vgw-22222222");
    assert_eq!(VIRTUAL_INTERFACE.names(p.resources[0].states), ["pending"]);
    // Visible to its owner; the allocator may or may not see it.
    let describe = |by| Step::Vif(VifStep::DescribeVirtualInterfaces { by, target: None });
    let (_, p) = m.call(&describe(Principal::Partner)).unwrap();
    assert_eq!(p.resources[0].visibility, Visibility::Must);
    let (_, p) = m.call(&describe(Principal::Owner)).unwrap();
    assert_eq!(p.resources[0].visibility, Visibility::May);
    let delete = Step::Vif(VifStep::DeleteVirtualInterface {
        by: Principal::Partner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&delete).unwrap();
    assert_eq!(VIRTUAL_INTERFACE.names(p.resources[0].states), ["rejected"]);
}

#[test]
fn vlans_are_unique_per_connection_and_creates_need_the_connection_owner() {
    let mut m = with_connection();
    let step = new_vif_step(VifStep::CreatePublicVirtualInterface, Principal::Owner);
    let (body, p) = m.call(&step).unwrap();
    assert_eq!(
        body.body["newPublicVirtualInterface"]["amazonAddress"],
        "203.0.113.1/30"
    );
    assert_eq!(
        VIRTUAL_INTERFACE.names(p.resources[0].states),
        ["verifying", "pending"]
    );
    m.observe(
        &step,
        &p,
        &vif_answer("verifying", "111111111111", json!([])),
    );
    let again = new_vif_step(VifStep::CreatePrivateVirtualInterface, Principal::Owner);
    let (_, p) = m.call(&again).unwrap();
    assert!(matches!(&p.expect, Expect::Reject { rule, .. } if rule.contains("VLAN 101")));
    m.observe(&again, &p, &rejection());
    let foreign = new_vif_step(VifStep::CreatePrivateVirtualInterface, Principal::Partner);
    assert_not_owner(&m, &foreign);
    // Transit VIFs need a gateway: without one the step is skipped.
    let transit = new_vif_step(VifStep::CreateTransitVirtualInterface, Principal::Owner);
    assert!(m.call(&transit).is_none());
}

#[test]
fn test_history_of_a_case_vif_is_empty_and_another_accounts_may_be_refused() {
    let mut m = with_owner_vif("pending");
    let history = |by, target| Step::Vif(VifStep::ListVirtualInterfaceTestHistory { by, target });
    let (call, p) = m
        .call(&history(Principal::Owner, Some(HandleRef(0))))
        .unwrap();
    assert_eq!(call.body, json!({"virtualInterfaceId": "dxvif-bbbbbbbb"}));
    assert_eq!(p.expect, Expect::Succeed);
    let list = p.list.as_ref().unwrap();
    assert_eq!(list.member, "virtualInterfaceTestHistory");
    // Exclusive with nothing expected (no test started): any listed test is a finding.
    assert!(list.exclusive && p.resources.is_empty());
    let (_, p) = m
        .call(&history(Principal::Partner, Some(HandleRef(0))))
        .unwrap();
    assert!(matches!(p.expect, Expect::Either { .. }));
    assert!(p.list.as_ref().unwrap().exclusive && p.resources.is_empty());
    // The whole account's history may hold tests made outside the case.
    let (call, p) = m.call(&history(Principal::Partner, None)).unwrap();
    assert_eq!(call.body, json!({}));
    assert_eq!(p.expect, Expect::Succeed);
    assert!(!p.list.as_ref().unwrap().exclusive);
    let delete = Step::Vif(VifStep::DeleteVirtualInterface {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    run(
        &mut m,
        delete,
        vif_answer("deleting", "111111111111", json!([])),
    );
    let (_, p) = m
        .call(&history(Principal::Owner, Some(HandleRef(0))))
        .unwrap();
    assert!(matches!(p.expect, Expect::Either { .. }));
}

#[test]
fn mtu_is_mapped_per_type() {
    assert_eq!(mtu_for("private", Some(9001)), Some(9001));
    assert_eq!(mtu_for("transit", Some(9001)), Some(8500));
    assert_eq!(mtu_for("public", Some(1500)), None);
}

#[test]
fn a_started_failover_test_makes_the_vif_testing_joins_its_history_and_stops() {
    let mut m = with_owner_vif("available");
    let start = |minutes| {
        Step::Vif(VifStep::StartBgpFailoverTest {
            by: Principal::Owner,
            target: HandleRef(0),
            minutes,
            peers: false,
        })
    };
    // [api] at most 4,320 minutes: documented, so a refusal is predicted.
    let (_, p) = m.call(&start(Some(MAX_TEST_MINUTES + 1))).unwrap();
    assert!(matches!(p.expect, Expect::Reject { .. }), "{:?}", p.expect);
    // [api] the default is 180 minutes, echoed in the answer's test.
    let (call, p) = m.call(&start(None)).unwrap();
    assert_eq!(call.body, json!({"virtualInterfaceId": "dxvif-bbbbbbbb"}));
    assert_eq!(p.within, Some("virtualInterfaceTest"));
    assert!(p.resources[0]
        .echo
        .contains(&("testDurationInMinutes", json!(180))));
    let answer = json!({"virtualInterfaceTest": {"testId": "dxtest-1",
        "virtualInterfaceId": "dxvif-bbbbbbbb", "status": "in-progress"}});
    m.observe(&start(None), &p, &Outcome::Success(answer));
    let testing = VIRTUAL_INTERFACE.index("testing").unwrap();
    assert!(m.resource(Handle(1)).possible.has(testing));
    // The history of the VIF must list the test, and nothing else.
    let history = Step::Vif(VifStep::ListVirtualInterfaceTestHistory {
        by: Principal::Owner,
        target: Some(HandleRef(0)),
    });
    let (_, p) = m.call(&history).unwrap();
    assert!(p.list.as_ref().unwrap().exclusive);
    assert_eq!(p.resources.len(), 1);
    assert_eq!(p.resources[0].id.as_deref(), Some("dxtest-1"));
    assert_eq!(p.resources[0].visibility, Visibility::Must);
    // Stopping the running test is predicted to succeed, echoing the test.
    let stop = Step::Vif(VifStep::StopBgpFailoverTest {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&stop).unwrap();
    assert_eq!(p.expect, Expect::Succeed);
    assert!(p.resources[0].echo.contains(&("testId", json!("dxtest-1"))));
    m.observe(
        &stop,
        &p,
        &Outcome::Success(json!({"virtualInterfaceTest": {"testId": "dxtest-1"}})),
    );
    assert!(!m.resource(Handle(1)).possible.has(testing));
    // With no test running, a stop may be refused.
    let (_, p) = m.call(&stop).unwrap();
    assert!(matches!(p.expect, Expect::Either { .. }));
    // Another account may not test the VIF.
    assert_not_owner(&m, &as_partner(&start(None)));
}

#[test]
fn accepted_routes_of_a_case_vif_are_none_and_advertised_ones_are_not_judged() {
    let m = with_owner_vif("available");
    let routes = |accepted| {
        Step::Vif(VifStep::ListVirtualInterfaceRoutes {
            by: Principal::Owner,
            target: HandleRef(0),
            accepted,
        })
    };
    let (call, p) = m.call(&routes(Some(true))).unwrap();
    assert_eq!(call.body["filters"], json!({"routeDirection": "accepted"}));
    let list = p.list.as_ref().unwrap();
    assert!(
        list.exclusive && p.resources.is_empty(),
        "any accepted route is a finding"
    );
    let (_, p) = m.call(&routes(Some(false))).unwrap();
    assert!(!p.list.as_ref().unwrap().exclusive);
    let (call, p) = m.call(&routes(None)).unwrap();
    assert!(call.body.get("filters").is_none());
    assert!(!p.list.as_ref().unwrap().exclusive);
}
