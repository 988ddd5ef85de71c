//! Isolation of cases that share one target: a lane is the client, accounts and
//! facts one case runs with, and how the target is made fresh for it.
//!
//! One job resets the whole target before each case, as always. Several jobs
//! cannot: cases take turns over lanes with accounts of their own (the reference
//! target resets just those, a group of lanes in one request), or each case gets
//! fresh accounts (emulators that can only reset everything, like moto), or, where
//! the accounts are real, cases share them and each reasons only about the
//! resources it created (the model never claims a list holds nothing but its own
//! resources).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::Env;
use crate::target::{LaunchedTarget, TapSet, TargetError, WireClient};
use crate::vocab::{Accounts, Principal};

/// How the cases of a run keep out of each other's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Isolation {
    /// One case at a time; the whole target is reset before each.
    ResetAll,
    /// Lanes of accounts, [`LANE_GROUPS`] per job (plus one for shrinking): cases
    /// take them in turn, and each group of `jobs` lanes is reset in one request
    /// before its turn.
    LaneAccounts,
    /// Fresh accounts for every case (the target can only reset everything).
    FreshAccounts,
    /// Cases share the configured accounts and the target is never reset.
    Shared,
}

impl Isolation {
    /// The isolation `jobs` concurrent cases get on `target`.
    pub(super) fn choose(jobs: usize, target: &LaunchedTarget) -> Isolation {
        let chooses_accounts = target
            .client
            .for_accounts(target.client.accounts().clone())
            .is_some();
        match (jobs, target.can_reset()) {
            (1, true) => Isolation::ResetAll,
            (1, false) => Isolation::Shared,
            _ if !chooses_accounts => Isolation::Shared,
            _ if target.can_reset_accounts() => Isolation::LaneAccounts,
            _ => Isolation::FreshAccounts,
        }
    }

    /// The name reports use.
    pub(super) fn name(self) -> &'static str {
        match self {
            Isolation::ResetAll => "reset-all",
            Isolation::LaneAccounts => "lane-accounts",
            Isolation::FreshAccounts => "fresh-accounts",
            Isolation::Shared => "shared-accounts",
        }
    }
}

/// First account of the lanes: far from the defaults (111111111111, 222222222222)
/// and from moto's (123456789012), so lanes never meet a configured account.
const LANE_ACCOUNT_BASE: u64 = 700_000_000_000;
/// Groups of lanes per run with lane accounts. While one group's cases run, the
/// next group is reset in one request (not one per case: a reset is a request
/// like any other, and it was one in seven of a run's).
pub(super) const LANE_GROUPS: usize = 2;

/// First account of fresh per-case accounts.
const FRESH_ACCOUNT_BASE: u64 = 800_000_000_000;

/// The pair of accounts number `n` from `base`.
fn account_pair(base: u64, n: u64) -> Accounts {
    Accounts {
        owner: format!("{:012}", base + 2 * n),
        partner: format!("{:012}", base + 2 * n + 1),
    }
}

/// What one case runs with.
#[derive(Debug, Clone)]
pub(super) struct Lane {
    /// The client acting for the lane's accounts.
    pub client: WireClient,
    /// Facts about the target as the lane's accounts see them.
    pub env: Env,
    /// Reset only the lane's accounts before a case.
    reset_accounts: bool,
    /// Reset the whole target before a case.
    reset_all: bool,
}

impl Lane {
    /// The target's own lane: its configured accounts and client.
    pub(super) fn own(
        target: &LaunchedTarget,
        env: &Env,
        isolation: Isolation,
        taps: Option<&TapSet>,
    ) -> Lane {
        Lane {
            client: tapped(target.client.clone(), taps),
            env: env.clone(),
            reset_accounts: false,
            reset_all: isolation == Isolation::ResetAll,
        }
    }

    /// A lane acting for `accounts` (the target chooses accounts by key or header).
    async fn for_accounts(
        target: &LaunchedTarget,
        env: &Env,
        accounts: Accounts,
        reset_accounts: bool,
        taps: Option<&TapSet>,
    ) -> Lane {
        let client = target
            .client
            .for_accounts(accounts.clone())
            .unwrap_or_else(|| target.client.clone());
        let client = tapped(client, taps);
        let virtual_gateways = virtual_gateways(&client).await;
        Lane {
            env: Env {
                accounts,
                virtual_gateways,
                ..env.clone()
            },
            client,
            reset_accounts,
            reset_all: false,
        }
    }

