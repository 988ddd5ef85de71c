//! Tests of `invalid`.

use super::*;
use crate::vocab::CheckId;
use rstest::rstest;

fn named<'a>(rules: &'a [Arc<Rule>], name: &str) -> &'a Rule {
    rules
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule {name}"))
}

fn value_of(rule: &Rule, path: &str) -> Value {
    rule.edits
        .iter()
        .find_map(|e| match e {
            Edit::Set { path: p, value } if p == path => Some(value.clone()),
            Edit::Fill { path: p, len } if p == path => Some(json!("k".repeat(*len))),
            _ => None,
        })
        .unwrap()
}

#[rstest]
#[case("CreatePrivateVirtualInterface", "vlan.min", "newPrivateVirtualInterface.vlan", json!(0))]
#[case("CreatePrivateVirtualInterface", "vlan.max", "newPrivateVirtualInterface.vlan", json!(4095))]
#[case("AllocateHostedConnection", "vlan.max", "vlan", json!(4095))]
#[case("CreateBGPPeer", "asn.min", "newBGPPeer.asn", json!(0))]
#[case("CreateBGPPeer", "asn.max", "newBGPPeer.asn", json!(2_147_483_647_i64))]
#[case("CreateBGPPeer", "asnLong.max", "newBGPPeer.asnLong", json!(4_294_967_295_i64))]
#[case("CreateBGPPeer", "authKey.min", "newBGPPeer.authKey", json!("kkkkk"))]
#[case("CreateTransitVirtualInterface", "mtu.transit", "newTransitVirtualInterface.mtu", json!(9001))]
#[case("CreateDirectConnectGateway", "amazonSideAsn.below-private", "amazonSideAsn", json!(64511))]
#[case("CreateDirectConnectGateway", "amazonSideAsn.above-16bit", "amazonSideAsn", json!(65535))]
#[case("CreateDirectConnectGateway", "amazonSideAsn.below-32bit", "amazonSideAsn", json!(4_199_999_999_i64))]
#[case("CreateDirectConnectGateway", "amazonSideAsn.above-32bit", "amazonSideAsn", json!(4_294_967_295_i64))]
#[case("UpdateConnection", "encryptionMode", "encryptionMode", json!("always"))]
#[case("CreateConnection", "bandwidth.dedicated", "bandwidth", json!("3Gbps"))]
fn each_value_rule_sits_just_past_its_limit(
    #[case] operation: &str,
    #[case] name: &str,
    #[case] path: &str,
    #[case] past: Value,
) {
    let rules = rules(operation);
    assert_eq!(value_of(named(rules, name), path), past);
}

/// Auth keys are one past 6 to 80 characters; tag lists break their bounds.
#[rstest]
#[case("CreateBGPPeer", "authKey.max", "newBGPPeer.authKey", 81)]
#[case("CreateBGPPeer", "authKey.min", "newBGPPeer.authKey", 5)]
#[case("TagResource", "tags.count:tags", "tags", 51)]
#[case("TagResource", "tags.duplicate-keys:tags", "tags", 2)]
fn lengths_sit_just_past_their_bounds(
    #[case] operation: &str,
    #[case] name: &str,
    #[case] path: &str,
    #[case] len: usize,
) {
    let v = value_of(named(rules(operation), name), path);
    let length = v.as_str().map(str::len).or(v.as_array().map(Vec::len));
    assert_eq!(length, Some(len));
}

#[test]
fn tag_keys_and_values_break_their_lengths() {
    let rules = rules("TagResource");
    let key = value_of(named(rules, "tag-key.length:tags"), "tags");
    assert_eq!(key[0]["key"].as_str().unwrap().len(), 129);
    let value = value_of(named(rules, "tag-value.length:tags"), "tags");
    assert_eq!(value[0]["value"].as_str().unwrap().len(), 257);
}

#[test]
fn spec_rules_cover_required_types_enums_and_nested_members() {
    let rules = rules("CreatePrivateVirtualInterface");
    for name in [
        "required:connectionId",
        "required:newPrivateVirtualInterface.vlan",
        "type:newPrivateVirtualInterface.vlan",
        "int32:newPrivateVirtualInterface.vlan",
        "enum:newPrivateVirtualInterface.addressFamily",
        "tags.duplicate-keys:newPrivateVirtualInterface.tags",
    ] {
        named(rules, name);
    }
    let names: std::collections::BTreeSet<_> = rules.iter().map(|r| &r.name).collect();
    assert_eq!(
        names.len(),
        rules.len(),
        "rule names are unique per operation"
    );
}

#[test]
fn at_least_150_distinct_rule_violations_over_the_modelled_operations() {
    let total: usize = Step::operations().iter().map(|op| rules(op).len()).sum();
    assert!(total >= 150, "{total}");
}

use crate::model::testing::owner_connection;
use crate::model::{ConnectionStep, Env, Expect, HandleRef, NewVif, VifStep};
use crate::vocab::Accounts;

