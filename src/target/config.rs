//! How to reach a target ([`TargetConfig`]), the defaults that depend on where it
//! points, and the one gate every launch passes ([`TargetConfig::validate`]): real
//! Direct Connect resources cost money, so a real endpoint is refused before
//! anything is sent unless the run opted in and allow-listed its accounts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{AllowList, RetryPolicy, WireOptions};
use crate::vocab::{AccountSelector, Accounts, Principal};

/// The kinds of target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// The reference target, started in-process on an ephemeral loopback port.
    Embedded,
    /// A moto server spawned from the project's virtualenv (or `--endpoint` to a running one).
    Moto,
    /// Real AWS through the standard credential chain.
    Aws,
    /// Any endpoint URL.
    Url,
}

/// How to reach a target.
#[derive(Debug, Clone)]
pub struct TargetConfig {
    /// Which kind.
    pub kind: TargetKind,
    /// Endpoint of an already running target (required for `Url`).
    pub endpoint: Option<String>,
    /// AWS region used for signing and expected in answers.
    pub region: String,
    /// Account of each principal.
    pub accounts: Accounts,
    /// How accounts are selected; `None` means the kind's default.
    pub selector: Option<AccountSelector>,
    /// Reset URL for `Url` targets (POSTed before each case).
    pub reset_url: Option<String>,
    /// moto_server executable (default: `$DXCONFORM_MOTO_SERVER`, `.venv/bin/moto_server`, PATH).
    pub moto_server: Option<PathBuf>,
    /// AWS profiles of the principals (for `Aws`).
    pub profiles: BTreeMap<Principal, String>,
    /// Wire options.
    pub wire: WireOptions,
    /// The opt-in a real endpoint needs; see [`TargetConfig::validate`].
    pub opt_in: RealAwsOptIn,
    /// Retries of throttles and 5xx, and the adaptive client-side rate.
    pub retry: RetryPolicy,
    /// How long a Describe missing a just-created resource is polled again before
    /// `model.visible` is reported (default zero; `--consistency-budget-ms`).
    pub consistency_budget: Duration,
    /// How resources in transitional states are waited for (`--wait-interval`,
    /// `--wait-timeout`; default: no waits).
    pub wait: WaitPolicy,
    /// The resource journal (`--journal`), written where the target cannot be reset.
    pub journal: Option<PathBuf>,
    /// The run id written into the journal (default: `run-<epoch>-<pid>`).
    pub run_id: Option<String>,
}

impl Default for TargetConfig {
    fn default() -> Self {
        TargetConfig {
            kind: TargetKind::Embedded,
            endpoint: None,
            region: "us-east-1".to_owned(),
            accounts: Accounts::default(),
            selector: None,
            reset_url: None,
            moto_server: None,
            profiles: BTreeMap::new(),
            wire: WireOptions::default(),
            opt_in: RealAwsOptIn::default(),
            retry: RetryPolicy::default(),
            consistency_budget: Duration::ZERO,
            wait: WaitPolicy::default(),
            journal: None,
            run_id: None,
        }
    }
}

/// How a case waits for a resource in a transitional state that AWS moves on its
/// own (a VIF `pending`, anything `deleting`): Describe is polled, first after
/// `interval`, then with backoff (×1.5, at most 4× `interval`), until the state
/// settles or `timeout` passes (then `model.liveness`). A zero interval: no waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaitPolicy {
    /// First pause between polls (default for AWS 10 s; loopback targets 50 ms).
    pub interval: Duration,
    /// Longest wait for one resource (default 600 s); with `adaptive`, the cap of
    /// the derived timeout.
    pub timeout: Duration,
    /// Derive the timeout from what the target has shown (`run::Pace::timeout`: a
    /// multiple of the slowest settle observed, with a floor, at most `timeout`):
    /// the default on loopback targets when `--wait-timeout` is not given. Real AWS
    /// keeps its fixed, long timeout.
    pub adaptive: bool,
}

impl WaitPolicy {
    /// Whether waits are on.
    pub fn enabled(self) -> bool {
        !self.interval.is_zero() && !self.timeout.is_zero()
    }
}

