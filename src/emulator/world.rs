//! The in-memory world: every account's resources, the id generator and the
//! configuration. Handlers receive `&mut World`; nothing here knows about HTTP.
//!
//! Ownership is the isolation rule: each resource lives in the account that
//! created it, and handlers look resources up only in the caller's account.

use std::collections::BTreeMap;
use std::time::Duration;

use super::connections::Connection;
use super::dispatch::Call;
use super::gateways::{Association, Gateway, Proposal};
use super::ids::IdGen;
use super::interconnects::Interconnect;
use super::lags::Lag;
use super::resiliency::ResiliencyGroup;
use super::store::Store;
use super::virtual_interfaces::VirtualInterface;
use super::{ApiError, EmulatorConfig};

/// One account's resources.
#[derive(Debug, Default)]
pub(super) struct Account {
    /// Dedicated connections, in creation order (deleted ones stay, as `deleted`).
    pub connections: Store<Connection>,
    /// Interconnects (deleted ones stay, as `deleted`).
    pub interconnects: Store<Interconnect>,
    /// Link aggregation groups (deleted ones stay, as `deleted`).
    pub lags: Store<Lag>,
    /// Virtual interfaces this account owns (created, or allocated to it), with their BGP peers.
    pub virtual_interfaces: Store<VirtualInterface>,
    /// Direct Connect gateways (global resources of the account).
    pub gateways: Store<Gateway>,
    /// Associations of this account's gateways with virtual private gateways.
    pub associations: Store<Association>,
    /// Association proposals this account made.
    pub proposals: Store<Proposal>,
    /// Resiliency groups (global resources of the account; deleted ones stay, as `deleted`).
    pub resiliency_groups: Store<ResiliencyGroup>,
}

