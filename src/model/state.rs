//! The model's state for one case and its three questions: what request does a
//! step make, what answer is predicted, and what was learned from the answer.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{Handle, HandleRef, Prediction, Resource, ResourceKind, Step};
use crate::vocab::{Accounts, Outcome, Principal};

/// Facts about the target that plans are resolved against.
#[derive(Debug, Clone)]
pub struct Env {
    /// Region the target answers for.
    pub region: String,
    /// Accounts of the principals.
    pub accounts: Accounts,
    /// Location codes usable for new connections (from DescribeLocations, or a built-in list).
    pub locations: Vec<String>,
    /// Each principal's virtual private gateway ids (DescribeVirtualGateways at run start).
    pub virtual_gateways: BTreeMap<Principal, Vec<String>>,
}

/// A concrete request.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Operation name.
    pub operation: &'static str,
    /// Caller.
    pub principal: Principal,
    /// JSON body.
    pub body: Value,
}

/// What the model knows within one case.
#[derive(Debug, Clone)]
pub struct Model {
    pub(super) env: Env,
    pub(super) resources: Vec<Resource>,
    transitions: Vec<ObservedEdge>,
}

/// A lifecycle edge seen in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObservedEdge {
    /// Resource type.
    pub kind: ResourceKind,
    /// State before (`[*]` when the call created the resource).
    pub from: &'static str,
    /// State seen.
    pub to: &'static str,
    /// The operation that made the change, or `async`.
    pub via: &'static str,
}

