//! The resource journal: every resource a run creates on a target that cannot be
//! reset is appended (and fsync'd) to a local NDJSON file the moment its id is
//! known, and marked deleted when it is gone, so `dxconform sweep` can delete the
//! leftovers of a run that was killed. Entries carry the delete call itself; a
//! sweep touches nothing that is not in the journal.
//!
//! Version 2 (`"v":2`): every entry also names the account that owns the resource,
//! the pair of accounts its case acted as, and where they live ([`Place`]: how the
//! target selects accounts, the region, the kind of endpoint), never a secret, so a
//! sweep can act as the owner even when the case ran in accounts of its own (fresh
//! per-case or lane accounts). Before a case sends its first request in a pair of
//! accounts, an `"event":"accounts"` line names the pair, so a sweep also looks in
//! accounts whose creates were answered just before a kill. Version-1 lines (no
//! `v`, no accounts) still read: their resources belong to the configured accounts.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::TargetKind;
use crate::vocab::{AccountSelector, Accounts, Principal};

/// The journal format this version writes.
pub const JOURNAL_VERSION: u32 = 2;

/// Where the accounts of a journal line live: what a sweep needs to act as them
/// again (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// How the target selects the account a request acts as (access key, a header,
    /// or real credentials).
    pub selector: AccountSelector,
    /// The region the resources were created in.
    pub region: String,
    /// The kind of endpoint (`embedded`, `moto`, `url`, `aws`).
    pub endpoint: TargetKind,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Journal format (absent in version 1).
    #[serde(default = "version_one")]
    pub v: u32,
    /// The run that created the resource.
    pub run_id: String,
    /// `created`, `deleted`, or `accounts` (a case is about to act as `accounts`).
    pub event: String,
    /// The call that deletes the resource (operation; empty on `accounts` lines).
    #[serde(default)]
    pub operation: String,
    /// Its body (names the resource id).
    #[serde(default)]
    pub body: Value,
    /// The principal that may delete it.
    pub principal: Principal,
    /// The account that owns the resource: `accounts` of `principal` (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The pair of accounts the case acted as (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Accounts>,
    /// How the target selects those accounts, and where (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    /// Epoch seconds.
    pub at: u64,
}

fn version_one() -> u32 {
    1
}

impl JournalEntry {
    /// A version-2 line.
    pub fn new(
        run_id: &str,
        event: &str,
        principal: Principal,
        (operation, body): (&str, &Value),
        accounts: &Accounts,
        place: &Place,
    ) -> JournalEntry {
        JournalEntry {
            v: JOURNAL_VERSION,
            run_id: run_id.to_owned(),
            event: event.to_owned(),
            operation: operation.to_owned(),
            body: body.clone(),
            principal,
            account: Some(accounts.of(principal).to_owned()),
            accounts: Some(accounts.clone()),
            place: Some(place.clone()),
            at: now(),
        }
    }

    /// The same resource in another account is another resource.
    fn key(&self) -> String {
        format!(
            "{} {} {}",
            self.account.as_deref().unwrap_or("-"),
            self.operation,
            self.body
        )
    }
}

/// Journaled resources still live: key → (the case that has it, its entry).
type LiveEntries = BTreeMap<String, (u64, JournalEntry)>;

/// An open journal of one run.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    run_id: String,
    /// Where every account the run acts as lives.
    place: Place,
    /// The file and, per journaled resource, the case that has it live and its entry.
    state: Mutex<(std::fs::File, LiveEntries)>,
    /// The same file, fsync'd outside the lock: cases running side by side each
    /// wait for their own lines to be durable, not for each other's fsyncs in turn.
    durable: std::fs::File,
    /// The account pairs already named by an `accounts` line.
    named: Mutex<BTreeSet<(String, String)>>,
    /// Numbers the cases that write to the journal (cases may run side by side).
    cases: std::sync::atomic::AtomicU64,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Open `path` for appending, ending a line torn by a killed writer first.
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    if file.metadata()?.len() > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    Ok(file)
}

/// Teardown rank of a delete operation: children first.
pub fn delete_rank(operation: &str) -> u32 {
    match operation {
        "DeleteBGPPeer" => 5,
        "DeleteVirtualInterface" => 10,
        "DeleteDirectConnectGatewayAssociation" => 20,
        "DeleteDirectConnectGatewayAssociationProposal" => 25,
        "DeleteDirectConnectGateway" => 30,
        "DeleteLag" => 55,
        "DeleteConnection" => 60,
        "DeleteInterconnect" => 70,
        _ => 50,
    }
}

