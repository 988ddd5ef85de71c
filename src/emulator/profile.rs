//! Profiles of the reference target and the quirks of real AWS it can play.
//!
//! - `faithful` (the default): Direct Connect as AWS documents it; every realism knob
//!   and every quirk off, so every existing run and committed report is unchanged.
//! - `aws`: what real Direct Connect is publicly seen to do besides: latency,
//!   throttling, eventual consistency, minutes-long asynchronous states, and the
//!   surprising answers of docs/aws-quirks.md, each one knob of [`Quirks`] with its
//!   source beside it.
//!
//! The `aws` profile's durations are AWS-sized (minutes). A [`TimeScale`] multiplies
//! every duration and divides every rate, so a CI run plays the same behaviours in
//! the same order, faster: at scale 0.001 a 45-minute `associating` lasts 2.7 s, and
//! the 5 requests per second of the throttle become 5000. Explicit knobs set after the
//! profile (the `serve`/`run` flags) are taken as given, unscaled.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use super::EmulatorConfig;

/// Which behaviour the reference target starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Direct Connect as AWS documents it (the default).
    #[default]
    Faithful,
    /// Real AWS's timing and publicly documented quirks (docs/aws-quirks.md).
    Aws,
}

impl Profile {
    /// Every profile, in `--profile` order.
    pub const ALL: [Profile; 2] = [Profile::Faithful, Profile::Aws];

    /// Its `--profile` name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Faithful => "faithful",
            Profile::Aws => "aws",
        }
    }

    /// The configuration this profile starts from, its durations and rates played at
    /// `scale` (region, default account and mutant as `EmulatorConfig::default`).
    pub fn config(self, scale: TimeScale) -> EmulatorConfig {
        match self {
            Profile::Faithful => EmulatorConfig::default(),
            Profile::Aws => EmulatorConfig {
                // assumed: AWS documents no latency for Direct Connect calls; a few
                // hundred milliseconds is what a control-plane API answers in.
                latency: scale.duration(AWS_LATENCY),
                // assumed: AWS documents no request rate for the Direct Connect API (its
                // quotas page lists resource counts only, and no public issue quotes a
                // rate); answers beyond it are 400 ThrottlingException "Rate exceeded", the
                // answer AWS JSON services give (retried by every SDK).
                throttle_rps: scale.rate(AWS_THROTTLE_RPS),
                // assumed: reads are eventually consistent (the SDKs' waiters poll for
                // that reason); AWS documents no bound.
                consistency_lag: scale.duration(AWS_CONSISTENCY_LAG),
                // assumed: each asynchronous state lasts a minute; terraform-provider-aws's
                // waiters give a VIF create, a gateway create and a connection confirm
                // 10 minutes (internal/service/directconnect wait.go).
                async_delay: scale.duration(AWS_ASYNC_DELAY),
                quirks: Quirks::aws(scale),
                ..EmulatorConfig::default()
            },
        }
    }
}

/// AWS-sized values of the `aws` profile (before scaling).
const AWS_LATENCY: Duration = Duration::from_millis(200);
const AWS_THROTTLE_RPS: u32 = 5;
const AWS_CONSISTENCY_LAG: Duration = Duration::from_secs(2);
const AWS_ASYNC_DELAY: Duration = Duration::from_secs(60);
/// terraform-provider-aws #9225 and #14328: an association `associating` for more
/// than 45 minutes.
const AWS_ASSOCIATING: Duration = Duration::from_secs(45 * 60);
/// assumed: how long Describe keeps a gone record (the provider's finders treat one
/// found `deleted`/`rejected`/`disassociated` as not found: it stays "for a while").
const AWS_GONE_RETENTION: Duration = Duration::from_secs(10 * 60);
/// assumed: how many confirmed hosted connections in each go `down` (#26565 reports
/// it, not how often).
const AWS_HOSTED_DOWN_ONE_IN: u32 = 3;

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?}: one of faithful, aws")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == text)
            .ok_or_else(|| UnknownProfile(text.to_owned()))
    }
}

