//! Tests of `gateways`.

use super::*;
use crate::model::testing::{assert_not_owner, model};
use crate::model::Expect;
use crate::model::{HandleRef, Step};

fn run(m: &mut Model, step: GatewayStep, answer: Value) -> Prediction {
    let step = Step::Gateway(step);
    crate::model::testing::run(m, step, Outcome::Success(answer))
}

const GW: &str = "0b8f1a6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

fn gateway(m: &mut Model) {
    let p = run(
        m,
        GatewayStep::CreateDirectConnectGateway {
            by: Principal::Owner,
            name: "g".into(),
            asn: None,
            tags: vec![],
        },
        json!({"directConnectGateway": {"directConnectGatewayId": GW, "directConnectGatewayState": "available"}}),
    );
    assert_eq!(
        DIRECT_CONNECT_GATEWAY.names(p.resources[0].states),
        ["pending", "available"]
    );
    assert!(p.resources[0]
        .echo
        .contains(&("amazonSideAsn", json!(64512))));
}

#[test]
fn associations_hold_the_gateway_and_one_vgw_at_a_time() {
    let mut m = model();
    gateway(&mut m);
    let create = GatewayStep::CreateDirectConnectGatewayAssociation {
        by: Principal::Owner,
        gateway: HandleRef(0),
        vgw: 0,
    };
    let p = run(
        &mut m,
        create.clone(),
        json!({"directConnectGatewayAssociation": {
        "associationId": "a-1", "associationState": "associating"}}),
    );
    assert_eq!(
        GATEWAY_ASSOCIATION.names(p.resources[0].states),
        ["associating"]
    );
    let (_, p) = m.call(&Step::Gateway(create)).unwrap();
    assert!(
        matches!(p.expect, Expect::Reject { .. }),
        "the VGW is taken"
    );
    let delete = Step::Gateway(GatewayStep::DeleteDirectConnectGateway {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&delete).unwrap();
    assert!(
        matches!(p.expect, Expect::Either { .. }),
        "refused or stays with associations left"
    );
    assert_not_owner(
        &m,
        &Step::Gateway(GatewayStep::CreateDirectConnectGatewayAssociation {
            by: Principal::Partner,
            gateway: HandleRef(0),
            vgw: 0,
        }),
    );
}

#[test]
fn proposals_are_accepted_by_the_gateway_owner() {
    let mut m = model();
    gateway(&mut m);
    let p = run(
        &mut m,
        GatewayStep::CreateDirectConnectGatewayAssociationProposal {
            by: Principal::Partner,
            gateway: HandleRef(0),
            vgw: 0,
        },
        json!({"directConnectGatewayAssociationProposal": {"proposalId": "p-1", "proposalState": "requested"}}),
    );
    assert_eq!(
        ASSOCIATION_PROPOSAL.names(p.resources[0].states),
        ["requested"]
    );
    let accept = |by| {
        Step::Gateway(GatewayStep::AcceptDirectConnectGatewayAssociationProposal {
            by,
            target: HandleRef(0),
        })
    };
    assert_not_owner(&m, &accept(Principal::Partner));
    let (body, p) = m.call(&accept(Principal::Owner)).unwrap();
    assert_eq!(body.body["associatedGatewayOwnerAccount"], "222222222222");
    assert_eq!(p.expect, Expect::Succeed);
    assert!(p.resources[0]
        .echo
        .contains(&("virtualGatewayId", json!("vgw-22222222"))));
}
