//! What real AWS is publicly documented to do, fed to the model and the checks step by
//! step (docs/aws-quirks.md): each test asserts the harness's verdict on it, no failure
//! where AWS behaves as documented and a `shape.documented-deviation` warning where AWS
//! breaks its own published specification.

use std::time::Duration;

use rstest::rstest;
use serde_json::{json, Value};

use super::{CheckCtx, CheckSet, Finding, Severity};
use crate::model::testing::{
    hosted_for_owner, model, new_vif, owner_connection, partner_interconnect,
};
use crate::model::{
    ConnectionStep, GatewayStep, HandleRef, InterconnectStep, Model, ResourceKind, Step, VifStep,
};
use crate::vocab::{Exchange, Outcome, Principal};

const OWNER: &str = "111111111111";
const PARTNER: &str = "222222222222";
const GW: &str = "0b8f1a6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

/// Send `step` to the model, answer it with `status` and `body`, run every check of
/// answers on the exchange, and let the model observe the answer.
fn answer(m: &mut Model, step: Step, status: u16, body: Value) -> Vec<Finding> {
    let (call, p) = m.call(&step).expect("step applies");
    let outcome = if status == 200 {
        Outcome::Success(body.clone())
    } else {
        Outcome::ServiceError {
            error_type: body["__type"].as_str().unwrap_or_default().to_owned(),
            message: body["message"].as_str().map(str::to_owned),
        }
    };
    let exchange = Exchange {
        operation: call.operation.to_owned(),
        principal: call.principal,
        request: call.body,
        status,
        headers: vec![(
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        )],
        body: body.to_string().into(),
        latency: Duration::ZERO,
        outcome: outcome.clone(),
    };
    let ctx = CheckCtx::new(crate::spec::Spec::builtin(), &p, None, 0);
    let findings = CheckSet::default().run(&ctx, &exchange);
    m.observe(&step, &p, &outcome);
    findings
}

/// The verdict "accepted": no finding is a failure.
#[track_caller]
fn accepted(findings: &[Finding]) {
    let failures: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Failure)
        .collect();
    assert!(failures.is_empty(), "failures: {failures:#?}");
}

/// A DirectConnectClientException with `message`, as AWS answers it (HTTP 400).
fn client_error(message: &str) -> Value {
    json!({"__type": "DirectConnectClientException", "message": message})
}

/// The same call made twice: the first answered `done` (HTTP 200), the repeat refused
/// with the client error `refusal`, as AWS does for a call whose effect already happened;
/// the harness must accept both answers.
fn repeated_call_refused(m: &mut Model, step: Step, done: Value, refusal: &str) {
    accepted(&answer(m, step.clone(), 200, done));
    accepted(&answer(m, step, 400, client_error(refusal)));
}

/// The owner's dedicated connection `dxcon-aaaaaaaa` in EqDC2, answered `requested`.
fn with_connection() -> Model {
    let mut m = model();
    accepted(&answer(
        &mut m,
        owner_connection("10Gbps"),
        200,
        connection("dxcon-aaaaaaaa", "c", "requested", "10Gbps"),
    ));
    m
}

fn connection(id: &str, name: &str, state: &str, bandwidth: &str) -> Value {
    json!({"connectionId": id, "connectionName": name, "connectionState": state,
        "ownerAccount": OWNER, "region": "us-east-1", "location": "EqDC2",
        "bandwidth": bandwidth})
}

/// A private VIF item as Describe and the creates answer it (VLAN 101, ASN 65000).
fn vif(state: &str, owner: &str) -> Value {
    json!({"virtualInterfaceId": "dxvif-bbbbbbbb", "virtualInterfaceName": "v",
        "virtualInterfaceState": state, "virtualInterfaceType": "private",
        "ownerAccount": owner, "connectionId": "dxcon-aaaaaaaa", "vlan": 101, "asn": 65000,
        "location": "EqDC2", "region": "us-east-1", "addressFamily": "ipv4"})
}

fn describe_vifs(by: Principal) -> Step {
    Step::Vif(VifStep::DescribeVirtualInterfaces { by, target: None })
}