/// A factor on a profile's durations (and the inverse on its rates): 1 plays AWS's
/// minutes as minutes, 0.001 as milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeScale(f64);

/// A time scale that cannot be played.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("time scale {0} must be a number above 0 and at most 1")]
pub struct InvalidTimeScale(pub f64);

impl TimeScale {
    /// Real time.
    pub const REAL: TimeScale = TimeScale(1.0);

    /// A scale in (0, 1]: faster than AWS or as fast, never slower (a slower clock
    /// would only make runs longer) and never zero (that would remove the behaviours).
    pub fn new(factor: f64) -> Result<TimeScale, InvalidTimeScale> {
        if factor.is_finite() && factor > 0.0 && factor <= 1.0 {
            Ok(TimeScale(factor))
        } else {
            Err(InvalidTimeScale(factor))
        }
    }

    /// The factor.
    pub fn factor(self) -> f64 {
        self.0
    }

    /// `aws` played at this scale (never rounded down to zero: a behaviour stays on).
    pub fn duration(self, aws: Duration) -> Duration {
        aws.mul_f64(self.0).max(Duration::from_micros(1))
    }

    /// A rate of `aws` per second played at this scale.
    pub fn rate(self, aws: u32) -> u32 {
        let scaled = (f64::from(aws) / self.0).round();
        if scaled >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            scaled as u32
        }
    }
}

impl Default for TimeScale {
    fn default() -> Self {
        TimeScale::REAL
    }
}

/// The quirks of real AWS the reference target can play, each off by default (the
/// faithful target). docs/aws-quirks.md gives each one's source and verdict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quirks {
    /// How long a new gateway association stays `associating` (terraform-provider-aws
    /// #9225, #14328: more than 15 and even 45 minutes; the provider's default timeout
    /// was raised to 30 minutes). Zero: one asynchronous delay, as every other state.
    /// Needs a clock (`async_delay` above zero).
    pub associating: Duration,
    /// One confirmed hosted connection in this many (by id) goes `pending ⇢ down`
    /// instead of `available` (terraform-provider-aws #26565). Zero: none.
    pub hosted_down_one_in: u32,
    /// An allocated hosted VIF, answered `confirming`, then reports `approving` for
    /// one asynchronous delay from its allocation (one Describe without a clock), a
    /// state not in the published enum, then `confirming` again (terraform-provider-aws #11594: the
    /// waiter after the allocation met "unexpected state 'approving', wanted target
    /// 'available, confirming, down'"). While approving it can be confirmed or
    /// deleted as a confirming one.
    pub approving_hosted_vifs: bool,
    /// Unset id references in VIF answers come as empty strings:
    /// `"virtualGatewayId": ""`, `"directConnectGatewayId": ""` (published aws-cli
    /// output of allocate-transit-virtual-interface [outputs]).
    pub empty_string_references: bool,
    /// How long Describe keeps listing a `deleted`, `rejected` or `disassociated`
    /// record after it first showed it gone; then it is left out of the answer
    /// (terraform-provider-aws finders treat such records as not found, and its VIF
    /// delete waiter counts an empty Describe as deleted). `None`: kept for ever.
    pub gone_retention: Option<Duration>,
    /// ConfirmConnection on a connection that is not `ordering` fails with AWS's
    /// words: "ConfirmConnection failed. dxcon-… is in state requested" (aws-sdk-go
    /// #2717).
    pub confirm_names_state: bool,
    /// Creating or allocating a VIF on a connection that is not yet `available` (or
    /// `down`) fails: "The specified Connection ID is not available"
    /// (equinix/terraform-provider-equinix #26; terraform-provider-aws #3252, #3956).
    pub vif_needs_available_connection: bool,
    /// Deleting a connection, LAG, interconnect, VIF, gateway or association that is
    /// already gone answers DirectConnectClientException "Could not find … with ID …"
    /// (terraform-provider-aws sources: its deletes treat "does not exist" and "Could
    /// not find" client exceptions as already gone).
    pub deleted_not_found: bool,
}