impl Journal {
    /// Open (append to) the journal at `path` for `run_id`, whose accounts live at `place`.
    pub fn open(path: &Path, run_id: &str, place: Place) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = open_append(path)?;
        let durable = file.try_clone()?;
        Ok(Journal {
            durable,
            path: path.to_owned(),
            run_id: run_id.to_owned(),
            place,
            state: Mutex::new((file, BTreeMap::new())),
            named: Mutex::new(BTreeSet::new()),
            cases: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The run id written with every entry.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Append one line in one write; whether it must be made durable before the
    /// run goes on ([`Journal::make_durable`]). `created` and `accounts` lines must
    /// (what a sweep must find survives even the machine); `deleted` lines need not:
    /// one lost costs a sweep a delete the target answers "not found", and an fsync
    /// per teardown delete was most of a teardown's time.
    fn append(file: &mut std::fs::File, entry: &JournalEntry) -> bool {
        let mut line = serde_json::to_string(entry).unwrap_or_default();
        line.push('\n');
        if let Err(e) = file.write_all(line.as_bytes()) {
            tracing::error!(error = %e, "cannot write the resource journal");
        }
        entry.event != "deleted"
    }

    /// fsync the lines written so far (called without the lock held).
    fn make_durable(&self) {
        if let Err(e) = self.durable.sync_data() {
            tracing::error!(error = %e, "cannot write the resource journal");
        }
    }

    /// A number for a case about to write to the journal.
    pub fn case(&self) -> u64 {
        self.cases
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Where the run's accounts live.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// Name `accounts` (once per pair) before a case sends its first request as them:
    /// a sweep then looks there even if the run was killed before it journaled a
    /// resource of theirs.
    pub fn accounts(&self, accounts: &Accounts) {
        let pair = (accounts.owner.clone(), accounts.partner.clone());
        let mut named = self.named.lock().unwrap_or_else(|p| p.into_inner());
        if !named.insert(pair) {
            return;
        }
        let entry = JournalEntry::new(
            &self.run_id,
            "accounts",
            Principal::Owner,
            ("", &Value::Null),
            accounts,
            &self.place,
        );
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Journal::append(&mut guard.0, &entry);
        drop((guard, named));
        self.make_durable();
    }

    /// Bring the journal up to date with the delete calls of everything `case` has
    /// live now (`Model::teardown`), acting as `accounts`: new ones are journaled as
    /// created, ones of this case no longer live as deleted. Other cases' resources
    /// are not touched.
    pub fn sync(&self, case: u64, accounts: &Accounts, live: &[(Principal, &str, &Value)]) {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (file, known) = &mut *guard;
        let mut now_live = BTreeSet::new();
        let mut written = false;
        for (principal, operation, body) in live {
            let entry = JournalEntry::new(
                &self.run_id,
                "created",
                *principal,
                (operation, body),
                accounts,
                &self.place,
            );
            let key = entry.key();
            now_live.insert(key.clone());
            if let std::collections::btree_map::Entry::Vacant(slot) = known.entry(key) {
                written |= Journal::append(file, &entry);
                slot.insert((case, entry));
            }
        }
        let gone: Vec<String> = known
            .iter()
            .filter(|(k, (owner, _))| *owner == case && !now_live.contains(*k))
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            if let Some((_, mut entry)) = known.remove(&key) {
                entry.event = "deleted".to_owned();
                entry.at = now();
                Journal::append(file, &entry);
            }
        }
        drop(guard);
        if written {
            self.make_durable();
        }
    }

    /// Mark one resource of `accounts` deleted (by its delete call).
    pub fn deleted(
        &self,
        principal: Principal,
        accounts: &Accounts,
        operation: &str,
        body: &Value,
    ) {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (file, known) = &mut *guard;
        let entry = JournalEntry::new(
            &self.run_id,
            "deleted",
            principal,
            (operation, body),
            accounts,
            &self.place,
        );
        known.remove(&entry.key());
        Journal::append(file, &entry);
    }

    /// Forget the live set of a finished case (its resources were deleted or reset).
    pub fn forget(&self, case: u64) {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        guard.1.retain(|_, (owner, _)| *owner != case);
    }

    /// The resources of `path` created and not deleted, for one run (`None`: all
    /// runs), in deletion order (children first; newest first within a rank).
    pub fn leftovers(path: &Path, run_id: Option<&str>) -> std::io::Result<Vec<JournalEntry>> {
        let mut live: Vec<JournalEntry> = Vec::new();
        for entry in Journal::read(path, run_id)? {
            if !matches!(entry.event.as_str(), "created" | "deleted") {
                continue;
            }
            let key = (entry.run_id.clone(), entry.key());
            live.retain(|e| (e.run_id.clone(), e.key()) != key);
            if entry.event == "created" {
                live.push(entry);
            }
        }
        live.reverse();
        live.sort_by_key(|e| delete_rank(&e.operation));
        Ok(live)
    }

    /// Every line of `path` of one run (`None`: all runs), in order; a torn line
    /// (killed mid-write) is skipped.
    fn read(path: &Path, run_id: Option<&str>) -> std::io::Result<Vec<JournalEntry>> {
        let text = std::fs::read_to_string(path)?;
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str::<JournalEntry>(l).ok())
            .filter(|e| run_id.is_none_or(|r| r == e.run_id))
            .collect())
    }

    /// Every pair of accounts the lines of one run (`None`: all runs) name, by an
    /// `accounts` line or a resource's, with where they live; version-1 lines name
    /// none (their resources belong to the configured accounts).
    pub fn accounts_named(
        path: &Path,
        run_id: Option<&str>,
    ) -> std::io::Result<Vec<(Accounts, Option<Place>)>> {
        let mut named: Vec<(Accounts, Option<Place>)> = Vec::new();
        for entry in Journal::read(path, run_id)? {
            if let Some(accounts) = entry.accounts {
                if !named.iter().any(|(a, _)| *a == accounts) {
                    named.push((accounts, entry.place));
                }
            }
        }
        Ok(named)
    }

