//! Tests of `virtual_interfaces`.

use super::*;
use crate::emulator::testing::{assert_says, owned_connection, world, Calls, OTHER, OWNER};

fn private(w: &mut World, conn: &Value, vlan: i64) -> Outcome {
    let vgw = virtual_gateways_of(OWNER)[0].clone();
    w.invoke(
        OWNER,
        "CreatePrivateVirtualInterface",
        json!({"connectionId": conn, "newPrivateVirtualInterface": {
            "virtualInterfaceName": "v", "vlan": vlan, "asn": 65000, "virtualGatewayId": vgw}}),
    )
}

#[test]
fn create_private_answers_pending_with_its_first_peer() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let out = private(&mut w, &conn, 101).unwrap();
    assert_eq!(out["virtualInterfaceState"], "pending");
    assert_eq!(out["virtualInterfaceType"], "private");
    assert_eq!(out["mtu"], 1500);
    assert_eq!(out["ownerAccount"], OWNER);
    assert!(out["virtualInterfaceId"]
        .as_str()
        .unwrap()
        .starts_with("dxvif-"));
    let peers = out["bgpPeers"].as_array().unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0]["bgpPeerState"], "pending");
    assert!(peers[0]["bgpPeerId"]
        .as_str()
        .unwrap()
        .starts_with("dxpeer-"));
    let err = private(&mut w, &conn, 101).unwrap_err();
    assert_says(&err, "VLAN 101");
    let err = w.refused(OTHER,
        "CreatePrivateVirtualInterface",
        json!({"connectionId": conn, "newPrivateVirtualInterface": { "virtualInterfaceName": "v", "vlan": 5, "asn": 1, "virtualGatewayId": "vgw-1"}}),
    );
    assert_says(&err, "Could not find Connection");
}

#[test]
fn test_history_without_tests_is_empty_and_only_the_owner_may_ask_for_a_vif() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let id = private(&mut w, &conn, 9).unwrap()["virtualInterfaceId"].clone();
    let history = |w: &mut World, account: &str, body: Value| {
        w.invoke(account, "ListVirtualInterfaceTestHistory", body)
    };
    let all = history(&mut w, OWNER, json!({})).unwrap();
    assert_eq!(all, json!({ "virtualInterfaceTestHistory": [] }));
    let one = history(
        &mut w,
        OWNER,
        json!({"virtualInterfaceId": id, "maxResults": 5}),
    )
    .unwrap();
    assert_eq!(one["virtualInterfaceTestHistory"], json!([]));
    assert!(one.get("nextToken").is_none());
    let err = history(&mut w, OTHER, json!({"virtualInterfaceId": id})).unwrap_err();
    assert_says(&err, "Could not find");
    let err = history(
        &mut w,
        OWNER,
        json!({"virtualInterfaceId": "dxvif-ffffffff"}),
    )
    .unwrap_err();
    assert_says(&err, "Could not find");
    assert!(
        history(&mut w, OTHER, json!({})).unwrap()["virtualInterfaceTestHistory"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    w.ok(
        OWNER,
        "DeleteVirtualInterface",
        json!({"virtualInterfaceId": id}),
    );
    let gone = history(&mut w, OWNER, json!({"virtualInterfaceId": id})).unwrap();
    assert_eq!(gone["virtualInterfaceTestHistory"], json!([]));
}

#[test]
fn public_addresses_must_be_public_and_share_a_subnet() {
    assert!(public_addresses(Some("203.0.113.1/30"), Some("203.0.113.2/30")).is_ok());
    assert!(public_addresses(Some("10.0.0.1/30"), Some("10.0.0.2/30")).is_err());
    assert!(public_addresses(Some("203.0.113.1/30"), Some("203.0.113.6/30")).is_err());
    assert!(public_addresses(Some("203.0.113.0/30"), Some("203.0.113.1/30")).is_err());
    assert!(public_addresses(None, Some("203.0.113.1/30")).is_err());
}

#[test]
fn allocate_confirm_and_reject() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let body = json!({"connectionId": conn, "ownerAccount": OTHER,
        "newPrivateVirtualInterfaceAllocation": {"virtualInterfaceName": "h", "vlan": 7, "asn": 65001}});
    let out = w.ok(OWNER, "AllocatePrivateVirtualInterface", body.clone());
    assert_eq!(out["virtualInterfaceState"], "confirming");
    assert_eq!(out["ownerAccount"], OTHER);
    let id = out["virtualInterfaceId"].clone();
    let vgw = virtual_gateways_of(OTHER)[1].clone();
    let confirm = json!({"virtualInterfaceId": id, "virtualGatewayId": vgw});
    let err = w.refused(OWNER, "ConfirmPrivateVirtualInterface", confirm.clone());
    assert!(err.message.contains("Could not find VirtualInterface"));
    let out = w.ok(OTHER, "ConfirmPrivateVirtualInterface", confirm.clone());
    assert_eq!(out["virtualInterfaceState"], "pending");
    w.refused(OTHER, "ConfirmPrivateVirtualInterface", confirm);
    // The allocator sees it too.
    let listed = w.ok(OWNER, "DescribeVirtualInterfaces", json!({}));
    assert_eq!(listed["virtualInterfaces"][0]["virtualInterfaceId"], id);

    let mut body2 = body;
    body2["newPrivateVirtualInterfaceAllocation"]["vlan"] = json!(8);
    let out = w.ok(OWNER, "AllocatePrivateVirtualInterface", body2);
    let id2 = out["virtualInterfaceId"].clone();
    let out = w.ok(
        OTHER,
        "DeleteVirtualInterface",
        json!({"virtualInterfaceId": id2}),
    );
    assert_eq!(out["virtualInterfaceState"], "rejected");
}

