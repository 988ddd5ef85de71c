//! Tests of `resiliency`.

use super::*;
use crate::model::testing::{as_partner, assert_not_owner, model, owner_connection, run};
use crate::model::{Expect, Step};

fn group_answer(state: &str) -> Outcome {
    Outcome::Success(
        json!({"resiliencyGroup": {"resiliencyGroupId": "dxrg-aaaaaaaaaaaaaaaaa",
        "resiliencyGroupName": "g", "state": state, "ownerAccount": "111111111111"}}),
    )
}

/// A model holding a group and a connection of the owner.
fn with_group_and_connection() -> Model {
    let mut m = model();
    let create = Step::Resiliency(ResiliencyStep::CreateResiliencyGroup {
        by: Principal::Owner,
        name: "g".into(),
        model: "high-resiliency".into(),
        tags: Vec::new(),
    });
    let p = run(&mut m, create, group_answer("pending"));
    assert_eq!(p.within, Some("resiliencyGroup"));
    assert_eq!(
        RESILIENCY_GROUP.names(p.resources[0].states),
        ["pending", "available"]
    );
    let connection = owner_connection("10Gbps");
    run(
        &mut m,
        connection,
        Outcome::Success(json!({"connectionId": "dxcon-aaaaaaaa", "connectionState": "requested"})),
    );
    m
}

#[test]
fn associated_connections_are_listed_by_arn_until_disassociated() {
    let mut m = with_group_and_connection();
    let associate = Step::Resiliency(ResiliencyStep::AssociateConnectionsToResiliencyGroup {
        by: Principal::Owner,
        target: HandleRef(0),
        connections: vec![HandleRef(0), HandleRef(0)],
    });
    let (call, p) = m.call(&associate).unwrap();
    assert_eq!(
        call.body,
        json!({"resiliencyGroupId": "dxrg-aaaaaaaaaaaaaaaaa", "connectionIdentifiers": ["dxcon-aaaaaaaa"]}),
        "each connection once"
    );
    assert_eq!(p.expect, Expect::Succeed);
    let arn = "arn:aws:directconnect:us-east-1:111111111111:dxcon/dxcon-aaaaaaaa";
    assert_eq!(p.resources[0].id.as_deref(), Some(arn));
    m.observe(
        &associate,
        &p,
        &Outcome::Success(json!({"resiliencyGroupAssociations": []})),
    );
    let list = Step::Resiliency(ResiliencyStep::ListResiliencyGroupAssociations {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&list).unwrap();
    assert!(p.list.as_ref().unwrap().exclusive);
    assert_eq!(p.resources.len(), 1);
    assert_eq!(p.resources[0].visibility, Visibility::Must);
    // Associating it again may be refused.
    let (_, p) = m.call(&associate).unwrap();
    assert!(matches!(p.expect, Expect::Either { .. }));
    let disassociate =
        Step::Resiliency(ResiliencyStep::DisassociateConnectionsFromResiliencyGroup {
            by: Principal::Owner,
            target: HandleRef(0),
            connections: vec![HandleRef(0)],
        });
    let (_, p) = m.call(&disassociate).unwrap();
    assert_eq!(p.expect, Expect::Succeed);
    m.observe(
        &disassociate,
        &p,
        &Outcome::Success(json!({"resiliencyGroupAssociations": []})),
    );
    // A disassociated connection may linger, and need not.
    let (_, p) = m.call(&list).unwrap();
    assert_eq!(p.resources.len(), 1);
    assert_eq!(p.resources[0].visibility, Visibility::May);
    // Another account may not touch the group.
    assert_not_owner(&m, &as_partner(&associate));
}

#[test]
fn a_renamed_group_echoes_its_name_and_a_delete_answers_deleting_or_deleted() {
    let mut m = with_group_and_connection();
    let rename = Step::Resiliency(ResiliencyStep::UpdateResiliencyGroup {
        by: Principal::Owner,
        target: HandleRef(0),
        name: "g-2".into(),
    });
    run(&mut m, rename, group_answer("available"));
    let get = Step::Resiliency(ResiliencyStep::GetResiliencyGroup {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&get).unwrap();
    assert!(p.resources[0]
        .echo
        .contains(&("resiliencyGroupName", json!("g-2"))));
    let delete = Step::Resiliency(ResiliencyStep::DeleteResiliencyGroup {
        by: Principal::Owner,
        target: HandleRef(0),
    });
    let (_, p) = m.call(&delete).unwrap();
    assert_eq!(
        RESILIENCY_GROUP.names(p.resources[0].states),
        ["deleting", "deleted"]
    );
    m.observe(&delete, &p, &group_answer("deleting"));
    assert!(m.resource(Handle(0)).deleted);
}
