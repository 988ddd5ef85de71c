//! Normalisation: generated ids, account ids, peering addresses, request ids and
//! timestamps become stable references (`{{connection:1}}`, `{{account:owner}}`,
//! `{{address:1}}`, `{{request-id}}`, `{{timestamp}}` for epoch numbers, `{{date}}` for
//! date strings), numbered per case in order of first appearance, so two runs of one
//! plan against different targets (or against one target at different points of its
//! history) compare equal where they behave alike. List items of resources the case
//! does not know are left out first ([`Refs::leave_out_foreign`]), as the run ignores
//! them. [`materialize`] turns references back into valid-looking values for offline checks.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::model::ResourceKind;
use crate::vocab::Accounts;

/// Id shapes and the reference kind each becomes.
const ID_KINDS: &[(&str, &str)] = &[
    ("dxcon", "connection"),
    ("dxlag", "lag"),
    ("dxvif", "vif"),
    ("dxpeer", "peer"),
    ("vgw", "vgw"),
    ("tgw", "tgw"),
    ("dxrg", "resiliency-group"),
    ("dxtest", "test"),
];

/// Members holding timestamps (the service model's `timestamp` shapes and dates).
const TIMESTAMP_MEMBERS: &[&str] = &[
    "loaIssueTime",
    "startTime",
    "endTime",
    "startOn",
    "routeInstalledAt",
];

/// Members holding generated ids: a value no id shape matches (an emulator's own id
/// format) still becomes a reference, `{{id:N}}`.
const ID_MEMBERS: &[&str] = &[
    "connectionId",
    "interconnectId",
    "lagId",
    "virtualInterfaceId",
    "bgpPeerId",
    "directConnectGatewayId",
    "associationId",
    "proposalId",
    "virtualGatewayId",
    "transitGatewayId",
    "resiliencyGroupId",
    "testId",
];

/// Lists of an account's items that are not resources of the model: the list member,
/// the member naming each item, and the member naming the resource it belongs to (an
/// item of a resource the case knows is the case's, even with an id it never saw: a
/// test it did not start is the target's defect). [api] ListVirtualInterfaceTestHistory
/// lists the account's BGP failover tests unless asked for one test or one interface's.
const OTHER_LISTS: &[(&str, &str, Option<&str>)] = &[(
    "virtualInterfaceTestHistory",
    "testId",
    Some("virtualInterfaceId"),
)];

/// Members holding BGP peering addresses: AWS assigns them when a request leaves them
/// out ([api] NewPrivateVirtualInterface.amazonAddress: "If you do not specify an
/// address, AWS assigns one"; IPv6 peers always get AWS's), so, like ids, they become
/// references (`{{address:N}}`): a replay assigned other addresses still compares
/// equal, and an address that must equal an earlier one (the request's, the VIF's
/// in its BGP peer) is still checked.
const ADDRESS_MEMBERS: &[&str] = &["amazonAddress", "customerAddress"];

/// Response headers whose values are per request.
const REQUEST_ID_HEADERS: &[&str] = &["x-amzn-requestid", "x-amz-request-id", "x-amz-id-2"];

fn id_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\b(?:(dxcon|dxlag|dxvif|dxpeer|vgw|tgw|dxrg|dxtest)-[0-9a-z]{6,17}|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))\b",
        )
        .expect("valid id pattern")
    })
}

fn reference_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{([a-z-]+)(?::([a-z0-9]+))?\}\}").expect("valid pattern"))
}

/// The references of one case: which real id became which reference.
#[derive(Debug, Clone)]
pub struct Refs {
    accounts: Accounts,
    ids: BTreeMap<String, String>,
    counts: BTreeMap<&'static str, u32>,
}

impl Refs {
    /// No ids seen yet; `accounts` become `{{account:owner}}` and `{{account:partner}}`.
    pub fn new(accounts: &Accounts) -> Refs {
        Refs {
            accounts: accounts.clone(),
            ids: BTreeMap::new(),
            counts: BTreeMap::new(),
        }
    }

