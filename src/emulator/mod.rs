//! The reference target: Direct Connect as AWS documents it, in memory and
//! deterministic. `dxconform run` starts it in-process on an ephemeral loopback
//! port by default; `dxconform serve --port N` runs it standalone.
//!
//! It owns the awsJson 1.1 protocol surface, accounts, resources and their
//! lifecycles. It depends on `crate::spec` only and must never use the harness's
//! model: the oracle cannot grade itself.
//!
//! Layout: `server` (HTTP accept loop, routing), `protocol` (awsJson decoding and
//! rendering), `auth` (SigV4 header form, caller account), `dispatch` (operation
//! table, input validation), `input` (violation → error mapping), one file per
//! resource family (`connections`, `interconnects` with hosted connections, `lags`
//! with MACsec keys and LOAs, `tags`, `locations`, …), and the shared pieces
//! (`world`, `store`, `ids`, `arn`, `paging`, `clock`, `progress`, `config`, `error`,
//! `api_error`). `mutants` is the fault-injection layer that plants one deliberate
//! deviation (`--mutant NAME`) around the faithful dispatch. `profile` holds the
//! `aws` profile: real AWS's timing and publicly documented quirks, each a knob
//! (`Quirks`), off in the default `faithful` profile.

mod api_error;
mod arn;
mod auth;
mod clock;
mod config;
mod connections;
mod dispatch;
mod error;
mod gateways;
mod ids;
mod input;
mod interconnects;
mod knobs;
mod lags;
mod locations;
mod mutants;
mod paging;
mod port;
mod profile;
mod progress;
mod protocol;
mod resiliency;
mod server;
mod store;
mod tags;
#[cfg(test)]
mod testing;
mod virtual_interfaces;
mod world;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::EmulatorConfig;
pub use error::ServeError;
pub use mutants::{mutant, Mutant, MUTANTS};
pub use profile::{
    InvalidTimeScale, KnobOverrides, Profile, ProfileError, Quirks, TimeScale, UnknownProfile,
    UnknownQuirk, SWITCHES as QUIRK_SWITCHES,
};
pub use server::{Emulator, ACCOUNTS_PATH, QUIRKS_PATH, RESET_PATH};

use api_error::ApiError;
use world::World;