impl Account {
    /// How many of its resources of each kind are live (`GET /dxconform/accounts`):
    /// not deleted, deleting, rejected or disassociating, and proposals neither
    /// accepted nor deleted. Looking does not move any resource along.
    pub(super) fn live(
        &self,
        now: std::time::Duration,
        delay: std::time::Duration,
    ) -> BTreeMap<&'static str, usize> {
        [
            (
                "connections",
                self.connections.iter().filter(|c| !c.port.deleted).count(),
            ),
            (
                "interconnects",
                self.interconnects
                    .iter()
                    .filter(|i| !i.port.deleted)
                    .count(),
            ),
            ("lags", self.lags.iter().filter(|l| !l.port.deleted).count()),
            (
                "virtualInterfaces",
                self.virtual_interfaces
                    .iter()
                    .filter(|v| !v.gone(now, delay))
                    .count(),
            ),
            (
                "directConnectGateways",
                self.gateways.iter().filter(|g| g.live(now, delay)).count(),
            ),
            (
                "directConnectGatewayAssociations",
                self.associations
                    .iter()
                    .filter(|a| a.live(now, delay))
                    .count(),
            ),
            (
                "directConnectGatewayAssociationProposals",
                self.proposals.iter().filter(|p| p.live()).count(),
            ),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// A kind of resource an account keeps: its names and its store.
pub(super) trait Kind: Sized {
    /// The name in "Could not find {NAME} with ID …".
    const NAME: &'static str;
    /// The member its Describe lists it under (`connections`).
    const LIST_KEY: &'static str;
    /// The request member naming one (`connectionId`).
    const ID_FIELD: &'static str;
    /// Where an account keeps resources of this kind.
    fn store(account: &mut Account) -> &mut Store<Self>;
}

/// A resource that stays listed for a while after it is deleted (or rejected).
pub(super) trait Deletable {
    /// Deleted or on its way there at clock reading `now`.
    fn gone(&self, now: Duration, delay: Duration) -> bool;
}

/// One table for the [`Kind`] of every resource type: the type, its store in
/// [`Account`], its name in errors, its Describe's list member and id member.
macro_rules! kinds {
    ($($resource:ty => $store:ident, $name:literal, $list:literal, $id:literal;)+) => {$(
        impl Kind for $resource {
            const NAME: &'static str = $name;
            const LIST_KEY: &'static str = $list;
            const ID_FIELD: &'static str = $id;
            fn store(account: &mut Account) -> &mut Store<Self> {
                &mut account.$store
            }
        }
    )+};
}

kinds! {
    Connection => connections, "Connection", "connections", "connectionId";
    Interconnect => interconnects, "Interconnect", "interconnects", "interconnectId";
    Lag => lags, "Lag", "lags", "lagId";
    VirtualInterface =>
        virtual_interfaces, "VirtualInterface", "virtualInterfaces", "virtualInterfaceId";
    Gateway =>
        gateways, "DirectConnectGateway", "directConnectGateways", "directConnectGatewayId";
    Association => associations, "DirectConnectGatewayAssociation",
        "directConnectGatewayAssociations", "associationId";
    ResiliencyGroup => resiliency_groups, "ResiliencyGroup", "items", "resiliencyGroupId";
}

/// All state of the reference target.
#[derive(Debug)]
pub(super) struct World {
    /// The configuration the target was started with.
    pub config: EmulatorConfig,
    /// Id sequences (kept across resets, so ids are never reused).
    pub ids: IdGen,
    accounts: BTreeMap<String, Account>,
    /// What the quirks did (kept across resets: it counts the target's life).
    pub played: super::profile::Tally,
}

impl World {
    /// An empty world.
    pub(super) fn new(config: EmulatorConfig) -> Self {
        World {
            config,
            ids: IdGen::default(),
            accounts: BTreeMap::new(),
            played: super::profile::Tally::default(),
        }
    }

    /// Forget every resource of every account (`POST /dxconform/reset`) and restart
    /// the id sequences: the same calls after a reset get the same ids and behave the
    /// same, so a replayed sequence is deterministic.
    pub(super) fn reset(&mut self) {
        self.accounts.clear();
        self.ids = IdGen::default();
    }

    /// Forget every resource of `accounts` (`POST /dxconform/reset` with
    /// `{"accounts": [...]}`): concurrent cases each reset only their own accounts.
    /// Id sequences go on, so ids stay unique across the cases.
    pub(super) fn forget(&mut self, accounts: &[String]) {
        for account in accounts {
            self.accounts.remove(account);
        }
        self.ids.forget(accounts);
    }

    /// The resources of `account`, if it has any.
    pub(super) fn account(&self, account: &str) -> Option<&Account> {
        self.accounts.get(account)
    }

    /// Every account with live resources, with how many of each kind
    /// (`GET /dxconform/accounts`).
    pub(super) fn live_accounts(
        &self,
        now: std::time::Duration,
    ) -> BTreeMap<String, BTreeMap<&'static str, usize>> {
        let delay = self.config.async_delay;
        self.accounts
            .iter()
            .map(|(id, account)| (id.clone(), account.live(now, delay)))
            .filter(|(_, live)| !live.is_empty())
            .collect()
    }

    /// Every account that has resources (for faults that cross accounts).
    pub(super) fn account_ids(&self) -> Vec<String> {
        self.accounts.keys().cloned().collect()
    }

    /// The resources of `account`, created empty on first use.
    pub(super) fn account_mut(&mut self, account: &str) -> &mut Account {
        self.accounts.entry(account.to_owned()).or_default()
    }

    /// `account`'s resource `id` of kind `T`; another account's is as missing as a
    /// made-up id.
    pub(super) fn owned<T: Kind>(&mut self, account: &str, id: &str) -> Result<&mut T, ApiError> {
        T::store(self.account_mut(account)).require_mut(T::NAME, id)
    }

    /// The caller's resource `id` of kind `T`, refused with the client error
    /// `refusal` words when it is gone (see [`World::owned`] for a missing one).
    pub(super) fn owned_live<T: Kind + Deletable>(
        &mut self,
        call: &Call<'_>,
        id: &str,
        refusal: impl FnOnce(&T) -> String,
    ) -> Result<&mut T, ApiError> {
        let delay = self.config.async_delay;
        let resource = self.owned::<T>(call.account, id)?;
        if resource.gone(call.now, delay) {
            return Err(ApiError::client(refusal(resource)));
        }
        Ok(resource)
    }

    /// The configured region.
    pub(super) fn region(&self) -> &str {
        &self.config.region
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_forgets_resources_and_restarts_id_sequences() {
        let mut world = World::new(EmulatorConfig::default());
        let first = world.ids.next("111111111111", "dxcon");
        world.account_mut("111111111111");
        assert!(world.account("111111111111").is_some());
        world.reset();
        assert!(world.account("111111111111").is_none());
        assert_eq!(
            world.ids.next("111111111111", "dxcon"),
            first,
            "replays after a reset are deterministic"
        );
    }
}
