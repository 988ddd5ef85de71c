//! The vocabulary every layer speaks: who calls ([`Principal`], [`Accounts`], how a
//! target tells accounts apart), one call as it crossed the wire ([`Exchange`]) and
//! its classified [`Outcome`], and the ways a request's framing can be broken
//! ([`Malformation`]).
//!
//! It depends on nothing in the crate, so the model, the generators, the checks and
//! the target layer can all share it without reaching into one another.

mod check_id;
mod exchange;
mod malformation;
mod principal;

pub use check_id::{CheckId, UnknownCheckId};
pub use exchange::{classify, Exchange, Outcome, TransportKind};
pub use malformation::{Malformation, Signature};
pub use principal::{AccountSelector, Accounts, Principal};

/// Where the reference target takes `POST` resets (all accounts, or only those of
/// a JSON body `{"accounts": […]}`): what its server serves and what the target
/// layer calls, so a reset URL ending in it can reset single accounts.
pub const REFERENCE_RESET_PATH: &str = "/dxconform/reset";

/// The request member that carries the new virtual interface of a create
/// (`allocate` false) or allocate call of `vif_type` (`private`, `public`, anything
/// else: transit): what the model sends and what the reference target reads.
pub fn new_vif_member(vif_type: &str, allocate: bool) -> &'static str {
    match (allocate, vif_type) {
        (false, "private") => "newPrivateVirtualInterface",
        (false, "public") => "newPublicVirtualInterface",
        (false, _) => "newTransitVirtualInterface",
        (true, "private") => "newPrivateVirtualInterfaceAllocation",
        (true, "public") => "newPublicVirtualInterfaceAllocation",
        (true, _) => "newTransitVirtualInterfaceAllocation",
    }
}

/// An error and its sources, as one line ("client error (Connect): tcp connect
/// error: Connection refused").
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
