//! Mutants: deliberate deviations from AWS, planted one at a time into the
//! reference target (`dxconform serve --mutant NAME`, `dxconform run --mutant NAME`)
//! to measure what the harness catches (`dxconform mutants`).
//!
//! This is a fault-injection layer: every mutant rewrites the faithful answer of
//! [`super::dispatch::dispatch`] (or, for a few, re-dispatches the call under other
//! conditions). The faithful handlers never know mutants exist.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};

use super::dispatch::{dispatch, Call, Outcome};
use super::{ApiError, World};
use crate::spec::Spec;
use crate::vocab::CheckId;

/// What the layer answers instead of the faithful outcome.
#[derive(Debug)]
pub(super) enum Answer {
    /// An awsJson answer (possibly rewritten).
    Outcome(Outcome),
    /// Raw bytes with a status and content type.
    Raw {
        /// HTTP status.
        status: u16,
        /// Content type.
        content_type: &'static str,
        /// Body.
        body: Bytes,
    },
    /// The answer, after a pause (liveness faults).
    Slow(Duration, Box<Answer>),
}

/// Memory a mutant keeps between calls (e.g. the last id it handed out).
#[derive(Debug, Default)]
pub(super) struct Memory {
    /// The last connection id answered, per account (cases on other accounts run
    /// concurrently and must not see each other's faults).
    last_id: std::collections::BTreeMap<String, String>,
}

impl Memory {
    /// Forget what was remembered for `accounts` (a reset of those accounts).
    pub(super) fn forget(&mut self, accounts: &[String]) {
        for account in accounts {
            self.last_id.remove(account);
        }
    }

    /// Forget everything (a reset of the whole target).
    pub(super) fn clear(&mut self) {
        self.last_id.clear();
    }
}

