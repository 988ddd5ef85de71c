//! Cassettes: recorded runs and what is done with them. `dxconform run --record DIR`
//! writes every exchange of a run with generated ids, accounts, request ids and
//! timestamps replaced by stable references; `dxconform parity` replays a cassette
//! against another target and reports `parity.*` differences; `dxconform check`
//! validates captured exchanges (single answers, cassettes, NDJSON, HAR) offline.
//!
//! This layer reads `run`, `check`, `model` and `target`; it never renders run
//! reports (its own parity Markdown is rendered here, from its own outcome).

mod error;
mod format;
mod markdown;
mod normalize;
mod offline;
mod parity;
mod record;
mod replay;

pub use error::CassetteError;
pub use format::{
    Cassette, KnownVariance, RecordedCase, RecordedExchange, CASSETTE_FILE, CASSETTE_FORMAT,
};
pub use markdown::parity_markdown;
pub use normalize::{materialize, Refs};
pub use offline::{check_offline, Captured, OfflineInput, OfflineOutcome, OFFLINE_CHECKS};
pub use parity::{diff, ParityCheck, PARITY_CHECKS};
pub use record::record;
pub use replay::{parity, ParityOutcome};
