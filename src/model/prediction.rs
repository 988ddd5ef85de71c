//! What the model predicts for one call.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::connections::CLIENT_ERROR;
use super::{Handle, ResourceKind, StateSet};
use crate::vocab::CheckId;

/// How sure the model is: what a prediction rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The service model (botocore / the SDK).
    Spec,
    /// The API reference or published outputs of real calls.
    Documented,
    /// Reasonable but not documented.
    Assumed,
}

/// Whether the call should succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// A success answer.
    Succeed,
    /// A rejection with one of these error types, because `rule` forbids the call.
    Reject {
        /// Acceptable error types.
        error_types: Vec<&'static str>,
        /// The rule that forbids it, for the finding.
        rule: String,
        /// The check that reports an acceptance (`error.expected`, or `model.ownership`
        /// when the rule is about which account may act).
        check: CheckId,
    },
    /// AWS is known (or may) answer either way: success satisfying the expectations,
    /// or a rejection of one of these types.
    Either {
        /// Acceptable error types.
        error_types: Vec<&'static str>,
        /// Why both are acceptable.
        reason: String,
    },
}

/// Which check reports a state outside the predicted set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateCheck {
    /// The synchronous result of a write (`model.state`).
    Result,
    /// A later observation of a live resource (`model.transition`).
    Transition,
    /// An observation of a deleted resource (`model.gone`).
    Gone,
}

/// Whether a resource must appear in a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Must appear (`model.visible`).
    Must,
    /// Must not appear: it belongs to another account (`model.visible`).
    MustNot,
    /// May appear or not (deleted resources may linger or vanish).
    May,
}

/// What the answer must show about one resource.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The resource.
    pub handle: Handle,
    /// Its type.
    pub kind: ResourceKind,
    /// Its id, or `None` when this call creates it (bound from the answer).
    pub id: Option<String>,
    /// Allowed states in the answer.
    pub states: StateSet,
    /// Which check reports a state outside `states`.
    pub state_check: StateCheck,
    /// Whether it must appear (list answers only; the root of a write answer must always be it).
    pub visibility: Visibility,
    /// Members that must echo these values.
    pub echo: Vec<(&'static str, Value)>,
    /// Expected tags (order-insensitive), when the answer should carry them.
    pub tags: Option<Vec<(String, String)>>,
    /// Where this resource sits when not where the prediction's answer puts its
    /// resources (e.g. a BGP peer inside `virtualInterface.bgpPeers`).
    pub nested: Option<Nested>,
}

impl Expectation {
    /// Echo `value` for `member` in place of what the case knew (a write changes it).
    pub(super) fn echo_instead(&mut self, member: &'static str, value: Value) {
        self.echo.retain(|(m, _)| *m != member);
        self.echo.push((member, value));
    }

    /// Expect nothing definite of the resource: the call may be refused, or answer it
    /// in whatever state it has come to.
    pub(super) fn expect_nothing(&mut self) {
        self.states = StateSet::EMPTY;
        self.echo.clear();
        self.tags = None;
    }
}

/// A resource inside a list of the answer, possibly under a wrapper member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nested {
    /// Wrapper member of the answer holding the list (`virtualInterface`), or none.
    pub within: Option<&'static str>,
    /// Member holding the list (`bgpPeers`).
    pub member: &'static str,
    /// Member of each item holding its id (`bgpPeerId`).
    pub id_member: &'static str,
}

/// Where resources sit in a list answer.
#[derive(Debug, Clone)]
pub struct ListSpec {
    /// Member holding the list (`connections`).
    pub member: &'static str,
    /// Member of each item holding its id (`connectionId`).
    pub id_member: &'static str,
    /// The call named one resource: nothing else of ours may be listed.
    pub exclusive: bool,
}

/// The model's prediction for one call.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// Success, rejection, or either.
    pub expect: Expect,
    /// What the prediction rests on.
    pub basis: Basis,
    /// A wrapper member holding the answer's resource or list (`virtualInterface` in
    /// `{"virtualInterface": {...}}`), or none when they sit at the root.
    pub within: Option<&'static str>,
    /// The answer is a list (`Some`) or the resource itself (`None`).
    pub list: Option<ListSpec>,
    /// Resources the answer must (or must not) show.
    pub resources: Vec<Expectation>,
    /// Members a success answer (or each listed item) must carry, beyond the spec's
    /// required ones, for `shape.required`.
    pub required_members: Vec<&'static str>,
    /// Ids already taken in this case; a create must not return one (`model.unique`).
    pub taken_ids: Vec<String>,
    /// Error types beyond the operation's declared ones that this call may answer:
    /// protocol-level errors of the awsJson front end (e.g. `SerializationException`
    /// for a member of the wrong type), which `error.type` does not report.
    pub protocol_errors: Vec<&'static str>,
    /// For a call breaking an input rule: the request member it breaks, as a JSON
    /// path (`$.newBGPPeer.asn`), where `error.expected` and `error.accepted-invalid`
    /// report an acceptance, so each broken member gets its own bucket.
    pub broken_member: Option<String>,
}