/// What a run must say before it may call a real endpoint (`--target aws` or any
/// non-loopback `--endpoint`): `--allow-real-aws` and an account allow-list naming
/// every account it acts as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RealAwsOptIn {
    /// `--allow-real-aws`.
    pub allow_real_aws: bool,
    /// `--allow-account` ids (repeatable), added to the file's list.
    pub allow_accounts: Vec<String>,
    /// `dxconform.toml` (its `allowed_accounts`), read only for a real endpoint and
    /// only when it exists.
    pub config_file: Option<PathBuf>,
    /// The run acts as the owner alone (`--one-account`), so the partner account
    /// need not be allowed. Off by default: both accounts must be.
    pub owner_only: bool,
}

/// A target configuration that must not be launched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// An account id is not 12 digits.
    #[error("{flag} must be 12 digits, got {id:?}")]
    Account {
        /// The flag that names the account.
        flag: &'static str,
        /// The id as given.
        id: String,
    },
    /// Owner and partner are the same account.
    #[error("--owner-account and --partner-account must differ")]
    SameAccounts,
    /// The endpoint is not an http(s) URL.
    #[error("invalid --endpoint {endpoint:?}: {reason}")]
    Endpoint {
        /// The endpoint as given.
        endpoint: String,
        /// Why it is refused.
        reason: String,
    },
    /// A real endpoint without `--allow-real-aws`.
    #[error("refusing to call a non-loopback endpoint or real AWS without --allow-real-aws (real Direct Connect resources cost money)")]
    RealAwsNotAllowed,
    /// The account allow-list cannot be read, or does not admit an account the run acts as.
    #[error("{0}")]
    AllowList(String),
}

