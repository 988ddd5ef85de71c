//! `dxconform sweep`: delete the leftovers of earlier runs, found by the resource
//! journal and by the run-ownership tag (`dxconform:run-id`), children first,
//! retrying what a dependency still blocks. A resource that is neither in the
//! journal nor tagged by a matching run is never touched.
//!
//! Each resource is deleted as the account that owns it: where the target selects
//! accounts by access key or header, the sweep acts as the pair of accounts the
//! journal recorded (fresh per-case or lane accounts included), and looks for
//! tagged resources in every pair the journal names; on real AWS (accounts are
//! credentials) it acts as the configured credentials, and a resource recorded in
//! another account or region is reported, not attempted.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use super::RunError;
use crate::model::{ResourceKind, DESCRIPTORS, RUN_TAG_KEY};
use crate::target::{delete_rank, Journal, JournalEntry, LaunchedTarget, TargetConfig, WireClient};
use crate::vocab::{Accounts, Outcome, Principal};

/// What a sweep did.
#[derive(Debug, Clone, Default)]
pub struct SweepOutcome {
    /// Resources deleted.
    pub deleted: Vec<JournalEntry>,
    /// Resources already gone (the target says they do not exist, are deleted, or
    /// an accepted proposal that has become an association).
    pub gone: Vec<JournalEntry>,
    /// Resources whose delete still failed, with the last answer.
    pub failed: Vec<(JournalEntry, String)>,
    /// How many of the resources were found by their run tag and not in the journal
    /// (a create answered just before the run was killed).
    pub found_by_tag: usize,
    /// How many were found on a connection, LAG or interconnect of the run and in
    /// neither the journal nor by tag (an allocated VIF carries no run tag, and its
    /// allocation may have been answered just before the run was killed).
    pub found_on_parents: usize,
    /// What the sweep did in each account (by the account that owns the resource).
    pub accounts: BTreeMap<String, AccountSweep>,
}

/// What a sweep did in one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSweep {
    /// Resources deleted.
    pub deleted: usize,
    /// Resources already gone.
    pub gone: usize,
    /// Resources still live.
    pub failed: usize,
}

impl SweepOutcome {
    fn tally(&mut self, entry: &JournalEntry, bump: impl FnOnce(&mut AccountSweep)) {
        let account = entry.account.clone().unwrap_or_else(|| "-".to_owned());
        bump(self.accounts.entry(account).or_default());
    }
}

/// The accounts a sweep acts as: one client per pair of accounts, found by the pair.
struct Scopes {
    /// The configured accounts' client (also the only one on real AWS).
    configured: WireClient,
    /// Clients acting for the pairs the journal names (targets that select accounts).
    pairs: Vec<(Accounts, WireClient)>,
    region: String,
}

impl Scopes {
    fn new(target: &LaunchedTarget, named: &[Accounts]) -> Scopes {
        let configured = target.client.clone();
        let mut pairs = vec![(configured.accounts().clone(), configured.clone())];
        for accounts in named {
            if pairs.iter().any(|(a, _)| a == accounts) {
                continue;
            }
            // `None`: accounts are real credentials; only the configured ones act.
            if let Some(client) = configured.for_accounts(accounts.clone()) {
                pairs.push((accounts.clone(), client));
            }
        }
        Scopes {
            configured,
            pairs,
            region: target.identity.region.clone(),
        }
    }

    /// The client that acts as the owner of `entry`, or why none can.
    fn client_for(&self, entry: &JournalEntry) -> Result<&WireClient, String> {
        if let Some(place) = &entry.place {
            if place.region != self.region {
                return Err(format!(
                    "recorded in region {}; sweep with --region {}",
                    place.region, place.region
                ));
            }
        }
        let Some(accounts) = &entry.accounts else {
            // Version 1: the configured accounts.
            return Ok(&self.configured);
        };
        if let Some((_, client)) = self.pairs.iter().find(|(a, _)| a == accounts) {
            return Ok(client);
        }
        let account = accounts.of(entry.principal);
        if self.configured.accounts().of(entry.principal) == account {
            return Ok(&self.configured);
        }
        Err(format!(
            "recorded in account {account}, which this target's credentials do not act as; \
             sweep with that account's credentials"
        ))
    }
}