    /// The reference of a real id (numbered on first sight).
    fn reference(&mut self, id: &str, kind: &'static str) -> String {
        if let Some(r) = self.ids.get(id) {
            return r.clone();
        }
        let n = self.counts.entry(kind).or_insert(0);
        *n += 1;
        let r = format!("{{{{{kind}:{n}}}}}");
        self.ids.insert(id.to_owned(), r.clone());
        r
    }

    /// Whether the case has seen `id` (as the target wrote it) in a request or an answer.
    fn knows(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    /// `body`, a Describe or List answer to `request`, without the list items of resources the
    /// case does not know; returns how many were left out. On a target shared with
    /// other cases (no reset between cases, as on a real account) a listing also shows
    /// theirs and what the earlier history of the account left; the run ignores them
    /// (`model/view.rs`: a list not asked for by id is not exclusive), so the
    /// recording and the comparison do too, before numbering, so a foreign id never
    /// takes a reference. A Describe of one resource by id keeps every item: another
    /// there is the target's defect, which the run reports too. Items nested in a kept
    /// one (a VIF's BGP peers) are the case's own.
    pub fn leave_out_foreign(&self, operation: &str, request: &Value, body: &mut Value) -> usize {
        if !operation.starts_with("Describe") && !operation.starts_with("List") {
            return 0;
        }
        let Value::Object(members) = body else {
            return 0;
        };
        let lists = ResourceKind::ALL
            .iter()
            .map(|k| (k.descriptor().list_member, k.descriptor().id_member, None))
            .chain(OTHER_LISTS.iter().copied());
        let mut left_out = 0;
        for (list_member, id_member, belongs_to) in lists {
            if request.get(id_member).is_some() {
                continue;
            }
            let Some(Value::Array(items)) = members.get_mut(list_member) else {
                continue;
            };
            let before = items.len();
            let known = |item: &Value, member: &str| {
                item.get(member)
                    .and_then(Value::as_str)
                    .is_some_and(|id| self.knows(id))
            };
            items.retain(|item| {
                item.get(id_member).is_none()
                    || known(item, id_member)
                    || belongs_to.is_some_and(|owner| known(item, owner))
            });
            left_out += before - items.len();
        }
        left_out
    }

    /// A string with every id and account replaced by its reference.
    pub fn text(&mut self, s: &str) -> String {
        self.ids_in(s)
            .replace(&self.accounts.owner, "{{account:owner}}")
            .replace(&self.accounts.partner, "{{account:partner}}")
    }

    /// A string with every id replaced by its reference.
    fn ids_in(&mut self, s: &str) -> String {
        if let Some(r) = self.ids.get(s) {
            return r.clone();
        }
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        let matches: Vec<(usize, usize, &'static str)> = id_pattern()
            .captures_iter(s)
            .filter_map(|c| {
                let m = c.get(0)?;
                let kind = match c.get(1) {
                    Some(prefix) => ID_KINDS
                        .iter()
                        .find(|(p, _)| *p == prefix.as_str())
                        .map_or("id", |(_, k)| *k),
                    None => "uuid",
                };
                Some((m.start(), m.end(), kind))
            })
            .collect();
        for (start, end, kind) in matches {
            out.push_str(&s[last..start]);
            let r = self.reference(&s[start..end], kind);
            out.push_str(&r);
            last = end;
        }
        out.push_str(&s[last..]);
        // Known ids wherever they recur: ids in a target's own format (known from an
        // id member), and ids inside a longer word, where the pattern's word
        // boundary does not hold (a mangled id: the id followed by letters). Longest
        // first, so no id is cut by a shorter one it starts with.
        let mut known: Vec<(&String, &String)> = self.ids.iter().collect();
        known.sort_by_key(|(id, _)| std::cmp::Reverse(id.len()));
        for (id, r) in known {
            if out.contains(id.as_str()) {
                out = out.replace(id.as_str(), r);
            }
        }
        out
    }

    /// A value a cassette recorded before some generated values became references
    /// (peering addresses, resiliency group and failover test ids), with those
    /// numbered as a recording numbers them now; what is a reference stays.
    pub(super) fn upgraded(&mut self, v: &Value) -> Value {
        rewrite(v, &mut |node| match node {
            Node::Text(s) => Some(Value::String(self.ids_in(s))),
            Node::Member(k, m) => self.address(k, m),
        })
    }

    /// The reference of a peering address member's value (`{{address:N}}`); `None` for
    /// other members, an unset address and what is a reference already.
    fn address(&mut self, member: &str, value: &Value) -> Option<Value> {
        value
            .as_str()
            .filter(|a| ADDRESS_MEMBERS.contains(&member) && !a.is_empty() && !a.starts_with("{{"))
            .map(|a| Value::String(self.reference(a, "address")))
    }

    /// A JSON value with ids, accounts and timestamps replaced.
    pub fn value(&mut self, v: &Value) -> Value {
        self.register(v);
        self.replaced(v)
    }

    /// Number the ids of id members in a target's own format first, so they are
    /// replaced wherever they occur, before or after their member.
    fn register(&mut self, v: &Value) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.register(i)),
            Value::Object(map) => {
                for (k, v) in map {
                    match v.as_str() {
                        Some(id)
                            if ID_MEMBERS.contains(&k.as_str())
                                && !id.is_empty()
                                && !id_pattern().is_match(id)
                                && !reference_pattern().is_match(id) =>
                        {
                            self.reference(id, "id");
                        }
                        _ => self.register(v),
                    }
                }
            }
            _ => {}
        }
    }

    fn replaced(&mut self, v: &Value) -> Value {
        rewrite(v, &mut |node| match node {
            Node::Text(s) => Some(Value::String(self.text(s))),
            Node::Member(k, m) if TIMESTAMP_MEMBERS.contains(&k) && m.is_string() => {
                Some(Value::String("{{date}}".to_owned()))
            }
            Node::Member(k, m) if TIMESTAMP_MEMBERS.contains(&k) && !m.is_null() => {
                Some(Value::String("{{timestamp}}".to_owned()))
            }
            Node::Member(k, m) => self.address(k, m),
        })
    }

    /// Response headers with request ids and dates replaced (lengths dropped: they follow the body).
    pub fn headers(&mut self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .filter(|(k, _)| k != "content-length")
            .map(|(k, v)| {
                let v = if REQUEST_ID_HEADERS.contains(&k.as_str()) {
                    "{{request-id}}".to_owned()
                } else if k == "date" {
                    "{{timestamp}}".to_owned()
                } else {
                    self.text(v)
                };
                (k.clone(), v)
            })
            .collect()
    }
}