impl Model {
    /// A model with no resources.
    pub fn new(env: Env) -> Model {
        Model {
            env,
            resources: Vec::new(),
            transitions: Vec::new(),
        }
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Every resource the case tried to create, by handle order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// A resource by handle.
    pub fn resource(&self, handle: Handle) -> &Resource {
        &self.resources[handle.0 as usize]
    }

    pub(super) fn resource_mut(&mut self, handle: Handle) -> &mut Resource {
        &mut self.resources[handle.0 as usize]
    }

    /// Resolve a reference among the created resources of `kind` (`None` if there are none).
    pub fn resolve(&self, reference: HandleRef, kind: ResourceKind) -> Option<Handle> {
        reference.pick(&self.handles_of(kind))
    }

    /// The body and prediction of a step on the resource `reference` resolves to; `None`
    /// (the step is skipped) when there is no resource of `kind`.
    pub(super) fn on_resolved(
        &self,
        reference: HandleRef,
        kind: ResourceKind,
        predict: impl FnOnce(Handle) -> (Value, Prediction),
    ) -> Option<(Value, Prediction)> {
        self.resolve(reference, kind).map(predict)
    }

    /// A call on `handle` whose request names it by id (its kind's id member): refused
    /// with `rule` when `by` does not own it, else predicted by `predict`.
    pub(super) fn owner_only(
        &self,
        by: Principal,
        handle: Handle,
        rule: &str,
        predict: impl FnOnce() -> Prediction,
    ) -> (Value, Prediction) {
        let r = self.resource(handle);
        let body = json!({ r.kind.id_member(): r.id });
        if r.owner != by {
            return (body, Prediction::not_owner(rule));
        }
        (body, predict())
    }

    /// A rename of `handle` to `name`, its `member`: the request names it by id (its
    /// kind's id member) and the new name, and the answer `prediction` expects of it,
    /// when the call is not refused, shows the new name.
    pub(super) fn renaming(
        &self,
        handle: Handle,
        member: &'static str,
        name: &str,
        mut prediction: Prediction,
    ) -> (Value, Prediction) {
        let r = self.resource(handle);
        let body = json!({ r.kind.id_member(): r.id, member: name });
        if let Some(view) = prediction.resources.first_mut() {
            view.echo_instead(member, json!(name));
        }
        (body, prediction)
    }

    /// Resolve `reference` preferring `candidates`: half the references (those below
    /// 128) pick among them when there are any, so calls that need a fitting resource
    /// can succeed; the rest resolve among all created resources of `kind`.
    pub(super) fn resolve_preferring(
        &self,
        reference: HandleRef,
        kind: ResourceKind,
        candidates: &[Handle],
    ) -> Option<Handle> {
        if reference.0 < 128 && !candidates.is_empty() {
            reference.pick(candidates)
        } else {
            self.resolve(reference, kind)
        }
    }

    /// A successful update renamed the resource `target` refers to: unless deleted, it
    /// echoes `name` as `member` from now on.
    pub(super) fn rename(
        &mut self,
        target: HandleRef,
        kind: ResourceKind,
        member: &str,
        name: &str,
    ) {
        if let Some(h) = self.resolve(target, kind) {
            let r = self.resource_mut(h);
            if !r.deleted {
                r.attributes
                    .insert(member.to_owned(), Value::String(name.to_owned()));
            }
        }
    }

    /// The ARN of a created resource (`None` for kinds without ARNs).
    pub fn arn(&self, handle: Handle) -> Option<String> {
        let r = self.resource(handle);
        r.kind.arn(
            &self.env.region,
            self.env.accounts.of(r.owner),
            r.id.as_deref()?,
        )
    }

    /// The request a step makes and the predicted answer; `None` when the step
    /// cannot be made (it refers to a resource the case does not have) and is skipped.
    pub fn call(&self, step: &Step) -> Option<(Call, Prediction)> {
        let (body, prediction) = match step {
            Step::Connection(s) => self.predict_connection(s),
            Step::Tags(s) => self.predict_tags(s),
            Step::Interconnect(s) => self.predict_interconnect(s),
            Step::Lag(s) => self.predict_lag(s),
            Step::Vif(s) => self.predict_vif(s),
            Step::Gateway(s) => self.predict_gateway(s),
            Step::Resiliency(s) => self.predict_resiliency(s),
            Step::Invalid(s) => self.predict_invalid(s),
            Step::Malformed(s) => self.predict_malformed(s),
        }?;
        Some((
            Call {
                operation: step.operation(),
                principal: step.principal(),
                body,
            },
            prediction,
        ))
    }

    /// Learn from an answer: bind ids of created resources, narrow state sets,
    /// record deletions, renames, tag changes and the lifecycle edges observed.
    pub fn observe(&mut self, step: &Step, prediction: &Prediction, outcome: &Outcome) {
        let observed = match outcome {
            Outcome::Success(body) => Self::observed_states(prediction, body),
            _ => Vec::new(),
        };
        // Narrow each located resource to what its observed state can reach.
        for (handle, index, _) in &observed {
            if let Some(r) = self.resources.get_mut(handle.0 as usize) {
                r.possible = r.kind.lifecycle().closure(super::StateSet(1 << index));
            }
        }
        match step {
            Step::Connection(s) => self.apply_connection(s, prediction, outcome),
            Step::Tags(s) => self.apply_tags(s, outcome),
            Step::Interconnect(s) => self.apply_interconnect(s, prediction, outcome),
            Step::Lag(s) => self.apply_lag(s, prediction, outcome),
            Step::Vif(s) => self.apply_vif(s, prediction, outcome),
            Step::Gateway(s) => self.apply_gateway(s, prediction, outcome),
            Step::Resiliency(s) => self.apply_resiliency(s, prediction, outcome),
            Step::Invalid(s) => {
                self.apply_invalid(s, outcome);
                return;
            }
            Step::Malformed(s) => {
                self.apply_malformed(s, outcome);
                return;
            }
        }
        // A write answered with the resource itself moves it by the call; anything
        // else observed a change that happened on its own.
        let reads = ["Describe", "Get", "List"];
        let is_write =
            prediction.list.is_none() && !reads.iter().any(|r| step.operation().starts_with(r));
        let via = if is_write { step.operation() } else { "async" };
        for (handle, index, created) in observed {
            let Some(r) = self.resources.get_mut(handle.0 as usize) else {
                continue;
            };
            let to = r.kind.lifecycle().states[index];
            let from = if created { Some("[*]") } else { r.last_state };
            if let Some(from) = from {
                if via != "async" || from != to {
                    self.transitions.push(Self::observed_edge(r, via, from, to));
                }
            }
            r.last_state = Some(to);
        }
    }

    /// The state each located resource shows in a success answer:
    /// (handle, state index, created by this call).
    fn observed_states(prediction: &Prediction, body: &Value) -> Vec<(Handle, usize, bool)> {
        prediction
            .resources
            .iter()
            .filter(|e| e.visibility != super::Visibility::MustNot && !e.states.is_empty())
            .filter_map(|e| {
                let (_, item) = prediction.locate(e, body)?;
                let index = item
                    .get(e.kind.state_member())
                    .and_then(Value::as_str)
                    .and_then(|s| e.kind.lifecycle().index(s))?;
                Some((e.handle, index, e.id.is_none()))
            })
            .collect()
    }

    /// A state seen by polling (a wait), outside any step: narrows the resource as a
    /// Describe would and records the asynchronous edge. Changes nothing and returns
    /// false when the state is unknown or not reachable from what the model allows
    /// (the next Describe step's checks report that).
    pub fn observe_polled(&mut self, handle: Handle, state: &str) -> bool {
        let Some(r) = self.resources.get_mut(handle.0 as usize) else {
            return false;
        };
        let lifecycle = r.kind.lifecycle();
        let Some(index) = lifecycle.index(state) else {
            return false;
        };
        if !r.possible.has(index) {
            return false;
        }
        r.possible = lifecycle.closure(super::StateSet(1 << index));
        let to = lifecycle.states[index];
        if let Some(from) = r.last_state.filter(|f| *f != to) {
            self.transitions
                .push(Self::observed_edge(r, "async", from, to));
        }
        r.last_state = Some(to);
        true
    }

    /// The observed change `from ⇢ to` of `r`, credited to `via`, or, for a change seen
    /// by a read after a call that moved the resource without showing its state, to that
    /// call (once, when the lifecycle has that call edge).
    fn observed_edge(
        r: &mut Resource,
        via: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> ObservedEdge {
        let via = Self::moved_by(r, via, from, to);
        ObservedEdge {
            kind: r.kind,
            from,
            to,
            via,
        }
    }

    /// The operation an observed change `from ⇢ to` is credited to (see `observed_edge`).
    fn moved_by(
        r: &mut Resource,
        via: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> &'static str {
        if via != "async" || from == to {
            return via;
        }
        match r.moved_by.take() {
            Some(call)
                if r.kind
                    .lifecycle()
                    .calls
                    .iter()
                    .any(|(f, t, c)| *c == call && *t == to && (*f == from || *f == "*")) =>
            {
                call
            }
            _ => via,
        }
    }

    /// Record an edge seen outside the prediction's expectations (e.g. the member
    /// connections a CreateLag answer lists).
    pub(super) fn record_edge(
        &mut self,
        kind: ResourceKind,
        from: &'static str,
        to: &'static str,
        via: &'static str,
    ) {
        self.transitions.push(ObservedEdge {
            kind,
            from,
            to,
            via,
        });
    }

    /// The lifecycle edges observed so far (drained).
    pub fn take_transitions(&mut self) -> Vec<ObservedEdge> {
        std::mem::take(&mut self.transitions)
    }

    /// Bound ids of the case, for `model.unique`.
    pub(super) fn taken_ids(&self) -> Vec<String> {
        self.resources.iter().filter_map(|r| r.id.clone()).collect()
    }

    /// The tags of a resource as sorted pairs.
    pub(super) fn tag_pairs(tags: &BTreeMap<String, String>) -> Vec<(String, String)> {
        tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl Model {
    /// Delete calls for every live resource the case created, in dependency order
    /// (children before parents: BGP peers, VIFs, associations, gateways, hosted
    /// connections, LAG members, LAGs, connections, interconnects), each made by the
    /// account that may delete it. Used where a target cannot be reset.
    pub fn teardown(&self) -> Vec<Call> {
        let mut calls: Vec<(usize, Call)> = self
            .resources
            .iter()
            .filter(|r| r.created && !r.deleted && r.delete_may_succeed())
            .filter_map(|r| {
                let id = r.id.as_deref()?;
                let (rank, operation, body) = r.kind.delete_call(id)?;
                // Hosted connections (40) and LAG members (50) go before other connections.
                let rank = match (r.kind, r.parent.map(|p| self.resource(p).kind)) {
                    (ResourceKind::Connection, Some(ResourceKind::Interconnect)) => 40,
                    (ResourceKind::Connection, Some(ResourceKind::Lag)) => 50,
                    _ => rank,
                };
                Some((
                    rank,
                    Call {
                        operation,
                        principal: r.owner,
                        body,
                    },
                ))
            })
            .collect();
        // Stable: within a rank, newest first.
        calls.reverse();
        calls.sort_by_key(|(rank, _)| *rank);
        calls.into_iter().map(|(_, c)| c).collect()
    }
}

impl ResourceKind {
    /// The call that deletes a resource of this kind, with its rank in the teardown
    /// order; `None` for kinds deleted with their parent.
    pub fn delete_call(self, id: &str) -> Option<(usize, &'static str, Value)> {
        let d = self.descriptor();
        Some((
            d.teardown?,
            d.deleting?,
            serde_json::json!({ d.id_member: id }),
        ))
    }
}
