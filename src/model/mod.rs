//! The lifecycle model: Direct Connect resources, their possible-state sets and
//! asynchronous successor edges, and the prediction for each operation.
//!
//! The model never looks at a target. It turns a symbolic [`Step`] into a
//! request, predicts what a conformant answer looks like ([`Prediction`]), and
//! narrows its knowledge from what was observed ([`Model::observe`]). Every
//! lifecycle fact cites its source (the API reference, the service model, or
//! published outputs of real calls, collected in LIFECYCLE facts below).

mod connections;
mod coverage;
mod descriptor;
mod gateways;
mod interconnects;
mod invalid;
mod lags;
mod lifecycle;
mod malformed;
mod prediction;
mod resiliency;
mod resource;
mod run_tag;
mod secret;
mod single;
mod state;
mod step;
mod tags;
#[cfg(test)]
pub(crate) mod testing;
mod view;
mod virtual_interfaces;

pub use coverage::NOT_MODELLED;
pub use descriptor::{ResourceDescriptor, SettlingState, DESCRIPTORS};
pub use invalid::{
    apply_edits, rules, Edit, InvalidStep, Rejection, Rule, PROTOCOL_ERRORS, SERIALIZATION_ERROR,
};
pub use lifecycle::{Lifecycle, StateSet, CONNECTION, LIFECYCLES};
pub use malformed::{Malformed, MalformedStep, MangledId, UNKNOWN_MEMBER};
pub use prediction::{Basis, Expect, Expectation, ListSpec, Prediction, StateCheck, Visibility};
pub use resource::{Handle, HandleRef, Resource, ResourceKind, Tag};
pub use run_tag::{with_run_tag, RUN_TAG_KEY};
pub use single::SINGLE_OPERATIONS;
pub use state::{Call, Env, Model, ObservedEdge};
pub use step::{
    AddressFamily, ConnectionStep, FamilyStep, GatewayStep, InterconnectStep, LagStep, NewBgpPeer,
    NewVif, Plan, ResiliencyStep, Step, TagStep, VifStep, MALFORMED_RULE_PREFIX,
};
pub use tags::MAX_TAGS;
pub use virtual_interfaces::{other_principal, MAX_TEST_MINUTES};