    /// Append `deleted` for an entry (sweep).
    pub fn mark_deleted(path: &Path, entry: &JournalEntry) -> std::io::Result<()> {
        let mut file = open_append(path)?;
        let done = JournalEntry {
            event: "deleted".to_owned(),
            at: now(),
            ..entry.clone()
        };
        Journal::append(&mut file, &done);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn place() -> Place {
        Place {
            selector: AccountSelector::AccessKey,
            region: "us-east-1".to_owned(),
            endpoint: TargetKind::Url,
        }
    }

    #[test]
    fn leftovers_are_created_minus_deleted_in_dependency_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.ndjson");
        let mine = Accounts::default();
        let a = Journal::open(&path, "run-a", place()).unwrap();
        let con = json!({"connectionId": "dxcon-1"});
        let vif = json!({"virtualInterfaceId": "dxvif-1"});
        let old = json!({"connectionId": "dxcon-0"});
        a.sync(0, &mine, &[(Principal::Owner, "DeleteConnection", &old)]);
        a.sync(
            0,
            &mine,
            &[
                (Principal::Owner, "DeleteConnection", &con),
                (Principal::Owner, "DeleteVirtualInterface", &vif),
            ],
        );
        let b = Journal::open(&path, "run-b", place()).unwrap();
        let lag = json!({"lagId": "dxlag-1"});
        b.sync(0, &mine, &[(Principal::Partner, "DeleteLag", &lag)]);
        b.deleted(Principal::Partner, &mine, "DeleteLag", &lag);
        // A torn line does not hide the rest.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"run_id\":\"run")
            .unwrap();
        let left = Journal::leftovers(&path, Some("run-a")).unwrap();
        let ops: Vec<_> = left.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(
            ops,
            ["DeleteVirtualInterface", "DeleteConnection"],
            "dxcon-0 left the live set"
        );
        assert!(Journal::leftovers(&path, Some("run-b")).unwrap().is_empty());
        assert_eq!(Journal::leftovers(&path, None).unwrap().len(), 2);
        Journal::mark_deleted(&path, &left[0]).unwrap();
        assert_eq!(Journal::leftovers(&path, None).unwrap().len(), 1);
    }

    #[test]
    fn version_two_lines_name_the_owner_account_and_its_place_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.ndjson");
        let fresh = Accounts {
            owner: "800000000004".to_owned(),
            partner: "800000000005".to_owned(),
        };
        let j = Journal::open(&path, "run-a", place()).unwrap();
        j.accounts(&fresh);
        j.accounts(&fresh);
        let hosted = json!({"connectionId": "dxcon-9"});
        j.sync(
            7,
            &fresh,
            &[(Principal::Partner, "DeleteConnection", &hosted)],
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "one accounts line per pair: {text}");
        assert_eq!(lines[0]["event"], "accounts");
        assert_eq!(lines[1]["v"], 2);
        assert_eq!(lines[1]["account"], "800000000005");
        assert_eq!(lines[1]["accounts"]["owner"], "800000000004");
        assert_eq!(lines[1]["place"]["selector"]["kind"], "access-key");
        assert_eq!(lines[1]["place"]["region"], "us-east-1");
        assert!(!text.to_ascii_lowercase().contains("secret"), "{text}");
        let named = Journal::accounts_named(&path, Some("run-a")).unwrap();
        assert_eq!(named, [(fresh.clone(), Some(place()))]);
        let left = Journal::leftovers(&path, None).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].account.as_deref(), Some("800000000005"));
        // The same delete call in another account is another resource.
        j.deleted(
            Principal::Partner,
            &Accounts::default(),
            "DeleteConnection",
            &hosted,
        );
        assert_eq!(Journal::leftovers(&path, None).unwrap().len(), 1);
        j.deleted(Principal::Partner, &fresh, "DeleteConnection", &hosted);
        assert!(Journal::leftovers(&path, None).unwrap().is_empty());
    }

    #[test]
    fn version_one_journals_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.ndjson");
        std::fs::write(
            &path,
            concat!(
                r#"{"run_id":"r","event":"created","operation":"DeleteLag","body":{"lagId":"dxlag-1"},"principal":"owner","at":1}"#,
                "\n",
                r#"{"run_id":"r","event":"created","operation":"DeleteConnection","body":{"connectionId":"dxcon-1"},"principal":"partner","at":1}"#,
                "\n",
                r#"{"run_id":"r","event":"deleted","operation":"DeleteLag","body":{"lagId":"dxlag-1"},"principal":"owner","at":2}"#,
                "\n",
            ),
        )
        .unwrap();
        let left = Journal::leftovers(&path, Some("r")).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!((left[0].v, left[0].principal), (1, Principal::Partner));
        assert_eq!(left[0].account, None);
        assert!(Journal::accounts_named(&path, None).unwrap().is_empty());
    }
}