#[test]
fn a_hosted_vif_reported_approving_is_a_warning_naming_it_never_a_failure() {
    // terraform-provider-aws #11594: the allocating side's waiter met `approving`.
    let mut m = with_connection();
    let allocate = Step::Vif(VifStep::AllocatePrivateVirtualInterface(new_vif(
        Principal::Owner,
    )));
    accepted(&answer(&mut m, allocate, 200, vif("confirming", PARTNER)));
    let confirm = Step::Vif(VifStep::ConfirmPrivateVirtualInterface {
        by: Principal::Partner,
        target: HandleRef(0),
        gateway: None,
        vgw: 0,
    });
    accepted(&answer(
        &mut m,
        confirm,
        200,
        json!({"virtualInterfaceState": "pending"}),
    ));
    let findings = answer(
        &mut m,
        describe_vifs(Principal::Owner),
        200,
        json!({"virtualInterfaces": [vif("approving", PARTNER)]}),
    );
    accepted(&findings);
    let warning = findings
        .iter()
        .find(|f| f.check == "shape.documented-deviation")
        .expect("a warning names the undocumented value");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.path, "$.virtualInterfaces[0].virtualInterfaceState");
    assert!(warning.actual.contains("\"approving\""), "{warning:?}");
    assert!(warning.actual.contains("#11594"), "{warning:?}");
    // The lifecycle goes on from the last documented state.
    accepted(&answer(
        &mut m,
        describe_vifs(Principal::Owner),
        200,
        json!({"virtualInterfaces": [vif("available", PARTNER)]}),
    ));
    // The same state on a connection is no documented deviation: still a failure.
    let mut m = with_connection();
    let findings = answer(
        &mut m,
        Step::Connection(ConnectionStep::DescribeConnections {
            by: Principal::Owner,
            target: None,
        }),
        200,
        json!({"connections": [connection("dxcon-aaaaaaaa", "c", "approving", "10Gbps")]}),
    );
    assert!(
        findings
            .iter()
            .any(|f| f.check == "shape.enum" && f.severity == Severity::Failure),
        "{findings:#?}"
    );
}

/// The partner's interconnect with one hosted connection `dxcon-h0000001` for the owner.
fn with_hosted() -> Model {
    let mut m = model();
    accepted(&answer(
        &mut m,
        Step::Interconnect(partner_interconnect()),
        200,
        json!({"interconnectId": "dxcon-ic000001", "interconnectName": "ic",
            "interconnectState": "requested", "region": "us-east-1", "location": "EqDC2",
            "bandwidth": "10Gbps"}),
    ));
    let mut hosted = connection("dxcon-h0000001", "h", "ordering", "500Mbps");
    hosted["vlan"] = json!(101);
    accepted(&answer(
        &mut m,
        Step::Interconnect(hosted_for_owner()),
        200,
        hosted,
    ));
    m
}

fn confirm_hosted() -> Step {
    Step::Interconnect(InterconnectStep::ConfirmConnection {
        by: Principal::Owner,
        target: HandleRef(0),
    })
}

#[test]
fn a_confirmed_hosted_connection_going_down_is_accepted() {
    // terraform-provider-aws #26565: after ConfirmConnection the waiter met `down`.
    let mut m = with_hosted();
    accepted(&answer(
        &mut m,
        confirm_hosted(),
        200,
        json!({"connectionState": "pending"}),
    ));
    let mut down = connection("dxcon-h0000001", "h", "down", "500Mbps");
    down["vlan"] = json!(101);
    accepted(&answer(
        &mut m,
        Step::Connection(ConnectionStep::DescribeConnections {
            by: Principal::Owner,
            target: None,
        }),
        200,
        json!({"connections": [down]}),
    ));
}

#[test]
fn confirming_a_connection_no_longer_ordering_may_fail_with_its_state() {
    // aws-sdk-go #2717: "ConfirmConnection failed. dxcon-… is in state requested".
    let mut m = with_hosted();
    repeated_call_refused(
        &mut m,
        confirm_hosted(),
        json!({"connectionState": "pending"}),
        "ConfirmConnection failed. dxcon-h0000001 is in state pending",
    );
}

#[test]
fn a_vif_on_a_connection_not_yet_available_may_be_refused() {
    // equinix/terraform-provider-equinix #26: "The specified Connection ID is not
    // available"; a connection is physically provisioned first (up to 72 hours).
    let mut m = with_connection();
    let create = Step::Vif(VifStep::CreatePrivateVirtualInterface(new_vif(
        Principal::Owner,
    )));
    accepted(&answer(
        &mut m,
        create.clone(),
        400,
        client_error("The specified Connection ID is not available"),
    ));
    // Accepted too, as the reference target does.
    accepted(&answer(&mut m, create, 200, vif("pending", OWNER)));
}