impl Quirks {
    /// Every quirk on, with AWS-sized durations played at `scale`.
    pub fn aws(scale: TimeScale) -> Quirks {
        Quirks {
            associating: scale.duration(AWS_ASSOCIATING),
            hosted_down_one_in: AWS_HOSTED_DOWN_ONE_IN,
            approving_hosted_vifs: true,
            empty_string_references: true,
            gone_retention: Some(scale.duration(AWS_GONE_RETENTION)),
            confirm_names_state: true,
            vif_needs_available_connection: true,
            deleted_not_found: true,
        }
    }

    /// Whether a confirmed hosted connection with this id `seed` goes down.
    pub(super) fn hosted_goes_down(&self, seed: u32) -> bool {
        self.hosted_down_one_in > 0 && seed % self.hosted_down_one_in == 0
    }

    /// Turn the quirk `name` on or off.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), UnknownQuirk> {
        let (_, field) = SWITCHES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| UnknownQuirk {
                name: name.to_owned(),
                known: SWITCHES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        *field(self) = on;
        Ok(())
    }
}

/// The switch of one on/off quirk in [`Quirks`].
pub type Switch = fn(&mut Quirks) -> &mut bool;

/// The on/off quirks by their `--quirk` names (`dxconform serve --quirk NAME`).
pub const SWITCHES: &[(&str, Switch)] = &[
    (played::APPROVING, |q| &mut q.approving_hosted_vifs),
    (played::EMPTY_REFERENCES, |q| &mut q.empty_string_references),
    (played::CONFIRM_NAMES_STATE, |q| &mut q.confirm_names_state),
    (played::VIF_NEEDS_AVAILABLE, |q| {
        &mut q.vif_needs_available_connection
    }),
    (played::DELETED_NOT_FOUND, |q| &mut q.deleted_not_found),
];

/// A `--quirk` name that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown quirk {name:?}: one of {known}")]
pub struct UnknownQuirk {
    /// The name given.
    pub name: String,
    /// The known names, comma-separated.
    pub known: String,
}