impl Prediction {
    /// A bare success prediction with no resource expectations.
    pub fn succeed(basis: Basis) -> Prediction {
        Prediction {
            expect: Expect::Succeed,
            basis,
            within: None,
            list: None,
            resources: Vec::new(),
            required_members: Vec::new(),
            taken_ids: Vec::new(),
            protocol_errors: Vec::new(),
            broken_member: None,
        }
    }

    /// A rejection prediction.
    pub fn reject(
        error_types: Vec<&'static str>,
        rule: impl Into<String>,
        check: CheckId,
        basis: Basis,
    ) -> Prediction {
        Prediction {
            expect: Expect::Reject {
                error_types,
                rule: rule.into(),
                check,
            },
            ..Prediction::succeed(basis)
        }
    }
}

impl Prediction {
    /// The caller acts on another account's resource: [api] calls act on the caller's
    /// resources, so AWS answers a client error (a documented rule, checked as ownership).
    pub(super) fn not_owner(rule: impl Into<String>) -> Prediction {
        Prediction::reject(
            vec![CLIENT_ERROR],
            rule,
            CheckId::ModelOwnership,
            Basis::Documented,
        )
    }

    /// The call breaks `rule` (on `basis`), so AWS answers a client error.
    pub(super) fn refused(rule: impl Into<String>, basis: Basis) -> Prediction {
        Prediction::reject(vec![CLIENT_ERROR], rule, CheckId::ErrorExpected, basis)
    }
}

impl Prediction {
    /// The part of the answer holding its resource or list (the wrapper member, if any).
    pub fn base<'a>(&self, body: &'a Value) -> Option<(String, &'a Value)> {
        match self.within {
            None => Some(("$".to_owned(), body)),
            Some(w) => body.get(w).map(|v| (format!("$.{w}"), v)),
        }
    }

    /// The JSON item an expectation is about, with its JSON path: the answer itself
    /// (or its wrapper) for single-resource answers, the list item with the
    /// expectation's id for list answers, or where `nested` says.
    pub fn locate<'a>(
        &self,
        expectation: &Expectation,
        body: &'a Value,
    ) -> Option<(String, &'a Value)> {
        if let Some(nested) = &expectation.nested {
            if nested.within.is_none() {
                if let (Some(list), Some((root, base))) = (&self.list, self.base(body)) {
                    // Nested in any item of a list answer (a peer of a listed VIF).
                    let items = base.get(list.member)?.as_array()?;
                    return items.iter().enumerate().find_map(|(i, item)| {
                        self.find_nested(
                            &format!("{root}.{}[{i}]", list.member),
                            item,
                            nested,
                            expectation.id.as_deref(),
                        )
                    });
                }
            }
            let (root, base) = match nested.within {
                None => ("$".to_owned(), body),
                Some(w) => (format!("$.{w}"), body.get(w)?),
            };
            return self.find_nested(&root, base, nested, expectation.id.as_deref());
        }
        let (root, base) = self.base(body)?;
        match &self.list {
            None => Some((root, base)),
            Some(list) => find_in_list(
                &root,
                base,
                list.member,
                list.id_member,
                expectation.id.as_deref()?,
            ),
        }
    }
}

impl Prediction {
    /// The item of `base[nested.member]` with `id`; with no id (this call creates it),
    /// the first item whose id the case has not seen before.
    fn find_nested<'a>(
        &self,
        root: &str,
        base: &'a Value,
        nested: &Nested,
        id: Option<&str>,
    ) -> Option<(String, &'a Value)> {
        if let Some(id) = id {
            return find_in_list(root, base, nested.member, nested.id_member, id);
        }
        let items = base.get(nested.member)?.as_array()?;
        items.iter().enumerate().find_map(|(i, item)| {
            let id = item.get(nested.id_member).and_then(Value::as_str)?;
            (!self.taken_ids.iter().any(|t| t == id))
                .then(|| (format!("{root}.{}[{i}]", nested.member), item))
        })
    }
}

fn find_in_list<'a>(
    root: &str,
    base: &'a Value,
    member: &str,
    id_member: &str,
    id: &str,
) -> Option<(String, &'a Value)> {
    let items = base.get(member)?.as_array()?;
    items.iter().enumerate().find_map(|(i, item)| {
        (item.get(id_member).and_then(Value::as_str) == Some(id))
            .then(|| (format!("{root}.{member}[{i}]"), item))
    })
}

/// Success as predicted or a client error: for `reason`, AWS may answer either way.
pub(super) fn either(reason: impl Into<String>) -> Expect {
    Expect::Either {
        error_types: vec![CLIENT_ERROR],
        reason: reason.into(),
    }
}

impl Prediction {
    /// The sources leave open whether AWS refuses this call, for `reason`: success as
    /// predicted or a client error, an assumption.
    pub(super) fn may_refuse(&mut self, reason: impl Into<String>) {
        self.expect = either(reason);
        self.basis = Basis::Assumed;
    }
}

impl Prediction {
    /// The value the first expected resource echoes for `member` (null if none): what
    /// the model keeps of a create, as its answer must show it.
    pub(super) fn echoed(&self, member: &str) -> Value {
        self.resources
            .first()
            .and_then(|e| e.echo.iter().find(|(m, _)| *m == member))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }
}