#[test]
fn deleting_what_is_already_deleted_may_be_a_client_exception_and_describes_keep_it() {
    let mut m = with_connection();
    repeated_call_refused(
        &mut m,
        Step::Connection(ConnectionStep::DeleteConnection {
            by: Principal::Owner,
            target: HandleRef(0),
        }),
        connection("dxcon-aaaaaaaa", "c", "deleted", "10Gbps"),
        "Could not find Connection with ID dxcon-aaaaaaaa",
    );
    // Describe keeps a deleted record for a while, or drops it.
    let describe = || {
        Step::Connection(ConnectionStep::DescribeConnections {
            by: Principal::Owner,
            target: None,
        })
    };
    accepted(&answer(
        &mut m,
        describe(),
        200,
        json!({"connections": [connection("dxcon-aaaaaaaa", "c", "deleted", "10Gbps")]}),
    ));
    accepted(&answer(&mut m, describe(), 200, json!({"connections": []})));

    // A VIF: deleting its record twice; the provider's delete waiter counts an empty
    // Describe as deleted.
    let mut m = with_connection();
    let create = Step::Vif(VifStep::CreatePrivateVirtualInterface(new_vif(
        Principal::Owner,
    )));
    accepted(&answer(&mut m, create, 200, vif("pending", OWNER)));
    repeated_call_refused(
        &mut m,
        Step::Vif(VifStep::DeleteVirtualInterface {
            by: Principal::Owner,
            target: HandleRef(0),
        }),
        json!({"virtualInterfaceState": "deleting"}),
        "The virtual interface dxvif-bbbbbbbb does not exist",
    );
    accepted(&answer(
        &mut m,
        describe_vifs(Principal::Owner),
        200,
        json!({"virtualInterfaces": [vif("deleted", OWNER)]}),
    ));
    accepted(&answer(
        &mut m,
        describe_vifs(Principal::Owner),
        200,
        json!({"virtualInterfaces": []}),
    ));

    // A VIF its owner declined stays listed `rejected`.
    let mut m = with_connection();
    let allocate = Step::Vif(VifStep::AllocatePrivateVirtualInterface(new_vif(
        Principal::Owner,
    )));
    accepted(&answer(&mut m, allocate, 200, vif("confirming", PARTNER)));
    accepted(&answer(
        &mut m,
        Step::Vif(VifStep::DeleteVirtualInterface {
            by: Principal::Partner,
            target: HandleRef(0),
        }),
        200,
        json!({"virtualInterfaceState": "rejected"}),
    ));
    accepted(&answer(
        &mut m,
        describe_vifs(Principal::Partner),
        200,
        json!({"virtualInterfaces": [vif("rejected", PARTNER)]}),
    ));
}

fn with_gateway() -> Model {
    let mut m = model();
    accepted(&answer(
        &mut m,
        Step::Gateway(GatewayStep::CreateDirectConnectGateway {
            by: Principal::Owner,
            name: "g".into(),
            asn: None,
            tags: vec![],
        }),
        200,
        json!({"directConnectGateway": {"directConnectGatewayId": GW,
            "directConnectGatewayName": "g", "amazonSideAsn": 64512,
            "ownerAccount": OWNER, "directConnectGatewayState": "pending"}}),
    ));
    m
}

fn association(state: &str, vgw: &str, vgw_owner: &str) -> Value {
    json!({"associationId": "a1b2c3d4-0000-4000-8000-000000000001",
        "associationState": state, "directConnectGatewayId": GW,
        "directConnectGatewayOwnerAccount": OWNER, "virtualGatewayId": vgw,
        "virtualGatewayOwnerAccount": vgw_owner, "virtualGatewayRegion": "us-east-1"})
}

#[test]
fn accepting_a_proposal_twice_may_fail_as_already_accepted() {
    // terraform-provider-aws #14328: "Direct Connect Gateway Association Proposal has
    // been accepted!" on the second accept.
    let mut m = with_gateway();
    accepted(&answer(
        &mut m,
        Step::Gateway(GatewayStep::CreateDirectConnectGatewayAssociationProposal {
            by: Principal::Partner,
            gateway: HandleRef(0),
            vgw: 0,
        }),
        200,
        json!({"directConnectGatewayAssociationProposal": {
            "proposalId": "c2d3e4f5-0000-4000-8000-000000000002", "proposalState": "requested",
            "directConnectGatewayId": GW, "directConnectGatewayOwnerAccount": OWNER,
            "proposalOwnerAccount": PARTNER}}),
    ));
    repeated_call_refused(
        &mut m,
        Step::Gateway(GatewayStep::AcceptDirectConnectGatewayAssociationProposal {
            by: Principal::Owner,
            target: HandleRef(0),
        }),
        json!({"directConnectGatewayAssociation":
            association("associating", "vgw-22222222", PARTNER)}),
        "Direct Connect Gateway Association Proposal  has been accepted!",
    );
}

