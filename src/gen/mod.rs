//! Generation: proptest strategies for plans of valid operations over symbolic
//! resource handles. References to resources are indices resolved at execution
//! time ([`crate::model::HandleRef`]), so shrinking (dropping steps, shrinking
//! values) keeps every sequence meaningful. One file per resource family;
//! `plan.rs` weighs the families.

mod common;
mod connections;
mod gateways;
mod interconnects;
mod invalid;
mod lags;
mod malformed;
mod plan;
mod resiliency;
mod tags;
mod virtual_interfaces;

pub use common::{Pick, PickTree, Weighted, WeightedTree};
pub use plan::{plan, GenConfig};