/// How a mutant deviates.
#[derive(Debug)]
enum Fault {
    /// Rewrite the faithful outcome after the handler ran.
    After(fn(&Spec, &mut World, &Call<'_>, Outcome, &mut Memory) -> Answer),
    /// Replace the handler (for faults whose point is a missing side effect).
    Instead(fn(&Spec, &mut World, &Call<'_>, &mut Memory) -> Answer),
}

/// One planted deviation.
#[derive(Debug)]
pub struct Mutant {
    /// Name used on the command line.
    pub name: &'static str,
    /// What is wrong, in one line.
    pub description: &'static str,
    /// Check ids expected to catch it.
    pub caught_by: &'static [CheckId],
    /// A liveness fault (slowness), not a conformance fault: allowed to survive.
    pub liveness: bool,
    fault: Fault,
}

impl Mutant {
    /// Answer a call with the fault planted.
    pub(super) fn answer(
        &self,
        spec: &Spec,
        world: &mut World,
        call: &Call<'_>,
        memory: &mut Memory,
    ) -> Answer {
        match self.fault {
            Fault::After(f) => {
                let outcome = dispatch(spec, world, call);
                f(spec, world, call, outcome, memory)
            }
            Fault::Instead(f) => f(spec, world, call, memory),
        }
    }
}

/// Look a mutant up by name.
pub fn mutant(name: &str) -> Option<&'static Mutant> {
    MUTANTS.iter().find(|m| m.name == name)
}

// ---------- helpers ----------

fn keep(outcome: Outcome) -> Answer {
    Answer::Outcome(outcome)
}

/// Not-found errors ("Could not find …") answered with `error_type` instead.
fn retype_not_found(outcome: Outcome, error_type: &'static str) -> Answer {
    match outcome {
        Err(mut e) if e.message.contains("Could not find") => {
            e.error_type = error_type;
            Answer::Outcome(Err(e))
        }
        other => keep(other),
    }
}

/// Rewrite a success body of `ops` (all operations when empty).
fn on_success(
    call: &Call<'_>,
    ops: &[&str],
    outcome: Outcome,
    f: impl FnOnce(&mut Value),
) -> Answer {
    match outcome {
        Ok(mut body) if ops.is_empty() || ops.contains(&call.operation) => {
            f(&mut body);
            Answer::Outcome(Ok(body))
        }
        other => Answer::Outcome(other),
    }
}

/// Apply `f` to every object in the value (depth-first), e.g. every connection of a list.
fn each_object(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for v in map.values_mut() {
                each_object(v, f);
            }
        }
        Value::Array(items) => {
            for v in items {
                each_object(v, f);
            }
        }
        _ => {}
    }
}

/// Rewrite member `member` wherever it appears in a success answer.
fn rewrite_member(
    call: &Call<'_>,
    ops: &[&str],
    outcome: Outcome,
    member: &str,
    f: fn(&Value) -> Value,
) -> Answer {
    on_success(call, ops, outcome, |body| {
        each_object(body, &mut |map| {
            if let Some(v) = map.get_mut(member) {
                *v = f(v);
            }
        })
    })
}

fn capitalized(v: &Value) -> Value {
    let s = v.as_str().unwrap_or_default();
    let mut c = s.chars();
    json!(c
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default())
}

fn list_member(body: &mut Value) -> Option<&mut Vec<Value>> {
    body.as_object_mut()?
        .values_mut()
        .find_map(|v| v.as_array_mut())
}

/// Re-run the call as every other account until one succeeds (to fake a missing
/// ownership check); the faithful outcome otherwise.
fn as_any_account(spec: &Spec, world: &mut World, call: &Call<'_>, outcome: Outcome) -> Answer {
    if outcome.is_ok() {
        return keep(outcome);
    }
    for account in world.account_ids() {
        if account == call.account {
            continue;
        }
        let other = Call {
            account: &account,
            ..*call
        };
        if let Ok(body) = dispatch(spec, world, &other) {
            return Answer::Outcome(Ok(body));
        }
    }
    keep(outcome)
}

/// Answer a success document without running the faithful handler's side effect:
/// the answer a describe gives right now, rewritten to look like the call worked.
fn pretend(
    spec: &Spec,
    world: &mut World,
    call: &Call<'_>,
    describe: &str,
    list: &str,
    id_member: &str,
    state: &str,
) -> Answer {
    let Some(id) = call.string(id_member) else {
        return Answer::Outcome(Err(ApiError::client("missing id")));
    };
    let input = json!({ id_member: id });
    let Value::Object(input) = input else {
        unreachable!("a json object")
    };
    let describe_call = Call {
        operation: describe,
        input: &input,
        ..*call
    };
    match dispatch(spec, world, &describe_call) {
        Ok(body) => {
            let mut item = body
                .get(list)
                .and_then(|l| l.get(0))
                .cloned()
                .unwrap_or(json!({}));
            if let Some(obj) = item.as_object_mut() {
                let state_member = obj.keys().find(|k| k.ends_with("State")).cloned();
                if let Some(m) = state_member {
                    obj.insert(m, json!(state));
                }
            }
            Answer::Outcome(Ok(item))
        }
        Err(e) => Answer::Outcome(Err(e)),
    }
}

const DESCRIBES: &[&str] = &[
    "DescribeConnections",
    "DescribeLags",
    "DescribeInterconnects",
    "DescribeVirtualInterfaces",
    "DescribeDirectConnectGateways",
    "DescribeHostedConnections",
];

/// A conformance fault (`liveness` false): the harness must catch it.
const fn planted(
    name: &'static str,
    description: &'static str,
    caught_by: &'static [CheckId],
    fault: Fault,
) -> Mutant {
    Mutant {
        name,
        description,
        caught_by,
        liveness: false,
        fault,
    }
}

// ---------- the table ----------

/// Every mutant.
pub static MUTANTS: &[Mutant] = &[
    // --- wire ---
    planted(
        "html-500-describe",
        "DescribeConnections answers an HTML 500 page",
        &[CheckId::OpImplemented],
        Fault::After(|_, _, call, outcome, _| {
            if call.operation == "DescribeConnections" {
                Answer::Raw { status: 500, content_type: "text/html", body: Bytes::from_static(b"<!doctype html><title>500 Internal Server Error</title>") }
            } else {
                keep(outcome)
            }
        }),
    ),
    planted(
        "truncated-json",
        "CreateConnection's answer is cut in the middle of the JSON",
        &[CheckId::WireProtocol],
        Fault::After(|_, _, call, outcome, _| match outcome {
            Ok(body) if call.operation == "CreateConnection" => {
                let text = body.to_string();
                Answer::Raw { status: 200, content_type: "application/x-amz-json-1.1", body: Bytes::from(text[..text.len() / 2].to_owned()) }
            }
            other => keep(other),
        }),
    ),
    planted(
        "json-content-type",
        "answers are labelled application/json instead of application/x-amz-json-1.1",
        &[CheckId::WireProtocol],
        Fault::After(|_, _, _, outcome, _| match outcome {
            Ok(body) => Answer::Raw { status: 200, content_type: "application/json", body: Bytes::from(body.to_string()) },
            other => keep(other),
        }),
    ),
    planted(
        "error-as-200",
        "client errors are answered with HTTP 200 and the error document",
        &[CheckId::ErrorExpected, CheckId::ModelOwnership, CheckId::ErrorUnexpected, CheckId::ShapeUnknownMember, CheckId::SdkParse],
        Fault::After(|_, _, _, outcome, _| match outcome {
            Err(e) if e.status == 400 => Answer::Outcome(Ok(json!({"__type": e.error_type, "message": e.message}))),
            other => keep(other),
        }),
    ),
    planted(
        "client-error-500",
        "client errors are answered with HTTP 500",
        &[CheckId::WireStatus],
        Fault::After(|_, _, _, outcome, _| match outcome {
            Err(e) if e.status == 400 => Answer::Raw {
                status: 500,
                content_type: "application/x-amz-json-1.1",
                body: Bytes::from(json!({"__type": e.error_type, "message": e.message}).to_string()),
            },
            other => keep(other),
        }),
    ),
    planted(
        "undeclared-error-type",
        "not-found errors are typed ResourceNotFoundException, which Direct Connect does not declare",
        &[CheckId::ErrorType, CheckId::ErrorExpected, CheckId::ModelOwnership, CheckId::SdkParse],
        Fault::After(|_, _, _, outcome, _| retype_not_found(outcome, "ResourceNotFoundException")),
    ),
    planted(
        "empty-error-body",
        "errors come back as HTTP 400 with an empty body",
        &[CheckId::WireProtocol],
        Fault::After(|_, _, _, outcome, _| match outcome {
            Err(e) if e.status == 400 => Answer::Raw { status: 400, content_type: "application/x-amz-json-1.1", body: Bytes::new() },
            other => keep(other),
        }),
    ),
    Mutant {
        liveness: true,
        ..planted(
        "slow-untag",
        "UntagResource answers after 1.5 s (liveness, not conformance)",
        &[CheckId::TransportFault],
        Fault::After(|_, _, call, outcome, _| {
            if call.operation == "UntagResource" {
                Answer::Slow(Duration::from_millis(1500), Box::new(keep(outcome)))
            } else {
                keep(outcome)
            }
        }),
    )
    },
    Mutant {
        liveness: true,
        ..planted(
        "vif-stuck-pending",
        "virtual interfaces never leave pending (liveness: a wait for the asynchronous edge times out)",
        &[CheckId::ModelLiveness],
        Fault::After(|_, _, call, outcome, _| {
            rewrite_member(call, &[], outcome, "virtualInterfaceState", |v| {
                match v.as_str() {
                    Some("available" | "down") => json!("pending"),
                    _ => v.clone(),
                }
            })
        }),
    )
    },
    // --- shape ---
    planted(
        "mis-cased-connection-state",
        "connectionState values are capitalized (Available)",
        &[CheckId::ShapeEnum, CheckId::SdkParse],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &[], outcome, "connectionState", capitalized)),
    ),
    planted(
        "unknown-connection-state",
        "connections report the undocumented state provisioning",
        &[CheckId::ShapeEnum, CheckId::SdkParse],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["DescribeConnections"], outcome, "connectionState", |_| json!("provisioning"))),
    ),
    planted(
        "vlan-as-string",
        "vlan is a JSON string",
        &[CheckId::ShapeType, CheckId::SdkParse],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["CreateConnection", "DescribeConnections"], outcome, |b| each_object(b, &mut |m| {
            if m.contains_key("connectionId") {
                m.insert("vlan".into(), json!("0"));
            }
        }))),
    ),
    planted(
        "timestamp-as-string",
        "loaIssueTime is an ISO-8601 string instead of epoch seconds",
        &[CheckId::ShapeType, CheckId::SdkParse],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["DescribeConnections"], outcome, |b| each_object(b, &mut |m| {
            if m.contains_key("connectionId") {
                m.insert("loaIssueTime".into(), json!("2026-11-25T10:00:00Z"));
            }
        }))),
    ),
    planted(
        "boolean-as-string",
        "jumboFrameCapable is the string \"false\"",
        &[CheckId::ShapeType, CheckId::SdkParse],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &[], outcome, "jumboFrameCapable", |v| json!(v.to_string()))),
    ),
    planted(
        "missing-connection-id",
        "CreateConnection's answer has no connectionId",
        &[CheckId::ShapeRequired],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["CreateConnection"], outcome, |b| {
            b.as_object_mut().map(|m| m.remove("connectionId"));
        })),
    ),
    planted(
        "upper-case-ids",
        "connection ids are upper case (DXCON-…)",
        &[CheckId::ShapePattern, CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["CreateConnection"], outcome, "connectionId", |v| json!(v.as_str().unwrap_or_default().to_uppercase()))),
    ),
    planted(
        "short-owner-account",
        "ownerAccount loses its last digit",
        &[CheckId::ShapePattern, CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &[], outcome, "ownerAccount", |v| {
            let s = v.as_str().unwrap_or_default();
            json!(s[..s.len().saturating_sub(1)])
        })),
    ),
    planted(
        "misspelled-member",
        "answers carry connectionID beside connectionId",
        &[CheckId::ShapeUnknownMember],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["CreateConnection"], outcome, |b| {
            let id = b.get("connectionId").cloned().unwrap_or(Value::Null);
            b.as_object_mut().map(|m| m.insert("connectionID".into(), id));
        })),
    ),
    planted(
        "locations-missing",
        "DescribeLocations answers {} without the locations member",
        &[CheckId::ShapeRequired],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["DescribeLocations"], outcome, |b| *b = json!({}))),
    ),
    // --- echo ---
    planted(
        "wrong-name-echo",
        "connectionName comes back with a suffix",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["CreateConnection", "UpdateConnection"], outcome, "connectionName", |v| json!(format!("{}-x", v.as_str().unwrap_or_default())))),
    ),
    planted(
        "wrong-bandwidth-echo",
        "bandwidth 1Gbps comes back as 10Gbps and 10Gbps as 1Gbps",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["CreateConnection"], outcome, "bandwidth", |v| json!(if v == "1Gbps" { "10Gbps" } else { "1Gbps" }))),
    ),
    planted(
        "wrong-location-echo",
        "location comes back lower-cased",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["DescribeConnections"], outcome, "location", |v| json!(v.as_str().unwrap_or_default().to_lowercase()))),
    ),
    planted(
        "wrong-owner-echo",
        "ownerAccount is always 999999999999",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &[], outcome, "ownerAccount", |_| json!("999999999999"))),
    ),
    planted(
        "wrong-region",
        "region is always eu-west-1",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &[], outcome, "region", |_| json!("eu-west-1"))),
    ),
    planted(
        "create-drops-tags",
        "CreateConnection's answer omits the tags it was given",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["CreateConnection"], outcome, |b| {
            b.as_object_mut().map(|m| m.remove("tags"));
        })),
    ),
    planted(
        "tag-values-blank",
        "DescribeTags reports every tag value as empty",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| on_success(call, &["DescribeTags"], outcome, |b| each_object(b, &mut |m| {
            if m.contains_key("key") {
                m.insert("value".into(), json!(""));
            }
        }))),
    ),
    planted(
        "accepts-invalid-input",
        "input validation against the service model is skipped: missing members, wrong enums, over-long tag keys are accepted",
        &[CheckId::ErrorAcceptedInvalid, CheckId::ErrorExpected],
        Fault::Instead(|spec, world, call, _| {
            match super::dispatch::handler(call.operation) {
                Some(handler) => keep(handler(world, call)),
                None => keep(dispatch(spec, world, call)),
            }
        }),
    ),
    planted(
        "untag-does-nothing",
        "UntagResource answers success without removing anything",
        &[CheckId::ModelEcho],
        Fault::Instead(|spec, world, call, _| {
            if call.operation != "UntagResource" {
                return keep(dispatch(spec, world, call));
            }
            // Refuse what the faithful target refuses (unknown or foreign ARNs), but
            // never remove a tag.
            let arn = call.string("resourceArn").unwrap_or_default();
            let Value::Object(input) = json!({"resourceArns": [arn]}) else { unreachable!("a json object") };
            let probe = Call { operation: "DescribeTags", input: &input, ..*call };
            keep(dispatch(spec, world, &probe).map(|_| json!({})))
        }),
    ),
    planted(
        "rename-ignored",
        "UpdateConnection answers the new name but keeps the old one",
        &[CheckId::ModelEcho],
        Fault::Instead(|spec, world, call, _| {
            if call.operation != "UpdateConnection" {
                return keep(dispatch(spec, world, call));
            }
            // Answer as if renamed, from the current document, without renaming.
            let (Some(id), Some(name)) = (call.string("connectionId"), call.string("connectionName")) else {
                return keep(dispatch(spec, world, call));
            };
            let Value::Object(input) = json!({"connectionId": id}) else { unreachable!("a json object") };
            let probe = Call { operation: "DescribeConnections", input: &input, ..*call };
            keep(dispatch(spec, world, &probe).map(|body| {
                let mut item = body["connections"][0].clone();
                item["connectionName"] = json!(name);
                item
            }))
        }),
    ),
    // --- states ---
    planted(
        "create-available",
        "CreateConnection answers available instead of requested",
        &[CheckId::ModelState],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["CreateConnection"], outcome, "connectionState", |_| json!("available"))),
    ),
    planted(
        "delete-answers-available",
        "DeleteConnection deletes but answers available",
        &[CheckId::ModelState],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["DeleteConnection"], outcome, "connectionState", |_| json!("available"))),
    ),
    planted(
        "delete-does-nothing",
        "DeleteConnection answers deleted but the connection lives on",
        &[CheckId::ModelGone],
        Fault::Instead(|spec, world, call, _| {
            if call.operation != "DeleteConnection" {
                return keep(dispatch(spec, world, call));
            }
            pretend(spec, world, call, "DescribeConnections", "connections", "connectionId", "deleted")
        }),
    ),
    planted(
        "resurrect-after-delete",
        "Describe reports deleted connections as available again",
        &[CheckId::ModelGone],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["DescribeConnections"], outcome, "connectionState", |v| if v == "deleted" { json!("available") } else { v.clone() })),
    ),
    planted(
        "state-regresses",
        "Describe reports available connections as requested again",
        &[CheckId::ModelTransition],
        Fault::After(|_, _, call, outcome, _| rewrite_member(call, &["DescribeConnections"], outcome, "connectionState", |v| if v == "available" { json!("requested") } else { v.clone() })),
    ),
    // --- visibility ---
    planted(
        "describe-omits-newest",
        "list answers leave out their last item",
        &[CheckId::ModelVisible],
        Fault::After(|_, _, call, outcome, _| on_success(call, DESCRIBES, outcome, |b| {
            if let Some(list) = list_member(b) {
                list.pop();
            }
        })),
    ),
    planted(
        "describe-duplicates",
        "list answers repeat their first item",
        &[CheckId::ModelVisible],
        Fault::After(|_, _, call, outcome, _| on_success(call, DESCRIBES, outcome, |b| {
            if let Some(list) = list_member(b) {
                if let Some(first) = list.first().cloned() {
                    list.push(first);
                }
            }
        })),
    ),
    planted(
        "describe-by-id-lists-all",
        "DescribeConnections with a connectionId lists every connection of the account",
        &[CheckId::ModelVisible],
        Fault::After(|spec, world, call, outcome, _| {
            if call.operation != "DescribeConnections" || call.string("connectionId").is_none() || outcome.is_err() {
                return keep(outcome);
            }
            let empty = serde_json::Map::new();
            let all = Call { input: &empty, ..*call };
            keep(dispatch(spec, world, &all))
        }),
    ),
    planted(
        "cross-account-leak",
        "DescribeConnections also lists every other account's connections",
        &[CheckId::ModelVisible],
        Fault::After(|spec, world, call, outcome, _| {
            let Ok(mut body) = outcome else { return keep(outcome) };
            if call.operation != "DescribeConnections" || call.string("connectionId").is_some() {
                return keep(Ok(body));
            }
            for account in world.account_ids() {
                if account == call.account {
                    continue;
                }
                let other = Call { account: &account, ..*call };
                if let Ok(Value::Object(mut theirs)) = dispatch(spec, world, &other) {
                    if let (Some(Value::Array(mine)), Some(Value::Array(extra))) = (body.get_mut("connections"), theirs.remove("connections")) {
                        mine.extend(extra);
                    }
                }
            }
            keep(Ok(body))
        }),
    ),
    planted(
        "phantom-failover-test",
        "ListVirtualInterfaceTestHistory of a VIF lists a failover test that was never started",
        &[CheckId::ModelVisible],
        Fault::After(|_, _, call, outcome, _| {
            let Some(id) = call.string("virtualInterfaceId").map(str::to_owned) else { return keep(outcome) };
            on_success(call, &["ListVirtualInterfaceTestHistory"], outcome, |body| {
                if let Some(Value::Array(history)) = body.get_mut("virtualInterfaceTestHistory") {
                    history.push(json!({
                        "testId": "dxtest-00000000", "virtualInterfaceId": id, "bgpPeers": [],
                        "status": "completed", "ownerAccount": call.account, "testDurationInMinutes": 180,
                    }));
                }
            })
        }),
    ),
    planted(
        "phantom-accepted-route",
        "ListVirtualInterfaceRoutes lists an accepted route though no customer router ever peered",
        &[CheckId::ModelVisible],
        Fault::After(|_, _, call, outcome, _| {
            let advertised = call.member("filters").and_then(|f| f.get("routeDirection")) == Some(&json!("advertised"));
            if advertised { return keep(outcome) }
            on_success(call, &["ListVirtualInterfaceRoutes"], outcome, |body| {
                if let Some(Value::Array(routes)) = body.get_mut("routes") {
                    routes.push(json!({"cidr": "192.0.2.0/24", "routeDirection": "accepted", "addressFamily": "ipv4", "asPath": [], "communities": []}));
                }
            })
        }),
    ),
    planted(
        "failover-duration-ignored",
        "StartBgpFailoverTest answers the default 180 minutes whatever testDurationInMinutes asked",
        &[CheckId::ModelEcho],
        Fault::After(|_, _, call, outcome, _| {
            on_success(call, &["StartBgpFailoverTest"], outcome, |body| {
                if let Some(test) = body.get_mut("virtualInterfaceTest").and_then(Value::as_object_mut) {
                    test.insert("testDurationInMinutes".into(), json!(180));
                }
            })
        }),
    ),
    planted(
        "billing-mode-not-applied",
        "UpdateConnectionsBillingMode answers the mode asked for, but the connections keep PayAsYouGo",
        &[CheckId::ModelEcho],
        Fault::After(|_, world, call, outcome, _| {
            if call.operation == "UpdateConnectionsBillingMode" && outcome.is_ok() {
                let account = world.account_mut(call.account);
                for id in call.strings("connectionIds") {
                    if let Some(c) = account.connections.get_mut(id) {
                        c.billing_mode = Some("PayAsYouGo".to_owned());
                    }
                }
            }
            keep(outcome)
        }),
    ),
    planted(
        "agreement-status-missing",
        "ConfirmCustomerAgreement answers without the agreement's status",
        &[CheckId::ShapeRequired],
        Fault::After(|_, _, call, outcome, _| {
            on_success(call, &["ConfirmCustomerAgreement"], outcome, |body| {
                if let Some(m) = body.as_object_mut() {
                    m.remove("status");
                }
            })
        }),
    ),
    planted(
        "resiliency-rename-not-kept",
        "UpdateResiliencyGroup answers the new name, but the group keeps its old one",
        &[CheckId::ModelEcho],
        Fault::Instead(|spec, world, call, _| {
            let id = call.string("resiliencyGroupId").unwrap_or_default().to_owned();
            let old = world.account_mut(call.account).resiliency_groups.get(&id).map(|g| g.name.clone());
            let outcome = dispatch(spec, world, call);
            if let (Some(old), true) = (old, call.operation == "UpdateResiliencyGroup") {
                if let Some(g) = world.account_mut(call.account).resiliency_groups.get_mut(&id) {
                    g.name = old;
                }
            }
            keep(outcome)
        }),
    ),
    planted(
        "resiliency-association-dropped",
        "ListResiliencyGroupAssociations leaves out the group's first connection",
        &[CheckId::ModelVisible],
        Fault::After(|_, _, call, outcome, _| {
            on_success(call, &["ListResiliencyGroupAssociations"], outcome, |body| {
                if let Some(Value::Array(items)) = body.get_mut("items") {
                    if !items.is_empty() {
                        items.remove(0);
                    }
                }
            })
        }),
    ),
    planted(
        "resiliency-delete-answers-available",
        "DeleteResiliencyGroup answers the group available instead of deleting or deleted",
        &[CheckId::ModelState],
        Fault::After(|_, _, call, outcome, _| {
            on_success(call, &["DeleteResiliencyGroup"], outcome, |body| {
                if let Some(group) = body.get_mut("resiliencyGroup").and_then(Value::as_object_mut) {
                    group.insert("state".into(), json!("available"));
                }
            })
        }),
    ),
    planted(
        "foreign-delete-allowed",
        "any account may delete any connection",
        &[CheckId::ModelOwnership],
        Fault::After(|spec, world, call, outcome, _| if call.operation == "DeleteConnection" { as_any_account(spec, world, call, outcome) } else { keep(outcome) }),
    ),
    planted(
        "foreign-update-allowed",
        "any account may rename any connection",
        &[CheckId::ModelOwnership],
        Fault::After(|spec, world, call, outcome, _| if call.operation == "UpdateConnection" { as_any_account(spec, world, call, outcome) } else { keep(outcome) }),
    ),
    planted(
        "foreign-tag-allowed",
        "TagResource on another account's resource succeeds",
        &[CheckId::ModelOwnership],
        Fault::After(|_, _, call, outcome, _| match outcome {
            Err(e) if call.operation == "TagResource" && e.error_type == "DirectConnectClientException" => Answer::Outcome(Ok(json!({}))),
            other => keep(other),
        }),
    ),
    // --- uniqueness and errors ---
    planted(
        "shared-ids",
        "every CreateConnection answers the id of the previous one",
        &[CheckId::ModelUnique],
        Fault::After(|_, _, call, outcome, memory| match outcome {
            Ok(mut body) if call.operation == "CreateConnection" => {
                let fresh = body.get("connectionId").and_then(Value::as_str).map(str::to_owned);
                let previous = memory.last_id.get(call.account).cloned();
                if let (Some(previous), Some(m)) = (previous, body.as_object_mut()) {
                    m.insert("connectionId".into(), json!(previous));
                } else if let Some(fresh) = fresh {
                    memory.last_id.insert(call.account.to_owned(), fresh);
                }
                keep(Ok(body))
            }
            other => keep(other),
        }),
    ),
    planted(
        "not-found-own-type",
        "missing resources are ConnectionNotFound errors (moto-style) instead of DirectConnectClientException",
        &[CheckId::ErrorType, CheckId::ErrorExpected, CheckId::ModelOwnership, CheckId::SdkParse],
        Fault::After(|_, _, _, outcome, _| retype_not_found(outcome, "ConnectionNotFound")),
    ),
    planted(
        "describe-tags-refused",
        "DescribeTags refuses every request",
        &[CheckId::ErrorUnexpected],
        Fault::After(|_, _, call, outcome, _| if call.operation == "DescribeTags" { Answer::Outcome(Err(ApiError::client("Tags are unavailable"))) } else { keep(outcome) }),
    ),
    planted(
        "update-refused",
        "UpdateConnection refuses valid renames",
        &[CheckId::ErrorUnexpected],
        Fault::After(|_, _, call, outcome, _| if call.operation == "UpdateConnection" && outcome.is_ok() { Answer::Outcome(Err(ApiError::client("Update not possible"))) } else { keep(outcome) }),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_name_checks_once() {
        let mut seen = std::collections::BTreeSet::new();
        for m in MUTANTS {
            assert!(seen.insert(m.name), "duplicate {}", m.name);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
            assert!(!m.description.is_empty() && !m.caught_by.is_empty());
            // That each is a registered check is the run layer's test (run::mutants):
            // the reference target does not know the checks.
            let distinct: std::collections::BTreeSet<_> = m.caught_by.iter().collect();
            assert_eq!(distinct.len(), m.caught_by.len(), "{}", m.name);
        }
        assert!(mutant("shared-ids").is_some());
        assert!(mutant("nope").is_none());
    }
}
