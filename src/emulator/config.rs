//! Configuration of the reference target: region, simulated provisioning delay and
//! the account that callers without an identity act as.

use std::time::Duration;

use super::{Quirks, ServeError};

/// How the reference target behaves. Built by `dxconform run` (embedded target) and
/// `dxconform serve`; `Default` gives the values documented on each field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// The AWS Region the target pretends to be. It appears in every resource, in
    /// ARNs, selects the Direct Connect locations, and must be the region of the
    /// SigV4 credential scope. Default `us-east-1`.
    pub region: String,
    /// Simulated provisioning time: a connection is `requested` for one delay after
    /// its creation, then `pending` for one more, then `available`. With the default
    /// of zero a new connection is `available` at its first observation (the create
    /// response itself always says `requested`, as AWS does).
    pub async_delay: Duration,
    /// The 12-digit account of callers whose access key id is not an account id and
    /// who send no `x-dxconform-account-id` header. Default `111111111111`.
    pub default_account: String,
    /// A mutant to plant (see `dxconform mutants --list`); `None` for the faithful target.
    pub mutant: Option<String>,
    /// Added to every API answer (default zero; `--latency-ms`).
    pub latency: Duration,
    /// Requests per second beyond which API calls are answered with 400
    /// ThrottlingException (default 0: no throttling; `--throttle-rps`).
    pub throttle_rps: u32,
    /// How long a created resource is missing from Describe* lists (default zero;
    /// `--consistency-lag-ms`).
    pub consistency_lag: Duration,
    /// Quirks of real AWS to play (default: none; `--profile aws` turns them all on).
    pub quirks: Quirks,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            region: "us-east-1".to_owned(),
            async_delay: Duration::ZERO,
            default_account: "111111111111".to_owned(),
            mutant: None,
            latency: Duration::ZERO,
            throttle_rps: 0,
            consistency_lag: Duration::ZERO,
            quirks: Quirks::default(),
        }
    }
}

/// Whether `text` is an AWS account id (exactly 12 ASCII digits).
pub(super) fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

impl EmulatorConfig {
    /// Reject settings the target could not honour, before anything is bound.
    pub(super) fn check(&self) -> Result<(), ServeError> {
        let invalid = |reason: String| Err(ServeError::InvalidConfig { reason });
        let region_ok = !self.region.is_empty()
            && self
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !region_ok {
            return invalid(format!(
                "region {:?} is not an AWS region name",
                self.region
            ));
        }
        if !is_account_id(&self.default_account) {
            return invalid(format!(
                "default account {:?} is not a 12-digit account id",
                self.default_account
            ));
        }
        if !self.quirks.associating.is_zero() && self.async_delay.is_zero() {
            // Without a clock, states move one edge per Describe: a duration would mean nothing.
            return invalid(format!(
                "a gateway association held `associating` for {:?} needs clock-driven states: set an asynchronous delay above zero",
                self.quirks.associating
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let config = EmulatorConfig::default();
        assert_eq!(config.region, "us-east-1");
        assert_eq!(config.async_delay, Duration::ZERO);
        assert_eq!(config.default_account, "111111111111");
        assert!(config.check().is_ok());
    }

    #[test]
    fn rejects_bad_region_and_account() {
        let bad_region = EmulatorConfig {
            region: "US East".to_owned(),
            ..EmulatorConfig::default()
        };
        assert!(bad_region.check().is_err());
        let bad_account = EmulatorConfig {
            default_account: "12345".to_owned(),
            ..EmulatorConfig::default()
        };
        assert!(bad_account.check().is_err());
        let held_without_clock = EmulatorConfig {
            quirks: Quirks {
                associating: Duration::from_secs(1),
                ..Quirks::default()
            },
            ..EmulatorConfig::default()
        };
        let err = held_without_clock.check().unwrap_err().to_string();
        assert!(err.contains("asynchronous delay"), "{err}");
        assert!(EmulatorConfig {
            async_delay: Duration::from_millis(1),
            ..held_without_clock
        }
        .check()
        .is_ok());
        assert!(is_account_id("000000000000"));
        assert!(!is_account_id("00000000000a"));
    }
}