#[test]
fn bgp_peers_and_the_last_peer_rule() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let out = private(&mut w, &conn, 9).unwrap();
    let id = out["virtualInterfaceId"].clone();
    let first = out["bgpPeers"][0]["bgpPeerId"].clone();
    let err = w.refused(
        OWNER,
        "DeleteBGPPeer",
        json!({"virtualInterfaceId": id, "bgpPeerId": first}),
    );
    assert_eq!(
        err.message,
        "The last BGP Peer on a Virtual Interface cannot be deleted"
    );
    let dup =
        json!({"virtualInterfaceId": id, "newBGPPeer": {"asn": 65002, "addressFamily": "ipv4"}});
    w.refused(OWNER, "CreateBGPPeer", dup);
    let out = w.ok(
        OWNER,
        "CreateBGPPeer",
        json!({"virtualInterfaceId": id, "newBGPPeer": {"asn": 65002, "addressFamily": "ipv6"}}),
    );
    let peers = out["virtualInterface"]["bgpPeers"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(peers.len(), 2);
    assert_eq!(peers[1]["bgpPeerState"], "pending");
    assert_eq!(out["virtualInterface"]["virtualInterfaceState"], "pending");
    let out = w.ok(
        OWNER,
        "DeleteBGPPeer",
        json!({"virtualInterfaceId": id, "bgpPeerId": first}),
    );
    assert_eq!(
        out["virtualInterface"]["bgpPeers"][0]["bgpPeerState"],
        "deleting"
    );
    let out = w.ok(
        OWNER,
        "DeleteVirtualInterface",
        json!({"virtualInterfaceId": id}),
    );
    assert_eq!(out["virtualInterfaceState"], "deleting");
    let listed = w.ok(
        OWNER,
        "DescribeVirtualInterfaces",
        json!({"virtualInterfaceId": id}),
    );
    assert_eq!(
        listed["virtualInterfaces"][0]["virtualInterfaceState"],
        "deleted"
    );
}

#[test]
fn update_and_associate() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let conn2 = owned_connection(&mut w);
    let id = private(&mut w, &conn, 3).unwrap()["virtualInterfaceId"].clone();
    let out = w.ok(
        OWNER,
        "UpdateVirtualInterfaceAttributes",
        json!({"virtualInterfaceId": id, "mtu": 9001, "virtualInterfaceName": "renamed"}),
    );
    assert_eq!(out["mtu"], 9001);
    assert_eq!(out["virtualInterfaceName"], "renamed");
    assert_eq!(out["virtualInterfaceState"], "pending");
    let out = w.ok(
        OWNER,
        "AssociateVirtualInterface",
        json!({"virtualInterfaceId": id, "connectionId": conn2}),
    );
    assert_eq!(out["connectionId"], conn2);
    assert_eq!(out["virtualInterfaceState"], "pending");
    let cfg = w.ok(
        OWNER,
        "DescribeRouterConfiguration",
        json!({"virtualInterfaceId": id}),
    );
    assert!(cfg["customerRouterConfig"]
        .as_str()
        .unwrap()
        .contains("vlan 3"));
    let gws = w.ok(OWNER, "DescribeVirtualGateways", json!({}));
    assert_eq!(gws["virtualGateways"].as_array().unwrap().len(), 2);
}