fn is_account(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

impl TargetConfig {
    /// Whether this configuration points at real AWS: `--target aws`, or an endpoint
    /// that is not on loopback.
    pub fn is_real(&self) -> bool {
        self.kind == TargetKind::Aws
            || self
                .endpoint
                .as_deref()
                .is_some_and(|e| !super::is_loopback(e))
    }

    /// Whether the target keeps a journal of what runs create (and gets swept on
    /// Ctrl-C): one that cannot be reset, given a journal and a run id.
    pub fn keeps_journal(&self) -> bool {
        self.reset_url.is_none()
            && matches!(self.kind, TargetKind::Url | TargetKind::Aws)
            && self.journal.is_some()
            && self.run_id.is_some()
    }

    /// The waits this target needs when nothing says otherwise: real AWS moves
    /// states in minutes (first poll after 10 s, at most 600 s per resource); a
    /// loopback URL target at loopback pace (50 ms, and a timeout derived from the
    /// slowest settle it shows, 10 s to 60 s: [`WaitPolicy::adaptive`]); none on the
    /// deterministic embedded target and moto (their timeout stays 60 s, adaptive,
    /// for when waits are turned on).
    pub fn default_wait(&self) -> WaitPolicy {
        let real = self.is_real();
        let loopback_url = self.kind == TargetKind::Url && !real;
        let interval = if real {
            Duration::from_secs(10)
        } else if loopback_url {
            Duration::from_millis(50)
        } else {
            Duration::ZERO
        };
        let timeout = Duration::from_secs(if real { 600 } else { 60 });
        WaitPolicy {
            interval,
            timeout,
            adaptive: !real,
        }
    }

    /// How long a Describe missing a just-created resource is polled again when
    /// nothing says otherwise: 30 s on real AWS (eventually consistent), none elsewhere.
    pub fn default_consistency_budget(&self) -> Duration {
        Duration::from_millis(if self.is_real() { 30_000 } else { 0 })
    }

    /// Refuse a configuration that must not be launched: account ids that are not 12
    /// digits or are equal, an endpoint that is not an http(s) URL, and a real
    /// endpoint without the opt-in ([`RealAwsOptIn`]: `--allow-real-aws` and an
    /// allow-list holding every account the run acts as). [`super::LaunchedTarget::launch`]
    /// calls it first, so no library user can reach real AWS around it.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (flag, id) in [
            ("--owner-account", &self.accounts.owner),
            ("--partner-account", &self.accounts.partner),
        ] {
            if !is_account(id) {
                return Err(ConfigError::Account {
                    flag,
                    id: id.clone(),
                });
            }
        }
        if self.accounts.owner == self.accounts.partner {
            return Err(ConfigError::SameAccounts);
        }
        let real = self.is_real();
        if real {
            self.admit_real()?;
        }
        if let Some(endpoint) = &self.endpoint {
            let refused = |reason: String| ConfigError::Endpoint {
                endpoint: endpoint.clone(),
                reason,
            };
            let url = reqwest::Url::parse(endpoint).map_err(|e| refused(e.to_string()))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(refused("expected http:// or https://".to_owned()));
            }
        }
        Ok(())
    }

    /// The real-AWS gate: the opt-in flag, then the allow-list.
    fn admit_real(&self) -> Result<(), ConfigError> {
        let opt_in = &self.opt_in;
        if !opt_in.allow_real_aws {
            return Err(ConfigError::RealAwsNotAllowed);
        }
        let no_file = PathBuf::new();
        let file = opt_in.config_file.as_ref().unwrap_or(&no_file);
        let list = AllowList::load(&opt_in.allow_accounts, file).map_err(ConfigError::AllowList)?;
        let mut used = vec![("owner", self.accounts.owner.as_str())];
        if !opt_in.owner_only {
            used.push(("partner", self.accounts.partner.as_str()));
        }
        list.admit(&used).map_err(ConfigError::AllowList)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(endpoint: &str) -> TargetConfig {
        TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(endpoint.to_owned()),
            ..TargetConfig::default()
        }
    }

    #[test]
    fn the_gate_refuses_a_real_endpoint_without_the_opt_in() {
        let config = real("https://directconnect.example.com");
        assert!(config.is_real());
        assert_eq!(config.validate(), Err(ConfigError::RealAwsNotAllowed));
        let aws = TargetConfig {
            kind: TargetKind::Aws,
            ..TargetConfig::default()
        };
        assert_eq!(aws.validate(), Err(ConfigError::RealAwsNotAllowed));
        // Loopback needs no opt-in.
        assert_eq!(real("http://127.0.0.1:4566").validate(), Ok(()));
    }

    #[test]
    fn the_gate_wants_every_account_the_run_acts_as_allowed() {
        let mut config = real("https://directconnect.example.com");
        config.opt_in.allow_real_aws = true;
        let err = config.validate().unwrap_err();
        assert!(err.to_string().contains("allow-list"), "{err}");
        config.opt_in.allow_accounts = vec![config.accounts.owner.clone()];
        let err = config.validate().unwrap_err();
        assert!(err.to_string().contains("partner account"), "{err}");
        config.opt_in.owner_only = true;
        assert_eq!(config.validate(), Ok(()));
        config.opt_in.owner_only = false;
        config
            .opt_in
            .allow_accounts
            .push(config.accounts.partner.clone());
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn launch_refuses_what_validate_refuses_before_sending_anything() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Nothing listens there: a launch that got past the gate would still succeed
        // (launching sends nothing), so the refusal is the gate's.
        let config = real("https://203.0.113.7:9");
        let launched = runtime.block_on(super::super::LaunchedTarget::launch(&config, None));
        assert!(matches!(
            launched,
            Err(super::super::TargetError::Refused(
                ConfigError::RealAwsNotAllowed
            ))
        ));
    }

    #[test]
    fn accounts_and_endpoints_are_checked() {
        let mut config = TargetConfig::default();
        config.accounts.partner = config.accounts.owner.clone();
        assert_eq!(config.validate(), Err(ConfigError::SameAccounts));
        config.accounts.partner = "12".to_owned();
        assert!(matches!(
            config.validate(),
            Err(ConfigError::Account {
                flag: "--partner-account",
                ..
            })
        ));
        let ftp = real("ftp://127.0.0.1/");
        assert!(matches!(ftp.validate(), Err(ConfigError::Endpoint { .. })));
    }

    #[test]
    fn waits_default_by_where_the_target_is() {
        let aws = real("https://directconnect.example.com");
        assert_eq!(aws.default_wait().interval, Duration::from_secs(10));
        assert_eq!(aws.default_wait().timeout, Duration::from_secs(600));
        assert!(
            !aws.default_wait().adaptive,
            "real AWS keeps its long timeout"
        );
        assert_eq!(aws.default_consistency_budget(), Duration::from_secs(30));
        let loopback = real("http://127.0.0.1:4566");
        assert_eq!(loopback.default_wait().interval, Duration::from_millis(50));
        assert!(loopback.default_wait().adaptive);
        assert_eq!(loopback.default_wait().timeout, Duration::from_secs(60));
        let embedded = TargetConfig::default();
        assert!(!embedded.default_wait().enabled());
        assert_eq!(embedded.default_wait().timeout, Duration::from_secs(60));
        assert_eq!(embedded.default_consistency_budget(), Duration::ZERO);
    }
}