#[test]
fn an_association_associating_for_long_is_never_a_liveness_failure() {
    // terraform-provider-aws #9225, #14328: `associating` for over 15 and 45 minutes (the
    // provider's default timeout was raised to 30 minutes, #14144). The harness does not
    // wait on it: only states AWS documents leaving within minutes are waited for.
    let association_kind = ResourceKind::GatewayAssociation.descriptor();
    assert!(!association_kind.settles("associating"));
    let mut m = with_gateway();
    accepted(&answer(
        &mut m,
        Step::Gateway(GatewayStep::CreateDirectConnectGatewayAssociation {
            by: Principal::Owner,
            gateway: HandleRef(0),
            vgw: 0,
        }),
        200,
        json!({"directConnectGatewayAssociation":
            association("associating", "vgw-11111111", OWNER)}),
    ));
    let describe = || {
        Step::Gateway(GatewayStep::DescribeDirectConnectGatewayAssociations {
            by: Principal::Owner,
            target: None,
            gateway: Some(HandleRef(0)),
        })
    };
    for _ in 0..5 {
        accepted(&answer(
            &mut m,
            describe(),
            200,
            json!({"directConnectGatewayAssociations":
                [association("associating", "vgw-11111111", OWNER)]}),
        ));
    }
    accepted(&answer(
        &mut m,
        describe(),
        200,
        json!({"directConnectGatewayAssociations":
            [association("associated", "vgw-11111111", OWNER)]}),
    ));
    // Disassociated records stay listed for a while.
    accepted(&answer(
        &mut m,
        Step::Gateway(GatewayStep::DeleteDirectConnectGatewayAssociation {
            by: Principal::Owner,
            target: HandleRef(0),
        }),
        200,
        json!({"directConnectGatewayAssociation":
            association("disassociating", "vgw-11111111", OWNER)}),
    ));
    accepted(&answer(
        &mut m,
        describe(),
        200,
        json!({"directConnectGatewayAssociations":
            [association("disassociated", "vgw-11111111", OWNER)]}),
    ));
}

/// terraform-provider-aws internal/service/directconnect waiters: each waits from `from`
/// for one of `to`, which the lifecycle must reach on its own.
#[rstest]
// A VIF create settles to `available` or `down` (10 minutes).
#[case(ResourceKind::VirtualInterface, &["pending"], &["available", "down"])]
#[case(ResourceKind::VirtualInterface, &["verifying"], &["available", "down"])]
// A BGP peer to `available` or `verifying`.
#[case(ResourceKind::BgpPeer, &["pending"], &["available", "verifying"])]
// A gateway `pending` → `available` (10 minutes).
#[case(ResourceKind::DirectConnectGateway, &["pending"], &["available"])]
// A connection confirm from `requested`/`pending` to `available` (10 minutes);
// `ordering` leaves only by ConfirmConnection, which answers `pending`.
#[case(ResourceKind::Connection, &["requested"], &["available"])]
#[case(ResourceKind::Connection, &["pending"], &["available"])]
// Associations reach `associated` on their own, however long it takes.
#[case(ResourceKind::GatewayAssociation, &["associating"], &["associated"])]
fn the_terraform_providers_waiter_targets_are_reachable_on_their_own(
    #[case] kind: ResourceKind,
    #[case] from: &[&str],
    #[case] to: &[&str],
) {
    let lifecycle = kind.lifecycle();
    let reached = lifecycle.closure(lifecycle.set(from));
    for state in to {
        assert!(
            lifecycle.index(state).is_some_and(|i| reached.has(i)),
            "{kind:?}: {from:?} never reaches {state}"
        );
    }
}

#[test]
fn the_harness_never_waits_on_a_hosted_vif_confirming() {
    // A hosted VIF on the allocating side waits for `available`, `confirming` or `down`:
    // `confirming` stays until the owner acts, so the harness never waits on it.
    let vif_kind = ResourceKind::VirtualInterface.descriptor();
    assert!(!vif_kind.settles("confirming"));
    assert!(vif_kind.settles("pending"));
}
