//! Generation: proptest strategies for plans of valid operations over symbolic
//! resource handles. References to resources are indices resolved at execution
//! time ([`crate::model::HandleRef`]), so shrinking (dropping steps, shrinking
//! values) keeps every sequence meaningful.

mod plan;

pub use plan::{plan, GenConfig};
