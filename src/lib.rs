//! dxconform: a property-based conformance harness for the AWS Direct Connect API.
//!
//! Layers (see `docs/architecture.md`), bottom first; each may use only the layers
//! [`LAYERS`] lists for it, and `tests/layers.rs` fails when one reaches further:
//! [`spec`] (the service model) ← [`vocab`] (principals, exchanges, outcomes,
//! malformations) ← [`model`] (lifecycles, predictions) ← [`gen`] (plans);
//! [`check`] reads spec, vocab and model; [`target`] reaches endpoints and knows only
//! vocab and spec; [`emulator`] is the reference target and knows only spec and vocab
//! (the oracle must not grade itself); [`run`] drives cases, shrinking and replay;
//! [`report`] renders run output; [`cassette`] and [`bench`] build on run; [`cli`] on all.
#![deny(missing_docs)]

/// Merge another set of counters into `self`, field by field: `sum` fields add up,
/// `max` fields keep the larger. For statistics summed over cases and partition shares.
macro_rules! merge_counts {
    ($self:ident, $other:ident; sum: $($sum:ident),+ $(; max: $($max:ident),+)?) => {{
        $($self.$sum += $other.$sum;)+
        $($($self.$max = $self.$max.max($other.$max);)+)?
    }};
}

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

/// The layer graph: each layer (a module under `src/`) with the layers it may use.
/// One home for the picture in `docs/architecture.md`; `tests/layers.rs` reads every
/// source file and fails on a `crate::` path into a layer not listed here.
pub const LAYERS: &[(&str, &[&str])] = &[
    ("spec", &[]),
    ("vocab", &["spec"]),
    ("exit_code", &[]),
    ("model", &["spec", "vocab"]),
    ("gen", &["spec", "vocab", "model"]),
    ("check", &["spec", "vocab", "model"]),
    ("target", &["spec", "vocab"]),
    ("emulator", &["spec", "vocab"]),
    (
        "run",
        &[
            "spec", "vocab", "model", "gen", "check", "target", "emulator",
        ],
    ),
    (
        "report",
        &["spec", "vocab", "model", "check", "target", "run"],
    ),
    (
        "cassette",
        &[
            "spec", "vocab", "model", "gen", "check", "target", "emulator", "run",
        ],
    ),
    (
        "bench",
        &[
            "spec", "vocab", "target", "run", "emulator", "report", "cassette",
        ],
    ),
    (
        "cli",
        &[
            "spec",
            "vocab",
            "model",
            "gen",
            "check",
            "target",
            "emulator",
            "run",
            "report",
            "cassette",
            "bench",
            "exit_code",
        ],
    ),
];