#[test]
fn a_failover_test_puts_the_vif_in_testing_until_stopped_and_joins_its_history() {
    let mut w = world();
    let conn = owned_connection(&mut w);
    let id = private(&mut w, &conn, 11).unwrap()["virtualInterfaceId"].clone();
    let vif = json!({"virtualInterfaceId": id});
    let err = w.refused(
        OWNER,
        "StartBgpFailoverTest",
        json!({"virtualInterfaceId": id, "testDurationInMinutes": 4321}),
    );
    assert_says(&err, "4320");
    let err = w.refused(OTHER, "StartBgpFailoverTest", vif.clone());
    assert_says(&err, "Could not find");
    let err = w.refused(OWNER, "StopBgpFailoverTest", vif.clone());
    assert_says(&err, "no running failover test");
    let started = w.ok(
        OWNER,
        "StartBgpFailoverTest",
        json!({"virtualInterfaceId": id, "testDurationInMinutes": 90}),
    )["virtualInterfaceTest"]
        .clone();
    assert_eq!(started["testDurationInMinutes"], 90);
    assert_eq!(started["virtualInterfaceId"], id);
    let state = |w: &mut World| {
        w.ok(OWNER, "DescribeVirtualInterfaces", vif.clone())["virtualInterfaces"][0]
            ["virtualInterfaceState"]
            .clone()
    };
    assert_eq!(state(&mut w), "testing");
    assert_eq!(state(&mut w), "testing", "until stopped");
    let err = w.refused(OWNER, "StartBgpFailoverTest", vif.clone());
    assert_says(&err, "testing");
    let stopped = w.ok(OWNER, "StopBgpFailoverTest", vif.clone());
    assert_eq!(stopped["virtualInterfaceTest"]["testId"], started["testId"]);
    assert_ne!(state(&mut w), "testing");
    let history = w.ok(OWNER, "ListVirtualInterfaceTestHistory", vif.clone());
    assert_eq!(
        history["virtualInterfaceTestHistory"][0]["testId"],
        started["testId"]
    );
    let routes = w.ok(
        OWNER,
        "ListVirtualInterfaceRoutes",
        json!({"virtualInterfaceId": id, "filters": {"routeDirection": "accepted"}}),
    );
    assert_eq!(routes["routes"], json!([]));
}

/// A world with the quirks of the aws profile that act on VIFs, in observation-driven mode.
fn quirky_world() -> World {
    World::new(crate::emulator::EmulatorConfig {
        quirks: crate::emulator::Quirks {
            approving_hosted_vifs: true,
            vif_needs_available_connection: true,
            deleted_not_found: true,
            ..Default::default()
        },
        ..Default::default()
    })
}

/// One call without the spec check of `Calls`: `approving` is outside the published enum.
fn unchecked(w: &mut World, account: &str, operation: &str, body: Value) -> Outcome {
    unchecked_at(w, account, operation, body, Duration::ZERO)
}

/// [`unchecked`] at clock reading `now`.
fn unchecked_at(
    w: &mut World,
    account: &str,
    operation: &str,
    body: Value,
    now: Duration,
) -> Outcome {
    let Value::Object(input) = body else {
        unreachable!("test bodies are objects")
    };
    let call = Call {
        operation,
        account,
        input: &input,
        now,
    };
    super::super::dispatch::dispatch(crate::spec::Spec::builtin(), w, &call)
}

#[test]
fn with_the_quirk_a_vif_needs_an_available_connection() {
    let mut w = quirky_world();
    let conn = owned_connection(&mut w);
    // A new connection is `requested`: the VIF is refused as AWS refuses it.
    let err = private(&mut w, &conn, 5).unwrap_err();
    assert_eq!(err.error_type, "DirectConnectClientException");
    assert_eq!(err.message, "The specified Connection ID is not available");
    assert_eq!(err.quirk, Some("vif-needs-available-connection"));
    // Observed up to `available` (one edge per Describe), it takes VIFs.
    for _ in 0..3 {
        w.ok(OWNER, "DescribeConnections", json!({"connectionId": conn}));
    }
    assert!(private(&mut w, &conn, 5).is_ok());
    // The faithful target takes a VIF on a connection still `requested`.
    let mut faithful = world();
    let conn = owned_connection(&mut faithful);
    assert!(private(&mut faithful, &conn, 5).is_ok());
}