fn model_with_connection() -> Model {
    let mut m = Model::new(Env {
        region: "us-east-1".into(),
        accounts: Accounts::default(),
        locations: vec!["EqDC2".into()],
        virtual_gateways: std::collections::BTreeMap::from([(
            Principal::Owner,
            vec!["vgw-11111111".to_owned()],
        )]),
    });
    let step = owner_connection("1Gbps");
    let (_, p) = m.call(&step).unwrap();
    let answer = json!({"connectionId": "dxcon-aaaaaaaa", "connectionState": "requested",
        "location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "c"});
    m.observe(&step, &p, &Outcome::Success(answer.clone()));
    // Provisioned: a VIF on a connection not yet available may be refused.
    let describe = Step::Connection(ConnectionStep::DescribeConnections {
        by: Principal::Owner,
        target: None,
    });
    let (_, p) = m.call(&describe).unwrap();
    let mut available = answer;
    available["connectionState"] = json!("available");
    m.observe(
        &describe,
        &p,
        &Outcome::Success(json!({ "connections": [available] })),
    );
    m
}

fn private_vif(vlan: u16, asn: u32) -> Step {
    Step::Vif(VifStep::CreatePrivateVirtualInterface(NewVif {
        vlan,
        asn,
        ..crate::model::testing::new_vif(Principal::Owner)
    }))
}

fn invalid(base: Step, name: &str) -> Step {
    let rule = rules(base.operation())
        .iter()
        .find(|r| r.name == name)
        .unwrap()
        .clone();
    Step::Invalid(InvalidStep {
        base: Box::new(base),
        invalid: rule,
    })
}

#[rstest]
#[case(1, 1)]
#[case(4094, 2_147_483_646)]
fn values_at_the_limits_are_predicted_accepted(#[case] vlan: u16, #[case] asn: u32) {
    let m = model_with_connection();
    let (call, p) = m.call(&private_vif(vlan, asn)).unwrap();
    assert_eq!(p.expect, Expect::Succeed);
    assert_eq!(call.body["newPrivateVirtualInterface"]["vlan"], json!(vlan));
}

#[rstest]
#[case("vlan.min", "vlan", json!(0))]
#[case("vlan.max", "vlan", json!(4095))]
#[case("asn.max", "asn", json!(2_147_483_647_i64))]
#[case("mtu.private", "mtu", json!(1499))]
#[case("authKey.max", "authKey", json!("k".repeat(81)))]
fn values_past_the_limits_are_predicted_rejected_naming_the_rule(
    #[case] name: &str,
    #[case] member: &str,
    #[case] past: Value,
) {
    let m = model_with_connection();
    let (call, p) = m.call(&invalid(private_vif(4094, 65000), name)).unwrap();
    assert_eq!(call.body["newPrivateVirtualInterface"][member], past);
    match p.expect {
        Expect::Reject {
            error_types,
            rule,
            check,
        } => {
            assert_eq!(error_types, vec![CLIENT_ERROR]);
            assert!(rule.starts_with(&format!("rule {name}: ")), "{rule}");
            assert_eq!(check, CheckId::ErrorAcceptedInvalid);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_type_allows_the_protocol_error_and_a_non_create_uses_error_expected() {
    let m = model_with_connection();
    let describe = Step::Connection(ConnectionStep::DescribeConnections {
        by: Principal::Owner,
        target: Some(HandleRef(0)),
    });
    let (call, p) = m.call(&invalid(describe, "type:connectionId")).unwrap();
    assert_eq!(call.body["connectionId"], json!(12345));
    assert_eq!(p.protocol_errors, vec![SERIALIZATION_ERROR]);
    assert!(matches!(
        p.expect,
        Expect::Reject {
            check: CheckId::ErrorExpected,
            ..
        }
    ));
}

#[test]
fn an_accepted_invalid_create_is_tracked_for_teardown_without_its_broken_member() {
    let mut m = model_with_connection();
    let step = invalid(owner_connection("1Gbps"), "bandwidth.dedicated");
    let (call, p) = m.call(&step).unwrap();
    assert_eq!(call.body["bandwidth"], json!("3Gbps"));
    let answer = json!({"connectionId": "dxcon-bbbbbbbb", "connectionState": "requested",
        "location": "EqDC2", "bandwidth": "3Gbps", "connectionName": "c"});
    m.observe(&step, &p, &Outcome::Success(answer));
    let leaked = &m.resources()[1];
    assert!(leaked.created);
    assert_eq!(leaked.id.as_deref(), Some("dxcon-bbbbbbbb"));
    assert!(!leaked.attributes.contains_key("bandwidth"));
    let teardown = m.teardown();
    assert!(teardown
        .iter()
        .any(|c| c.body == json!({"connectionId": "dxcon-bbbbbbbb"})));
    // A rejection changes nothing.
    let mut m = model_with_connection();
    m.observe(
        &step,
        &p,
        &Outcome::ServiceError {
            error_type: CLIENT_ERROR.into(),
            message: None,
        },
    );
    assert_eq!(m.resources().len(), 1);
}

#[test]
fn invalid_auth_keys_are_carried_as_lengths_never_as_values() {
    let rule = rules("CreateBGPPeer")
        .iter()
        .find(|r| r.name == "authKey.max")
        .unwrap();
    let json = serde_json::to_string(&rule).unwrap();
    assert!(!json.contains("kkkkk"), "{json}");
}

#[test]
fn invalid_steps_round_trip_through_replay_json_with_their_rule() {
    let step = invalid(owner_connection("1Gbps"), "tags.count:tags");
    let json = serde_json::to_value(&step).unwrap();
    assert_eq!(json["invalid"]["name"], "tags.count:tags");
    assert_eq!(json["base"]["op"], "CreateConnection");
    assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
}

#[test]
fn edits_set_and_remove_nested_members_and_refuse_missing_parents() {
    let body = json!({"a": {"b": 1}, "c": [ {"d": 2} ]});
    let out = apply_edits(
        &body,
        &[
            set("a.b", json!(5)),
            Edit::Remove {
                path: "c.0.d".into(),
            },
            set("e", json!("x")),
        ],
    )
    .unwrap();
    assert_eq!(out, json!({"a": {"b": 5}, "c": [{}], "e": "x"}));
    assert!(apply_edits(&body, &[set("zz.b", json!(1))]).is_none());
}
