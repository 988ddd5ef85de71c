//! The API specification layer: the compact Direct Connect specification generated
//! from botocore's service model (`specs/directconnect.json`), shape look-ups, and
//! validation of raw JSON against a shape with precise JSON paths.
//!
//! This layer knows nothing about lifecycles, targets or findings: it answers
//! "what does the API declare" and "where does this JSON break the declaration".

mod error;
mod model;
mod validate;

pub use error::SpecError;
pub use model::{Member, Operation, Shape, ShapeType, Source, Spec};
pub use validate::{Violation, ViolationKind};
