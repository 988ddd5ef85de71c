//! What the model's tests share: a model to start from and a step run against it.

use std::collections::BTreeMap;

use super::{
    AddressFamily, ConnectionStep, Env, Expect, HandleRef, InterconnectStep, Model, NewVif,
    Prediction, Step,
};
use crate::vocab::{Accounts, CheckId, Outcome, Principal};

/// A model in us-east-1 with one location (`EqDC2`), the default accounts and one
/// virtual private gateway per account.
pub(crate) fn model() -> Model {
    Model::new(Env {
        region: "us-east-1".into(),
        accounts: Accounts::default(),
        locations: vec!["EqDC2".into()],
        virtual_gateways: BTreeMap::from([
            (Principal::Owner, vec!["vgw-11111111".to_owned()]),
            (Principal::Partner, vec!["vgw-22222222".to_owned()]),
        ]),
    })
}

/// Predict `step`, then observe `answer` to it.
pub(super) fn run(m: &mut Model, step: Step, answer: Outcome) -> Prediction {
    let (_, p) = m.call(&step).expect("step applies");
    m.observe(&step, &p, &answer);
    p
}

/// A private-VIF request by `by` on the case's first connection: VLAN 101, ASN 65000,
/// IPv4, no gateway, no tags.
pub(crate) fn new_vif(by: Principal) -> NewVif {
    NewVif {
        by,
        connection: HandleRef(0),
        vlan: 101,
        asn: 65000,
        mtu: None,
        name: "v".into(),
        auth_key: None,
        family: AddressFamily::Ipv4,
        gateway: None,
        vgw: 0,
        subnet: 0,
        tags: Vec::new(),
    }
}

/// The owner's untagged connection `c` of `bandwidth` in the first location.
pub(crate) fn owner_connection(bandwidth: &str) -> Step {
    Step::Connection(ConnectionStep::CreateConnection {
        by: Principal::Owner,
        location: 0,
        bandwidth: bandwidth.into(),
        name: "c".into(),
        tags: Vec::new(),
    })
}

/// The partner's 10Gbps interconnect `ic` in the first location.
pub(crate) fn partner_interconnect() -> InterconnectStep {
    InterconnectStep::CreateInterconnect {
        by: Principal::Partner,
        location: 0,
        bandwidth: "10Gbps".into(),
        name: "ic".into(),
        tags: vec![],
    }
}

/// A 500Mbps hosted connection `h` on VLAN 101, allocated by the partner on the case's
/// first interconnect for the owner.
pub(crate) fn hosted_for_owner() -> InterconnectStep {
    InterconnectStep::AllocateHostedConnection {
        by: Principal::Partner,
        target: HandleRef(0),
        owner: Principal::Owner,
        bandwidth: "500Mbps".into(),
        name: "h".into(),
        vlan: 101,
        tags: vec![],
    }
}

/// Whether `expect` is a rejection because the caller does not own what it acts on.
pub(super) fn refused_to_non_owner(expect: &Expect) -> bool {
    matches!(
        expect,
        Expect::Reject {
            check: CheckId::ModelOwnership,
            ..
        }
    )
}

/// `step` as the partner sends it: the same operation on the same resources, from the
/// account that does not own them (what the ownership assertions ask).
pub(super) fn as_partner(step: &Step) -> Step {
    let mut json = serde_json::to_value(step).expect("steps serialize");
    json["by"] = serde_json::json!(Principal::Partner);
    serde_json::from_value(json).expect("a step of another caller is a step")
}

/// Assert that `m` predicts `step` refused because its caller does not own what it acts on.
pub(super) fn assert_not_owner(m: &Model, step: &Step) {
    let (_, p) = m.call(step).expect("step applies");
    assert!(refused_to_non_owner(&p.expect), "{:?}", p.expect);
}