    /// The lanes of a run: [`Lane::search_lanes`] for the search and one more for
    /// shrinking (the last, reset before each of its cases), built once.
    /// Fresh-account runs build lanes per case instead ([`Lane::fresh`]); these are
    /// then only the fallback.
    pub(super) async fn prepare(
        target: &LaunchedTarget,
        env: &Env,
        isolation: Isolation,
        jobs: usize,
        taps: Option<&TapSet>,
    ) -> Vec<Lane> {
        let search = Lane::search_lanes(isolation, jobs);
        let mut lanes = Vec::with_capacity(search + 1);
        for n in 0..=search {
            let lane = match isolation {
                Isolation::LaneAccounts => {
                    let accounts = account_pair(LANE_ACCOUNT_BASE, n as u64);
                    // Search lanes are reset by group (`reset_group`).
                    Lane::for_accounts(target, env, accounts, n == search, taps).await
                }
                _ => Lane::own(target, env, isolation, taps),
            };
            lanes.push(lane);
        }
        lanes
    }

    /// How many lanes the search's cases take in turn.
    pub(super) fn search_lanes(isolation: Isolation, jobs: usize) -> usize {
        match isolation {
            Isolation::LaneAccounts => jobs * LANE_GROUPS,
            _ => jobs,
        }
    }

    /// Reset the accounts of `group` (lanes whose cases have all finished) in one
    /// request, recorded in the first lane's tap.
    pub(super) async fn reset_group(
        target: &LaunchedTarget,
        group: &[std::sync::Arc<Lane>],
    ) -> Result<(), TargetError> {
        let accounts: Vec<&Accounts> = group.iter().map(|l| &l.env.accounts).collect();
        let tap = group.first().and_then(|l| l.client.tap());
        reset_recorded(target, tap, Some(&accounts)).await
    }

    /// Fresh accounts for run number `n` (a search case or a shrinking candidate).
    pub(super) async fn fresh(
        target: &LaunchedTarget,
        env: &Env,
        n: u64,
        taps: Option<&TapSet>,
    ) -> Lane {
        let accounts = account_pair(FRESH_ACCOUNT_BASE, n);
        Lane::for_accounts(target, env, accounts, false, taps).await
    }

    /// Make the target fresh for the next case of this lane.
    pub(super) async fn prepare_case(&self, target: &LaunchedTarget) -> Result<(), TargetError> {
        let own = [&self.env.accounts];
        let tap = self.client.tap();
        if self.reset_all {
            reset_recorded(target, tap, None).await
        } else if self.reset_accounts {
            reset_recorded(target, tap, Some(&own)).await
        } else {
            Ok(())
        }
    }
}

/// Reset the whole target (`None`) or only `accounts`, the request recorded in
/// `tap` first (a tapped run's replay resets as the run did).
async fn reset_recorded(
    target: &LaunchedTarget,
    tap: Option<&crate::target::Tap>,
    accounts: Option<&[&Accounts]>,
) -> Result<(), TargetError> {
    if let Some(tap) = tap {
        if let Some(request) = target.reset_request(accounts) {
            tap.record(request);
        }
    }
    match accounts {
        None => target.reset().await,
        Some(accounts) => target.reset_accounts(accounts).await.map(|_| ()),
    }
}

/// `client`, recording into a new tap of `taps` when the run is tapped.
fn tapped(client: WireClient, taps: Option<&TapSet>) -> WireClient {
    match taps {
        Some(taps) => client.tapped(taps.tap()),
        None => client,
    }
}

/// The virtual private gateways each principal of `client` may attach to.
pub(super) async fn virtual_gateways(client: &WireClient) -> BTreeMap<Principal, Vec<String>> {
    let mut out = BTreeMap::new();
    for principal in Principal::ALL {
        let exchange = client
            .call(principal, "DescribeVirtualGateways", &json!({}))
            .await;
        let ids = strings_in(
            exchange.outcome.body(),
            "virtualGateways",
            "virtualGatewayId",
        );
        out.insert(principal, ids);
    }
    out
}

/// `member` of every item of the list `list` in an answer (`[]` when absent).
pub(super) fn strings_in(body: Option<&Value>, list: &str, member: &str) -> Vec<String> {
    body.and_then(|b| b.get(list))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get(member).and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_accounts_are_twelve_digits_and_distinct() {
        let a = account_pair(LANE_ACCOUNT_BASE, 0);
        let b = account_pair(LANE_ACCOUNT_BASE, 1);
        let f = account_pair(FRESH_ACCOUNT_BASE, 10_000);
        for id in [
            &a.owner, &a.partner, &b.owner, &b.partner, &f.owner, &f.partner,
        ] {
            assert_eq!(id.len(), 12, "{id}");
            assert!(id.bytes().all(|c| c.is_ascii_digit()));
        }
        let all = [&a.owner, &a.partner, &b.owner, &b.partner];
        let distinct: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), 4);
    }
}