/// What the knobs and quirks did, by name, since the target started (`GET
/// /dxconform/quirks`): so a test or a user can see that a profile's behaviours were
/// played, not only configured.
#[derive(Debug, Default)]
pub(super) struct Tally(Mutex<BTreeMap<&'static str, u64>>);

impl Tally {
    /// Count one `name`.
    pub(super) fn add(&self, name: &'static str) {
        self.add_n(name, 1);
    }

    /// Count `n` of `name`.
    pub(super) fn add_n(&self, name: &'static str, n: u64) {
        if n > 0 {
            let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
            *counts.entry(name).or_default() += n;
        }
    }

    /// The counts so far.
    pub(super) fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The names [`Tally`] counts; an on/off quirk's is also its `--quirk` name.
pub(super) mod played {
    /// An API call answered 400 ThrottlingException (`throttle_rps`).
    pub const THROTTLED: &str = "throttled";
    /// A new resource left out of a Describe list (`consistency_lag`).
    pub const HIDDEN_BY_LAG: &str = "hidden-by-consistency-lag";
    /// A gone record left out of a Describe list (`Quirks::gone_retention`).
    pub const GONE_DROPPED: &str = "gone-record-dropped";
    /// An unset VIF reference answered `""` (`Quirks::empty_string_references`).
    pub const EMPTY_REFERENCES: &str = "empty-string-references";
    /// A VIF allocated to pass through `approving` (`Quirks::approving_hosted_vifs`).
    pub const APPROVING: &str = "approving-hosted-vifs";
    /// A confirmed hosted connection set to go down (`Quirks::hosted_down_one_in`).
    pub const HOSTED_DOWN: &str = "hosted-connection-down";
    /// An association seen `associating` past one asynchronous delay (`Quirks::associating`).
    pub const ASSOCIATING_HELD: &str = "associating-held";
    /// ConfirmConnection refused in AWS's words (`Quirks::confirm_names_state`).
    pub const CONFIRM_NAMES_STATE: &str = "confirm-names-state";
    /// A VIF refused on a connection not yet available (`Quirks::vif_needs_available_connection`).
    pub const VIF_NEEDS_AVAILABLE: &str = "vif-needs-available-connection";
    /// A delete of what is gone answered "Could not find" (`Quirks::deleted_not_found`).
    pub const DELETED_NOT_FOUND: &str = "deleted-not-found";
}

/// Knobs set one by one over a profile's configuration; `None` keeps the profile's
/// value. Values are taken as given (not time-scaled).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnobOverrides {
    /// `EmulatorConfig::async_delay`.
    pub async_delay: Option<Duration>,
    /// `EmulatorConfig::latency`.
    pub latency: Option<Duration>,
    /// `EmulatorConfig::throttle_rps` (0: off).
    pub throttle_rps: Option<u32>,
    /// `EmulatorConfig::consistency_lag`.
    pub consistency_lag: Option<Duration>,
    /// `Quirks::associating`.
    pub associating: Option<Duration>,
    /// `Quirks::hosted_down_one_in` (0: none).
    pub hosted_down_one_in: Option<u32>,
    /// `Quirks::gone_retention`; zero keeps gone records for ever.
    pub gone_retention: Option<Duration>,
    /// Quirks turned on, by `SWITCHES` name.
    pub quirks_on: Vec<String>,
    /// Quirks turned off, by `SWITCHES` name (after those turned on).
    pub quirks_off: Vec<String>,
}

/// Why a profile and its knobs cannot make a configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// The time scale is out of range.
    #[error(transparent)]
    TimeScale(#[from] InvalidTimeScale),
    /// A quirk name is unknown.
    #[error(transparent)]
    Quirk(#[from] UnknownQuirk),
    /// The knobs together cannot be honoured (e.g. a held `associating` without a clock).
    #[error("{0}")]
    Combination(String),
}

impl KnobOverrides {
    /// Whether any knob is set.
    pub fn any(&self) -> bool {
        *self != KnobOverrides::default()
    }

    /// `profile` at time scale `scale` (a factor in (0, 1]), with these knobs over it;
    /// checked as the target will check it before it starts.
    pub fn configure(&self, profile: Profile, scale: f64) -> Result<EmulatorConfig, ProfileError> {
        let mut config = profile.config(TimeScale::new(scale)?);
        let set = |value: Option<Duration>, field: &mut Duration| {
            if let Some(value) = value {
                *field = value;
            }
        };
        set(self.async_delay, &mut config.async_delay);
        set(self.latency, &mut config.latency);
        set(self.consistency_lag, &mut config.consistency_lag);
        set(self.associating, &mut config.quirks.associating);
        if let Some(rps) = self.throttle_rps {
            config.throttle_rps = rps;
        }
        if let Some(n) = self.hosted_down_one_in {
            config.quirks.hosted_down_one_in = n;
        }
        if let Some(retention) = self.gone_retention {
            config.quirks.gone_retention = (!retention.is_zero()).then_some(retention);
        }
        for name in &self.quirks_on {
            config.quirks.set(name, true)?;
        }
        for name in &self.quirks_off {
            config.quirks.set(name, false)?;
        }
        config
            .check()
            .map_err(|e| ProfileError::Combination(e.to_string()))?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faithful_is_the_default_configuration() {
        assert_eq!(Profile::default(), Profile::Faithful);
        assert_eq!(
            Profile::Faithful.config(TimeScale::new(0.001).unwrap()),
            EmulatorConfig::default()
        );
        assert_eq!(Quirks::default(), EmulatorConfig::default().quirks);
    }

    #[test]
    fn the_aws_profile_scales_durations_down_and_rates_up_keeping_every_behaviour() {
        let real = Profile::Aws.config(TimeScale::REAL);
        assert_eq!(real.quirks.associating, Duration::from_secs(45 * 60));
        assert_eq!(real.throttle_rps, 5);
        let fast = Profile::Aws.config(TimeScale::new(0.001).unwrap());
        assert_eq!(fast.quirks.associating, Duration::from_millis(2700));
        assert_eq!(fast.async_delay, Duration::from_millis(60));
        assert_eq!(fast.latency, Duration::from_micros(200));
        assert_eq!(fast.throttle_rps, 5000);
        assert_eq!(fast.quirks.gone_retention, Some(Duration::from_millis(600)));
        // Scaled, not removed: every knob of the profile is still on.
        let tiny = Profile::Aws.config(TimeScale::new(1e-12).unwrap());
        assert!(!tiny.latency.is_zero() && !tiny.async_delay.is_zero());
        assert!(!tiny.quirks.associating.is_zero() && tiny.throttle_rps > 0);
        assert!(tiny.check().is_ok(), "{tiny:?}");
        assert!(real.check().is_ok());
    }

    #[test]
    fn time_scales_outside_zero_to_one_are_refused() {
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(TimeScale::new(bad).is_err(), "{bad}");
        }
        assert_eq!(TimeScale::new(1.0), Ok(TimeScale::REAL));
    }

    #[test]
    fn profiles_and_quirks_parse_by_name() {
        assert_eq!("aws".parse::<Profile>(), Ok(Profile::Aws));
        assert!("AWS".parse::<Profile>().is_err());
        let mut quirks = Quirks::default();
        for (name, field) in SWITCHES {
            quirks.set(name, true).unwrap();
            assert!(*field(&mut quirks), "{name}");
        }
        let all = Quirks::aws(TimeScale::REAL);
        assert_eq!(
            Quirks {
                associating: all.associating,
                hosted_down_one_in: all.hosted_down_one_in,
                gone_retention: all.gone_retention,
                ..quirks.clone()
            },
            all,
            "the aws profile turns every switch on"
        );
        let err = quirks.set("approving", true).unwrap_err();
        assert!(err.to_string().contains("approving-hosted-vifs"), "{err}");
    }

    #[test]
    fn explicit_knobs_override_the_profile_unscaled_and_bad_ones_are_typed_errors() {
        let knobs = KnobOverrides {
            throttle_rps: Some(0),
            latency: Some(Duration::from_millis(7)),
            gone_retention: Some(Duration::ZERO),
            quirks_off: vec!["approving-hosted-vifs".into()],
            ..KnobOverrides::default()
        };
        assert!(knobs.any() && !KnobOverrides::default().any());
        let config = knobs.configure(Profile::Aws, 0.001).unwrap();
        assert_eq!(config.throttle_rps, 0, "an explicit 0 turns throttling off");
        assert_eq!(config.latency, Duration::from_millis(7), "not scaled");
        assert_eq!(config.quirks.gone_retention, None);
        assert!(!config.quirks.approving_hosted_vifs);
        assert!(config.quirks.deleted_not_found, "the others stay on");
        assert_eq!(config.async_delay, Duration::from_millis(60));
        assert!(matches!(
            KnobOverrides::default().configure(Profile::Aws, 0.0),
            Err(ProfileError::TimeScale(_))
        ));
        let unknown = KnobOverrides {
            quirks_on: vec!["nope".into()],
            ..KnobOverrides::default()
        };
        assert!(matches!(
            unknown.configure(Profile::Faithful, 1.0),
            Err(ProfileError::Quirk(_))
        ));
        let held_without_clock = KnobOverrides {
            async_delay: Some(Duration::ZERO),
            ..KnobOverrides::default()
        };
        let err = held_without_clock
            .configure(Profile::Aws, 0.001)
            .unwrap_err();
        assert!(matches!(err, ProfileError::Combination(_)), "{err}");
    }

    #[test]
    fn one_confirmed_hosted_connection_in_n_goes_down() {
        let quirks = Quirks {
            hosted_down_one_in: 3,
            ..Quirks::default()
        };
        let down = (0..30).filter(|s| quirks.hosted_goes_down(*s)).count();
        assert_eq!(down, 10);
        assert!((0..30).all(|s| !Quirks::default().hosted_goes_down(s)));
    }
}
