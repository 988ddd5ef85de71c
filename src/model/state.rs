//! The model's state for one case and its three questions: what request does a
//! step make, what answer is predicted, and what was learned from the answer.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Handle, HandleRef, Prediction, Resource, ResourceKind, Step};
use crate::target::{Accounts, Outcome, Principal};

/// Facts about the target that plans are resolved against.
#[derive(Debug, Clone)]
pub struct Env {
    /// Region the target answers for.
    pub region: String,
    /// Accounts of the principals.
    pub accounts: Accounts,
    /// Location codes usable for new connections (from DescribeLocations, or a built-in list).
    pub locations: Vec<String>,
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
}

impl Model {
    /// A model with no resources.
    pub fn new(env: Env) -> Model {
        Model {
            env,
            resources: Vec::new(),
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
        let created: Vec<Handle> = self
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == kind && r.id.is_some())
            .map(|(i, _)| Handle(i as u32))
            .collect();
        if created.is_empty() {
            return None;
        }
        Some(created[reference.0 as usize % created.len()])
    }

    /// The ARN of a created resource.
    pub fn arn(&self, handle: Handle) -> Option<String> {
        let r = self.resource(handle);
        Some(format!(
            "arn:aws:directconnect:{}:{}:{}/{}",
            self.env.region,
            self.env.accounts.of(r.owner),
            r.kind.arn_segment(),
            r.id.as_deref()?
        ))
    }

    /// The request a step makes and the predicted answer; `None` when the step
    /// cannot be made (it refers to a resource the case does not have) and is skipped.
    pub fn call(&self, step: &Step) -> Option<(Call, Prediction)> {
        let (body, prediction) = match step {
            Step::Connection(s) => self.predict_connection(s),
            Step::Tags(s) => self.predict_tags(s),
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
    /// record deletions, renames and tag changes.
    pub fn observe(&mut self, step: &Step, prediction: &Prediction, outcome: &Outcome) {
        if let Outcome::Success(body) = outcome {
            self.narrow_states(prediction, body);
        }
        match step {
            Step::Connection(s) => self.apply_connection(s, prediction, outcome),
            Step::Tags(s) => self.apply_tags(s, outcome),
        }
    }

    /// Narrow each located resource's possible states to what its observed state can reach.
    fn narrow_states(&mut self, prediction: &Prediction, body: &Value) {
        for expectation in &prediction.resources {
            if expectation.id.is_none() || expectation.states.is_empty() {
                continue;
            }
            let Some((_, item)) = prediction.locate(expectation, body) else {
                continue;
            };
            let lifecycle = expectation.kind.lifecycle();
            let observed = item
                .get(expectation.kind.state_member())
                .and_then(Value::as_str)
                .and_then(|s| lifecycle.index(s));
            if let Some(index) = observed {
                let r = self.resource_mut(expectation.handle);
                r.possible = lifecycle.closure(super::StateSet(1 << index));
            }
        }
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

impl ResourceKind {
    /// The member holding the state in this kind's output shape.
    pub fn state_member(self) -> &'static str {
        match self {
            ResourceKind::Connection => "connectionState",
        }
    }

    /// The member holding the id.
    pub fn id_member(self) -> &'static str {
        match self {
            ResourceKind::Connection => "connectionId",
        }
    }
}
