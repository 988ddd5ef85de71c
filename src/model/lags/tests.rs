//! Tests of `lags`.

use super::*;
use crate::model::testing::{
    as_partner, assert_not_owner, model, owner_connection, refused_to_non_owner,
};
use crate::model::Expect;
use crate::model::{HandleRef, Step};
use rstest::rstest;

fn create(bandwidth: &str, count: u8) -> Step {
    Step::Lag(LagStep::CreateLag {
        by: Principal::Owner,
        location: 0,
        bandwidth: bandwidth.into(),
        count,
        name: "lag".into(),
        tags: vec![],
        mac_sec: false,
        connection: None,
    })
}

fn with_lag() -> Model {
    let mut m = model();
    let step = create("10Gbps", 2);
    let (_, p) = m.call(&step).unwrap();
    let answer = json!({"lagId":"dxlag-aaaa0001","lagState":"pending","awsDeviceV2":"d1",
        "connections":[
            {"connectionId":"dxcon-m0000001","connectionState":"requested","connectionName":"m1","awsDeviceV2":"d1"},
            {"connectionId":"dxcon-m0000002","connectionState":"down","connectionName":"m2","awsDeviceV2":"d1"}]});
    m.observe(&step, &p, &Outcome::Success(answer));
    m
}

#[rstest]
#[case("10Gbps", 4, true)]
#[case("10Gbps", 5, false)]
#[case("100Gbps", 2, true)]
#[case("400Gbps", 3, false)]
fn create_lag_respects_the_member_limit(#[case] bw: &str, #[case] n: u8, #[case] ok: bool) {
    let (body, p) = model().call(&create(bw, n)).unwrap();
    assert_eq!(body.body["numberOfConnections"], json!(n));
    assert_eq!(matches!(p.expect, Expect::Succeed), ok);
    if ok {
        assert!(p.resources[0].states.has(LAG.index("pending").unwrap()));
    }
}

#[test]
fn create_lag_binds_members_with_their_lag() {
    let mut m = with_lag();
    assert_eq!(m.resources().len(), 3);
    let member = m.resource(Handle(2));
    assert_eq!(member.parent, Some(Handle(0)));
    assert_eq!(member.attributes["lagId"], json!("dxlag-aaaa0001"));
    assert_eq!(member.last_state, Some("down"));
    let edges = m.take_transitions();
    assert!(edges
        .iter()
        .any(|e| e.via == "CreateLag" && e.kind == ResourceKind::Connection));
}

#[test]
fn disassociate_then_associate_back() {
    let mut m = with_lag();
    let step = Step::Lag(LagStep::DisassociateConnectionFromLag {
        by: Principal::Owner,
        connection: HandleRef(0),
        lag: HandleRef(0),
    });
    let (body, p) = m.call(&step).unwrap();
    assert_eq!(
        body.body,
        json!({"connectionId":"dxcon-m0000001","lagId":"dxlag-aaaa0001"})
    );
    assert!(matches!(p.expect, Expect::Succeed));
    m.observe(
        &step,
        &p,
        &Outcome::Success(json!({"connectionId":"dxcon-m0000001","connectionState":"requested"})),
    );
    assert_eq!(m.resource(Handle(1)).parent, None);
    let back = Step::Lag(LagStep::AssociateConnectionWithLag {
        by: Principal::Owner,
        connection: HandleRef(0),
        lag: HandleRef(0),
    });
    let (_, p) = m.call(&back).unwrap();
    assert!(matches!(p.expect, Expect::Succeed), "{:?}", p.expect);
    assert!(p.resources[0]
        .echo
        .contains(&("lagId", json!("dxlag-aaaa0001"))));
    assert_not_owner(&m, &as_partner(&back));
}

#[test]
fn mac_sec_keys_need_a_capable_lag_and_are_remembered() {
    let mut m = with_lag();
    let assoc = Step::Lag(LagStep::AssociateMacSecKey {
        by: Principal::Owner,
        kind: ResourceKind::Lag,
        target: HandleRef(0),
        ckn: "ab".repeat(32),
        cak: "cd".repeat(32),
    });
    let (_, p) = m.call(&assoc).unwrap();
    assert!(
        matches!(p.expect, Expect::Either { .. }),
        "not MACsec capable"
    );
    m.resource_mut(Handle(0))
        .attributes
        .insert(MAC_SEC.into(), json!(true));
    let (_, p) = m.call(&assoc).unwrap();
    assert!(matches!(p.expect, Expect::Succeed));
    m.observe(
        &assoc,
        &p,
        &Outcome::Success(json!({"connectionId":"dxlag-aaaa0001",
        "macSecKeys":[{"secretARN":"arn:s","ckn":"ab".repeat(32),"state":"associated"}]})),
    );
    let dis = Step::Lag(LagStep::DisassociateMacSecKey {
        by: Principal::Owner,
        kind: ResourceKind::Lag,
        target: HandleRef(0),
    });
    let (body, p) = m.call(&dis).unwrap();
    assert_eq!(body.body["secretARN"], "arn:s");
    assert!(matches!(p.expect, Expect::Succeed));
}

#[rstest]
#[case(Principal::Owner, false)]
#[case(Principal::Partner, true)]
fn a_lag_bundles_an_existing_connection_where_it_is(#[case] by: Principal, #[case] foreign: bool) {
    let mut m = model();
    let create = owner_connection("1Gbps");
    let (_, p) = m.call(&create).unwrap();
    m.observe(
        &create,
        &p,
        &Outcome::Success(json!({"connectionId":"dxcon-c0000001","connectionState":"requested"})),
    );
    let step = Step::Lag(LagStep::CreateLag {
        by,
        location: 3,
        bandwidth: "100Gbps".into(),
        count: 1,
        name: "lag".into(),
        tags: vec![],
        mac_sec: false,
        connection: Some(HandleRef(0)),
    });
    let (call, p) = m.call(&step).unwrap();
    assert_eq!(call.body["connectionId"], "dxcon-c0000001");
    assert_eq!(call.body["connectionsBandwidth"], "1Gbps");
    if foreign {
        assert!(refused_to_non_owner(&p.expect));
        return;
    }
    assert!(matches!(p.expect, Expect::Succeed));
    m.observe(
        &step,
        &p,
        &Outcome::Success(json!({"lagId":"dxlag-b0000001","lagState":"requested",
            "connections":[{"connectionId":"dxcon-c0000001","connectionState":"requested"}]})),
    );
    assert_eq!(
        m.resources().len(),
        2,
        "the bundled connection is not a new resource"
    );
    assert_eq!(m.resource(Handle(0)).parent, Some(Handle(1)));
    assert_eq!(m.members(Handle(1)), vec![Handle(0)]);
}

#[test]
fn delete_lag_keeps_members_as_standalone_connections() {
    let mut m = with_lag();
    let step = Step::Lag(LagStep::DeleteLag {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&step).unwrap();
    assert_eq!(p.resources[0].states, LAG.set(&["deleting", "deleted"]));
    m.observe(
        &step,
        &p,
        &Outcome::Success(json!({"lagId":"dxlag-aaaa0001","lagState":"deleted"})),
    );
    assert!(m.resource(Handle(0)).deleted);
    assert!(m.members(Handle(0)).is_empty());
    assert!(!m.resource(Handle(1)).deleted);
}