/// What [`rewrite`] asks about: a member of an object (by name), or a string that is
/// not a member [`rewrite`] was answered for.
enum Node<'a> {
    Member(&'a str, &'a Value),
    Text(&'a str),
}

/// `v` rebuilt: a member `visit` answers for becomes the answer, a string becomes
/// `visit`'s answer for its text (kept when `None`); arrays and other members are
/// rebuilt the same way, item by item.
fn rewrite(v: &Value, visit: &mut dyn FnMut(Node<'_>) -> Option<Value>) -> Value {
    match v {
        Value::String(s) => visit(Node::Text(s)).unwrap_or_else(|| v.clone()),
        Value::Array(items) => Value::Array(items.iter().map(|i| rewrite(i, visit)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, m)| {
                    let m = visit(Node::Member(k, m)).unwrap_or_else(|| rewrite(m, visit));
                    (k.clone(), m)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A list order the API does not define: items sorted by their canonical text,
/// recursively (Direct Connect defines the order of no list it returns).
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(sorted).collect();
            items.sort_by_cached_key(Value::to_string);
            Value::Array(items)
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        other => other.clone(),
    }
}

/// References turned back into values of the right shape, for offline checks of a
/// cassette: `{{connection:3}}` → `dxcon-ref00003`, `{{uuid:2}}` → a UUID,
/// `{{account:owner}}` → the owner account, `{{timestamp}}` → epoch seconds.
pub fn materialize(v: &Value, accounts: &Accounts) -> Value {
    match v {
        Value::String(s) if s == "{{timestamp}}" => Value::from(1_767_225_600u64),
        Value::String(s) => Value::String(materialize_text(s, accounts)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| materialize(i, accounts)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), materialize(v, accounts)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn materialize_text(s: &str, accounts: &Accounts) -> String {
    reference_pattern()
        .replace_all(s, |c: &regex::Captures<'_>| {
            let kind = &c[1];
            let n: u64 = c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
            match kind {
                "account" => match c.get(2).map(|m| m.as_str()) {
                    Some("partner") => accounts.partner.clone(),
                    _ => accounts.owner.clone(),
                },
                "uuid" => format!("00000000-0000-4000-8000-{n:012x}"),
                "request-id" => format!("00000000-0000-4000-8000-{n:012x}"),
                "timestamp" => "1767225600".to_owned(),
                // A link-local /30 pair per reference: a valid peering address.
                "address" => format!("169.254.{}.{}/30", (n / 64) % 256, (n % 64) * 4 + 1),
                "date" => "2026-01-01T00:00:00Z".to_owned(),
                // [spec] ResiliencyGroupId: `dxrg-` and 17 characters.
                "resiliency-group" => format!("dxrg-ref{n:014}"),
                other => {
                    let prefix = ID_KINDS
                        .iter()
                        .find(|(_, k)| *k == other)
                        .map_or("dxcon", |(p, _)| *p);
                    format!("{prefix}-ref{n:05}")
                }
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_accounts_and_timestamps_become_references_in_order() {
        let mut refs = Refs::new(&Accounts::default());
        let body = json!({
            "connectionId": "dxcon-fgh12345",
            "lagId": "dxlag-ab12cd34",
            "ownerAccount": "111111111111",
            "loaIssueTime": 1700000000,
            "directConnectGatewayId": "5f2b1c3a-1111-4222-8333-123456789abc",
            "arn": "arn:aws:directconnect:us-east-1:111111111111:dxcon/dxcon-fgh12345"
        });
        let n = refs.value(&body);
        assert_eq!(n["connectionId"], "{{connection:1}}");
        assert_eq!(n["lagId"], "{{lag:1}}");
        assert_eq!(n["ownerAccount"], "{{account:owner}}");
        assert_eq!(n["loaIssueTime"], "{{timestamp}}");
        assert_eq!(n["directConnectGatewayId"], "{{uuid:1}}");
        assert_eq!(
            n["arn"],
            "arn:aws:directconnect:us-east-1:{{account:owner}}:dxcon/{{connection:1}}"
        );
        assert_eq!(refs.text("dxcon-zzzz9999"), "{{connection:2}}");
        // A mangled id keeps its reference and its mangling.
        assert_eq!(
            refs.text("dxcon-fgh12345ünïcødé"),
            "{{connection:1}}ünïcødé"
        );
        assert_eq!(
            refs.text(&format!("dxcon-fgh12345{}", "a".repeat(20))),
            format!("{{{{connection:1}}}}{}", "a".repeat(20))
        );
        let odd = refs.value(&json!({"connectionId": "dx-moto-abc-20261125", "name": "x"}));
        assert_eq!(odd["connectionId"], "{{id:1}}");
        assert_eq!(refs.text("dx-moto-abc-20261125"), "{{id:1}}");
        let back = materialize(&n, &Accounts::default());
        assert_eq!(back["connectionId"], "dxcon-ref00001");
        assert_eq!(back["ownerAccount"], "111111111111");
        assert!(back["loaIssueTime"].is_number());
    }

    #[test]
    fn listings_keep_only_what_the_case_knows() {
        let mut refs = Refs::new(&Accounts::default());
        refs.value(
            &json!({"connectionId": "dxcon-own00001", "virtualInterfaceId": "dxvif-own00001"}),
        );
        let listing = || {
            json!({"connections": [
                {"connectionId": "dxcon-own00001", "connectionState": "available"},
                {"connectionId": "dxcon-other0001", "connectionState": "available"}
            ]})
        };
        let mut all = listing();
        let left_out = refs.leave_out_foreign("DescribeConnections", &json!({}), &mut all);
        assert_eq!(left_out, 1);
        assert_eq!(all["connections"].as_array().unwrap().len(), 1);
        let n = refs.value(&all);
        assert_eq!(n["connections"][0]["connectionId"], "{{connection:1}}");
        // Asked for one by id: another item is the target's defect, kept.
        let mut by_id = listing();
        let request = json!({"connectionId": "dxcon-own00001"});
        assert_eq!(
            refs.leave_out_foreign("DescribeConnections", &request, &mut by_id),
            0
        );
        // Writes are not listings.
        let mut write = listing();
        assert_eq!(
            refs.leave_out_foreign("CreateLag", &json!({}), &mut write),
            0
        );
        // A failover test of a known VIF is the case's, even with an unknown id.
        let mut tests = json!({"virtualInterfaceTestHistory": [
            {"testId": "dxtest-phantom1", "virtualInterfaceId": "dxvif-own00001"},
            {"testId": "dxtest-other001", "virtualInterfaceId": "dxvif-other001"}
        ]});
        assert_eq!(
            refs.leave_out_foreign("ListVirtualInterfaceTestHistory", &json!({}), &mut tests),
            1
        );
        assert_eq!(
            tests["virtualInterfaceTestHistory"][0]["testId"],
            "dxtest-phantom1"
        );
    }

    #[test]
    fn peering_addresses_are_references_that_keep_equality() {
        let mut refs = Refs::new(&Accounts::default());
        let vif = refs.value(&json!({
            "amazonAddress": "169.254.7.1/30",
            "customerAddress": "169.254.7.2/30",
            "bgpPeers": [{"amazonAddress": "169.254.7.1/30", "customerAddress": "169.254.9.9/30"}],
            "resiliencyGroupId": "dxrg-abc123def456ghi78",
            "testId": "dxtest-ab12cd34"
        }));
        // Numbered in member order: amazonAddress, bgpPeers, customerAddress.
        assert_eq!(vif["amazonAddress"], "{{address:1}}");
        assert_eq!(vif["bgpPeers"][0]["amazonAddress"], "{{address:1}}");
        assert_eq!(vif["bgpPeers"][0]["customerAddress"], "{{address:2}}");
        assert_eq!(vif["customerAddress"], "{{address:3}}");
        assert_eq!(vif["resiliencyGroupId"], "{{resiliency-group:1}}");
        assert_eq!(vif["testId"], "{{test:1}}");
        let back = materialize(&vif, &Accounts::default());
        assert!(back["amazonAddress"]
            .as_str()
            .unwrap()
            .starts_with("169.254."));
        assert_eq!(back["resiliencyGroupId"], "dxrg-ref00000000000001");
    }

    #[test]
    fn older_recordings_are_numbered_as_recordings_are_now() {
        let raw = json!({
            "amazonAddress": "169.254.7.1/30",
            "connectionId": "dxcon-fgh12345",
            "resiliencyGroupId": "dxrg-abc123def456ghi78",
            "loaIssueTime": 1700000000
        });
        let now = Refs::new(&Accounts::default()).value(&raw);
        let mut old = now.clone();
        old["amazonAddress"] = raw["amazonAddress"].clone();
        old["resiliencyGroupId"] = raw["resiliencyGroupId"].clone();
        let mut refs = Refs::new(&Accounts::default());
        assert_eq!(refs.upgraded(&old), now);
        assert_eq!(Refs::new(&Accounts::default()).upgraded(&now), now);
    }

    #[test]
    fn headers_lose_request_ids_and_dates() {
        let mut refs = Refs::new(&Accounts::default());
        let h = refs.headers(&[
            ("x-amzn-requestid".into(), "abc".into()),
            ("date".into(), "Wed, 25 Nov 2026".into()),
            ("content-length".into(), "12".into()),
            ("content-type".into(), "application/x-amz-json-1.1".into()),
        ]);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].1, "{{request-id}}");
        assert_eq!(h[1].1, "{{timestamp}}");
    }

    #[test]
    fn lists_sort_by_content() {
        assert_eq!(sorted(&json!({"a": [3, 1, 2]})), json!({"a": [1, 2, 3]}));
    }
}