#[test]
fn with_the_quirk_an_allocated_vif_goes_approving_then_confirming_and_is_confirmable_throughout() {
    let mut w = quirky_world();
    let conn = owned_connection(&mut w);
    for _ in 0..3 {
        w.ok(OWNER, "DescribeConnections", json!({"connectionId": conn}));
    }
    let allocate = |vlan: i64| {
        json!({"connectionId": conn, "ownerAccount": OTHER,
            "newPrivateVirtualInterfaceAllocation": {"virtualInterfaceName": "h", "vlan": vlan, "asn": 65001}})
    };
    let state = |w: &mut World, id: &Value| {
        let describe = json!({"virtualInterfaceId": id});
        let seen = unchecked(w, OTHER, "DescribeVirtualInterfaces", describe).unwrap();
        seen["virtualInterfaces"][0]["virtualInterfaceState"].clone()
    };
    // The allocation answers `confirming`; the next Describe shows `approving`.
    let out = w.ok(OWNER, "AllocatePrivateVirtualInterface", allocate(7));
    assert_eq!(out["virtualInterfaceState"], "confirming");
    let id = out["virtualInterfaceId"].clone();
    assert_eq!(state(&mut w, &id), "approving");
    // While approving, its owner can confirm it, as a confirming one.
    let vgw = virtual_gateways_of(OTHER)[0].clone();
    let confirm = json!({"virtualInterfaceId": id, "virtualGatewayId": vgw});
    let out = unchecked(&mut w, OTHER, "ConfirmPrivateVirtualInterface", confirm).unwrap();
    assert_eq!(out["virtualInterfaceState"], "pending");
    // Another: `approving`, then `confirming` again; deleting it rejects it.
    let out = w.ok(OWNER, "AllocatePrivateVirtualInterface", allocate(8));
    let id = out["virtualInterfaceId"].clone();
    assert_eq!(state(&mut w, &id), "approving");
    assert_eq!(state(&mut w, &id), "confirming");
    let out = w.ok(
        OTHER,
        "DeleteVirtualInterface",
        json!({"virtualInterfaceId": id}),
    );
    assert_eq!(out["virtualInterfaceState"], "rejected");
    // Deleting it again: AWS's not-found words.
    let err = w.refused(
        OTHER,
        "DeleteVirtualInterface",
        json!({"virtualInterfaceId": id}),
    );
    assert_says(&err, "Could not find VirtualInterface with ID");
    assert_eq!(
        err.quirk,
        Some("deleted-not-found"),
        "tallied by the server"
    );
    assert_eq!(w.played.counts().get("approving-hosted-vifs"), Some(&2));
}

#[test]
fn with_the_quirk_and_a_clock_an_allocated_vif_is_approving_for_one_delay() {
    let delay = Duration::from_secs(60);
    let mut w = World::new(crate::emulator::EmulatorConfig {
        async_delay: delay,
        quirks: crate::emulator::Quirks {
            approving_hosted_vifs: true,
            ..Default::default()
        },
        ..Default::default()
    });
    let conn = owned_connection(&mut w);
    let body = json!({"connectionId": conn, "ownerAccount": OTHER,
        "newPrivateVirtualInterfaceAllocation": {"virtualInterfaceName": "h", "vlan": 7, "asn": 65001}});
    let out = w.ok(OWNER, "AllocatePrivateVirtualInterface", body);
    assert_eq!(out["virtualInterfaceState"], "confirming");
    let describe = json!({"virtualInterfaceId": out["virtualInterfaceId"]});
    let state_at = |w: &mut World, secs: u64| {
        let at = Duration::from_secs(secs);
        let seen = unchecked_at(w, OTHER, "DescribeVirtualInterfaces", describe.clone(), at);
        seen.unwrap()["virtualInterfaces"][0]["virtualInterfaceState"].clone()
    };
    assert_eq!(state_at(&mut w, 1), "approving");
    assert_eq!(state_at(&mut w, 59), "approving");
    assert_eq!(state_at(&mut w, 61), "confirming");
    assert_eq!(
        state_at(&mut w, 600),
        "confirming",
        "until its owner confirms it"
    );
}
