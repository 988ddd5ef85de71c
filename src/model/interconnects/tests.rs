//! Tests of `interconnects`.

use super::*;
use crate::model::testing::{hosted_for_owner, model, partner_interconnect, refused_to_non_owner};
use crate::model::Expect;
use crate::model::Step;
use rstest::rstest;

fn run(m: &mut Model, step: InterconnectStep, answer: Value) -> Prediction {
    let step = Step::Interconnect(step);
    crate::model::testing::run(m, step, Outcome::Success(answer))
}

/// A model where the partner has an interconnect with one hosted connection for the owner.
fn with_hosted() -> Model {
    let mut m = model();
    run(
        &mut m,
        partner_interconnect(),
        json!({"interconnectId":"dxcon-ic000001","interconnectState":"requested"}),
    );
    run(
        &mut m,
        hosted_for_owner(),
        json!({"connectionId":"dxcon-h0000001","connectionState":"ordering"}),
    );
    m
}

#[test]
fn allocation_predicts_ordering_for_the_owner_account() {
    let m = with_hosted();
    let h = m.resource(Handle(1));
    assert_eq!(h.owner, Principal::Owner);
    assert_eq!(h.peer, Some(Principal::Partner));
    assert_eq!(
        h.possible,
        CONNECTION.set(&["ordering"]),
        "ordering waits for confirmation"
    );
    let (_, p) = m
        .call(&Step::Interconnect(
            InterconnectStep::AllocateHostedConnection {
                by: Principal::Partner,
                target: HandleRef(0),
                owner: Principal::Owner,
                bandwidth: "1Gbps".into(),
                name: "x".into(),
                vlan: 101,
                tags: vec![],
            },
        ))
        .unwrap();
    assert!(
        matches!(p.expect, Expect::Either { .. }),
        "VLAN 101 is taken"
    );
    let e = &p.resources[0];
    assert!(e.echo.contains(&("ownerAccount", json!("111111111111"))));
    assert_eq!(e.states, CONNECTION.set(&["ordering"]));
}

#[rstest]
#[case(Principal::Owner, true)]
#[case(Principal::Partner, false)]
fn only_the_interconnect_owner_allocates(#[case] by: Principal, #[case] rejected: bool) {
    let m = with_hosted();
    let (_, p) = m
        .call(&Step::Interconnect(
            InterconnectStep::AllocateConnectionOnInterconnect {
                by,
                target: HandleRef(0),
                owner: Principal::Owner,
                bandwidth: "1Gbps".into(),
                name: "x".into(),
                vlan: 7,
            },
        ))
        .unwrap();
    if rejected {
        assert!(refused_to_non_owner(&p.expect));
    } else {
        assert!(matches!(p.expect, Expect::Succeed));
    }
}

#[rstest]
#[case(Principal::Partner, true)]
#[case(Principal::Owner, false)]
fn only_the_owner_confirms(#[case] by: Principal, #[case] rejected: bool) {
    let mut m = with_hosted();
    let step = InterconnectStep::ConfirmConnection {
        by,
        target: HandleRef(0),
    };
    let (_, p) = m.call(&Step::Interconnect(step.clone())).unwrap();
    assert_eq!(refused_to_non_owner(&p.expect), rejected);
    if !rejected {
        assert_eq!(p.resources[0].states, CONNECTION.set(&["pending"]));
        run(&mut m, step, json!({"connectionState":"pending"}));
        assert!(m
            .resource(Handle(1))
            .possible
            .has(CONNECTION.index("available").unwrap()));
    }
}

#[test]
fn hosted_connections_are_listed_for_the_partner_not_in_its_connections() {
    let m = with_hosted();
    let (body, p) = m
        .call(&Step::Interconnect(
            InterconnectStep::DescribeHostedConnections {
                by: Principal::Partner,
                target: HandleRef(0),
            },
        ))
        .unwrap();
    assert_eq!(body.body, json!({"connectionId":"dxcon-ic000001"}));
    assert_eq!(p.resources.len(), 1);
    assert_eq!(p.resources[0].visibility, Visibility::Must);
    let (_, d) = m
        .call(&Step::Connection(
            crate::model::ConnectionStep::DescribeConnections {
                by: Principal::Partner,
                target: None,
            },
        ))
        .unwrap();
    assert_eq!(d.resources[0].visibility, Visibility::MustNot);
}

#[test]
fn deleting_an_ordering_hosted_connection_rejects_it() {
    let m = with_hosted();
    let (_, p) = m
        .call(&Step::Connection(
            crate::model::ConnectionStep::DeleteConnection {
                by: Principal::Owner,
                target: HandleRef(0),
            },
        ))
        .unwrap();
    assert_eq!(p.resources[0].states, CONNECTION.set(&["rejected"]));
    let (_, ic) = m
        .call(&Step::Interconnect(InterconnectStep::DeleteInterconnect {
            by: Principal::Partner,
            target: HandleRef(0),
        }))
        .unwrap();
    assert!(
        matches!(ic.expect, Expect::Either { .. }),
        "still hosts a connection"
    );
}

#[test]
fn bandwidths_parse() {
    assert_eq!(mbps("50Mbps"), Some(50));
    assert_eq!(mbps("25Gbps"), Some(25_000));
    assert_eq!(mbps("x"), None);
}