/// Whether a refused delete says there is nothing left to delete.
pub(super) fn already_gone(outcome: &Outcome) -> bool {
    let Outcome::ServiceError {
        message: Some(message),
        ..
    } = outcome
    else {
        return false;
    };
    let m = message.to_ascii_lowercase();
    [
        "not found",
        "does not exist",
        "already deleted",
        "is deleted",
        "in the deleted state",
        // A rejected VIF or hosted connection is terminal: declined, never billed,
        // and not deletable again.
        "in the rejected state",
        "in the accepted state",
        // A delete already under way ends in `deleted` (or `disassociated`) on its own.
        "already being deleted",
        "already being disassociated",
        "in the deleting state",
        "in the disassociating state",
        "in the disassociated state",
    ]
    .iter()
    .any(|p| m.contains(p))
}

/// Passes over the leftovers (a parent may fail until its children are gone).
const PASSES: usize = 4;

/// Delete the leftovers of `run_id` (`None`: every run) on the target: the journal's,
/// and every live resource tagged with a matching run id.
pub fn sweep(
    target: &TargetConfig,
    journal: &Path,
    run_id: Option<&str>,
) -> Result<SweepOutcome, RunError> {
    // No journal (e.g. another machine ran it): the tags alone find the leftovers.
    let unreadable = |e: std::io::Error| RunError::Replay {
        path: journal.to_owned(),
        reason: e.to_string(),
    };
    let (mut pending, named) = if journal.exists() {
        let named = Journal::accounts_named(journal, run_id).map_err(unreadable)?;
        let leftovers = Journal::leftovers(journal, run_id).map_err(unreadable)?;
        (leftovers, named.into_iter().map(|(a, _)| a).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    let runtime = super::launch_runtime().map_err(RunError::Runtime)?;
    let mut config = target.clone();
    config.journal = None;
    runtime.block_on(async {
        let target = super::launch(&config, &Default::default()).await?;
        let scopes = Scopes::new(&target, &named);
        let mut outcome = SweepOutcome::default();
        let key = |e: &JournalEntry| {
            (
                e.account.clone().unwrap_or_default(),
                e.operation.clone(),
                e.body.to_string(),
            )
        };
        // A v1 entry names no account: its resource is the configured pair's.
        for entry in &mut pending {
            if entry.accounts.is_none() {
                let accounts = scopes.configured.accounts().clone();
                entry.account = Some(accounts.of(entry.principal).to_owned());
                entry.accounts = Some(accounts);
            }
        }
        for (accounts, client) in &scopes.pairs {
            for found in discover_tagged(client, &scopes.region, run_id).await {
                let found = owned_by(found, accounts);
                if !pending.iter().any(|p| key(p) == key(&found)) {
                    outcome.found_by_tag += 1;
                    pending.push(found);
                }
            }
        }
        for (accounts, client) in &scopes.pairs {
            let parents: Vec<JournalEntry> = pending
                .iter()
                .filter(|e| e.accounts.as_ref() == Some(accounts))
                .cloned()
                .collect();
            for found in discover_children(client, &parents).await {
                let found = owned_by(found, accounts);
                if !pending.iter().any(|p| key(p) == key(&found)) {
                    outcome.found_on_parents += 1;
                    pending.push(found);
                }
            }
        }
        pending.sort_by_key(|e| delete_rank(&e.operation));
        for pass in 0..PASSES {
            let mut still = Vec::new();
            for entry in pending {
                let client = match scopes.client_for(&entry) {
                    Ok(client) => client,
                    Err(why) => {
                        still.push((entry, why));
                        continue;
                    }
                };
                let exchange = client
                    .call(entry.principal, &entry.operation, &entry.body)
                    .await;
                if matches!(exchange.outcome, Outcome::Success(_)) {
                    let _ = Journal::mark_deleted(journal, &entry);
                    outcome.tally(&entry, |a| a.deleted += 1);
                    outcome.deleted.push(entry);
                } else if already_gone(&exchange.outcome) {
                    let _ = Journal::mark_deleted(journal, &entry);
                    outcome.tally(&entry, |a| a.gone += 1);
                    outcome.gone.push(entry);
                } else {
                    let why = match &exchange.outcome {
                        Outcome::TransportFault { message, .. } => message.clone(),
                        _ => format!("HTTP {} {}", exchange.status, exchange.body_text()),
                    };
                    still.push((entry, why));
                }
            }
            if still.is_empty() || pass + 1 == PASSES {
                for (entry, _) in &still {
                    let entry = entry.clone();
                    outcome.tally(&entry, |a| a.failed += 1);
                }
                outcome.failed = still;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200 << pass)).await;
            pending = still.into_iter().map(|(e, _)| e).collect();
        }
        target.stop().await;
        Ok(outcome)
    })
}

/// The kinds `dxconform sweep` lists to find tagged resources: those listed without
/// arguments that carry tags (have ARNs), in teardown order (what each is listed,
/// named and deleted by comes from its descriptor).
fn swept() -> Vec<ResourceKind> {
    let mut kinds: Vec<_> = DESCRIPTORS
        .iter()
        .filter(|d| d.listed_alone && d.arn.is_some())
        .collect();
    kinds.sort_by_key(|d| d.teardown);
    kinds.into_iter().map(|d| d.kind).collect()
}

/// DescribeTags takes at most this many ARNs per call.
const TAG_BATCH: usize = 20;

/// The members of a list answer.
fn items<'a>(outcome: &'a Outcome, list: &str) -> Vec<&'a Value> {
    outcome
        .body()
        .and_then(|b| b.get(list))
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The run-tag value of each ARN in a DescribeTags answer.
fn run_tags(outcome: &Outcome) -> BTreeMap<String, String> {
    items(outcome, "resourceTags")
        .into_iter()
        .filter_map(|r| {
            let arn = r.get("resourceArn")?.as_str()?;
            let value = r
                .get("tags")?
                .as_array()?
                .iter()
                .find(|t| t.get("key").and_then(Value::as_str) == Some(RUN_TAG_KEY))?
                .get("value")?
                .as_str()?;
            Some((arn.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The delete calls of every live resource on the target whose run tag names
/// `run_id` (`None`: any run). A resource without the tag, or with another run's,
/// is never returned. Associations of a tagged gateway are returned too (they
/// cannot be tagged, and the gateway cannot be deleted while they exist).
pub async fn discover_tagged(
    client: &WireClient,
    region: &str,
    run_id: Option<&str>,
) -> Vec<JournalEntry> {
    let mut found = Vec::new();
    for principal in Principal::ALL {
        let account = client.accounts().of(principal).to_owned();
        for kind in swept() {
            let Some((describe, list)) = kind.describe_list() else {
                continue;
            };
            let (id_member, state_member) = (kind.id_member(), kind.state_member());
            let exchange = client.call(principal, describe, &json!({})).await;
            let mut arns: BTreeMap<String, String> = BTreeMap::new();
            for item in items(&exchange.outcome, list) {
                let (Some(id), state) = (
                    item.get(id_member).and_then(Value::as_str),
                    item.get(state_member).and_then(Value::as_str),
                ) else {
                    continue;
                };
                // Gone (deleting, deleted, rejected): nothing left to delete.
                if state.is_some_and(|s| kind.lifecycle().gone.contains(&s)) {
                    continue;
                }
                // Listed under another account (e.g. a hosted connection's partner view).
                if item
                    .get("ownerAccount")
                    .and_then(Value::as_str)
                    .is_some_and(|o| o != account)
                {
                    continue;
                }
                if let Some(arn) = kind.arn(region, &account, id) {
                    arns.insert(arn, id.to_owned());
                }
            }
            let all: Vec<&String> = arns.keys().collect();
            let mut tagged = BTreeMap::new();
            for batch in all.chunks(TAG_BATCH) {
                let answer = client
                    .call(principal, "DescribeTags", &json!({ "resourceArns": batch }))
                    .await;
                if matches!(answer.outcome, Outcome::Success(_)) {
                    tagged.extend(run_tags(&answer.outcome));
                    continue;
                }
                // One refused ARN fails the batch: ask one by one.
                for arn in batch {
                    let one = client
                        .call(principal, "DescribeTags", &json!({ "resourceArns": [arn] }))
                        .await;
                    tagged.extend(run_tags(&one.outcome));
                }
            }
            for (arn, owner_run) in tagged {
                if run_id.is_some_and(|r| r != owner_run) {
                    continue;
                }
                let Some(id) = arns.get(&arn) else { continue };
                let Some((_, delete, body)) = kind.delete_call(id) else {
                    continue;
                };
                if kind == ResourceKind::DirectConnectGateway {
                    // Its associations and pending proposals carry no tag, and the
                    // gateway cannot be deleted while they exist. A proposal is
                    // deleted by the account that made it ([api]
                    // DeleteDirectConnectGatewayAssociationProposal).
                    for on_gateway in [
                        ResourceKind::GatewayAssociation,
                        ResourceKind::AssociationProposal,
                    ] {
                        let d = on_gateway.descriptor();
                        let listed = client
                            .call(principal, d.describe, &json!({ kind.id_member(): id }))
                            .await;
                        for a in items(&listed.outcome, d.list_member) {
                            let live = a
                                .get(d.state_member)
                                .and_then(Value::as_str)
                                .is_some_and(|s| deletable(on_gateway, s));
                            let deleter = match on_gateway {
                                ResourceKind::AssociationProposal => a
                                    .pointer("/associatedGateway/ownerAccount")
                                    .and_then(Value::as_str)
                                    .and_then(|o| client.accounts().principal_of(o)),
                                _ => Some(principal),
                            };
                            let aid = a.get(d.id_member).and_then(Value::as_str);
                            if let (true, Some(deleter), Some((_, delete, body))) = (
                                live,
                                deleter,
                                aid.and_then(|aid| on_gateway.delete_call(aid)),
                            ) {
                                found.push(entry(&owner_run, deleter, delete, body));
                            }
                        }
                    }
                }
                found.push(entry(&owner_run, principal, delete, body));
            }
        }
    }
    found
}

/// Whether a resource of `kind` in `state` can still be deleted: not gone, and a
/// state its delete starts from where the lifecycle says (an accepted proposal is
/// consumed, not deletable).
fn deletable(kind: ResourceKind, state: &str) -> bool {
    let d = kind.descriptor();
    if d.lifecycle.gone.contains(&state) {
        return false;
    }
    let mut starts = d
        .lifecycle
        .calls
        .iter()
        .filter(|(_, _, call)| Some(*call) == d.deleting)
        .map(|(from, _, _)| *from)
        .peekable();
    starts.peek().is_none() || starts.any(|from| from == "*" || from == state)
}

/// Lists of the resources that live on a connection, LAG or interconnect, asked by
/// the parent's id: its virtual interfaces ([api] DescribeVirtualInterfaces
/// `connectionId`: the ID of the connection or LAG) and its hosted connections
/// ([api] DescribeHostedConnections `connectionId`: the ID of the interconnect or LAG).
const CHILD_LISTS: [(&str, ResourceKind); 2] = [
    ("DescribeVirtualInterfaces", ResourceKind::VirtualInterface),
    ("DescribeHostedConnections", ResourceKind::Connection),
];

/// The delete calls of every live resource on a connection, LAG or interconnect
/// that `parents` delete, and on those children in turn. Only the connection's
/// owner can create or allocate on it, so what lives on a run's connection is the
/// run's. Each child is deleted as the principal whose account owns it.
async fn discover_children(client: &WireClient, parents: &[JournalEntry]) -> Vec<JournalEntry> {
    let parent_id = |e: &JournalEntry| {
        DESCRIPTORS
            .iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    ResourceKind::Connection | ResourceKind::Lag | ResourceKind::Interconnect
                )
            })
            .find(|d| d.deleting == Some(e.operation.as_str()))
            .and_then(|d| e.body.get(d.id_member)?.as_str())
            .map(|id| (id.to_owned(), e.run_id.clone()))
    };
    let mut queue: Vec<(String, String)> = parents.iter().filter_map(parent_id).collect();
    let mut seen: Vec<String> = queue.iter().map(|(id, _)| id.clone()).collect();
    let mut found = Vec::new();
    while let Some((parent, run)) = queue.pop() {
        for principal in Principal::ALL {
            let account = client.accounts().of(principal).to_owned();
            for (describe, kind) in CHILD_LISTS {
                let d = kind.descriptor();
                let answer = client
                    .call(principal, describe, &json!({ "connectionId": parent }))
                    .await;
                for item in items(&answer.outcome, d.list_member) {
                    let Some(id) = item.get(d.id_member).and_then(Value::as_str) else {
                        continue;
                    };
                    let state = item.get(d.state_member).and_then(Value::as_str);
                    let owner = item.get("ownerAccount").and_then(Value::as_str);
                    if state.is_some_and(|s| d.lifecycle.gone.contains(&s))
                        || owner.is_some_and(|o| o != account)
                        || seen.iter().any(|s| s == id)
                    {
                        continue;
                    }
                    seen.push(id.to_owned());
                    if let Some((_, delete, body)) = kind.delete_call(id) {
                        found.push(entry(&run, principal, delete, body));
                        queue.push((id.to_owned(), run.clone()));
                    }
                }
            }
        }
    }
    found
}

/// A found resource as an entry of the pair of accounts it was found in.
fn owned_by(mut entry: JournalEntry, accounts: &Accounts) -> JournalEntry {
    entry.account = Some(accounts.of(entry.principal).to_owned());
    entry.accounts = Some(accounts.clone());
    entry
}

fn entry(run_id: &str, principal: Principal, operation: &str, body: Value) -> JournalEntry {
    JournalEntry {
        v: crate::target::JOURNAL_VERSION,
        account: None,
        accounts: None,
        place: None,
        run_id: run_id.to_owned(),
        event: "created".to_owned(),
        operation: operation.to_owned(),
        body,
        principal,
        at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(message: &str) -> Outcome {
        Outcome::ServiceError {
            error_type: "DirectConnectClientException".to_owned(),
            message: Some(message.to_owned()),
        }
    }

    #[test]
    fn sweeps_list_the_taggable_kinds_children_first() {
        assert_eq!(
            swept(),
            [
                ResourceKind::VirtualInterface,
                ResourceKind::DirectConnectGateway,
                ResourceKind::ResiliencyGroup,
                ResourceKind::Lag,
                ResourceKind::Connection,
                ResourceKind::Interconnect,
            ]
        );
    }

    #[test]
    fn accepted_proposals_and_disassociated_associations_are_not_deletable() {
        assert!(deletable(ResourceKind::AssociationProposal, "requested"));
        assert!(!deletable(ResourceKind::AssociationProposal, "accepted"));
        assert!(!deletable(ResourceKind::AssociationProposal, "deleted"));
        assert!(deletable(ResourceKind::GatewayAssociation, "associated"));
        assert!(!deletable(
            ResourceKind::GatewayAssociation,
            "disassociated"
        ));
    }

    #[test]
    fn terminal_states_count_as_gone_and_dependencies_do_not() {
        for gone in [
            "Connection dxcon-1 not found",
            "Virtual interface dxvif-1 is in the rejected state and cannot be deleted",
            "Connection dxcon-1 is in the deleted state and cannot be deleted",
            "Direct Connect gateway 713d20e9 is already being deleted",
            "Association eb691dfd is already being disassociated",
            "Virtual interface dxvif-1 is in the deleting state and cannot be deleted",
        ] {
            assert!(already_gone(&refused(gone)), "{gone}");
        }
        assert!(!already_gone(&refused(
            "Connection dxcon-1 has virtual interfaces and cannot be deleted"
        )));
        assert!(!already_gone(&Outcome::Success(serde_json::json!({}))));
    }
}
