//! dxconform: a property-based conformance harness for the AWS Direct Connect API.
//!
//! Layers (see `docs/architecture.md`): [`spec`] ← [`model`] ← [`gen`]; [`check`]
//! reads spec and model; [`target`] reaches endpoints; [`run`] drives cases,
//! shrinking and replay; [`report`] renders run output; [`emulator`] is the
//! reference target and depends on [`spec`] only.
#![deny(missing_docs)]

pub mod bench;
pub mod cassette;
pub mod check;
pub mod cli;
pub mod emulator;
pub mod exit_code;
pub mod gen;
pub mod model;
pub mod report;
pub mod run;
pub mod spec;
pub mod target;
pub mod vocab;
