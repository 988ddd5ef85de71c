//! The resource journal: every resource a run creates on a target that cannot be
//! reset is appended (and fsync'd) to a local NDJSON file the moment its id is
//! known, and marked deleted when it is gone, so `dxconform sweep` can delete the
//! leftovers of a run that was killed. Entries carry the delete call itself; a
//! sweep touches nothing that is not in the journal.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vocab::Principal;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The run that created the resource.
    pub run_id: String,
    /// `created` or `deleted`.
    pub event: String,
    /// The call that deletes the resource (operation).
    pub operation: String,
    /// Its body (names the resource id).
    pub body: Value,
    /// The principal that may delete it.
    pub principal: Principal,
    /// Epoch seconds.
    pub at: u64,
}

impl JournalEntry {
    fn key(&self) -> String {
        format!("{} {}", self.operation, self.body)
    }
}

/// Journaled resources still live: key → (the case that has it, its entry).
type LiveEntries = BTreeMap<String, (u64, JournalEntry)>;

/// An open journal of one run.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    run_id: String,
    /// The file and, per journaled resource, the case that has it live and its entry.
    state: Mutex<(std::fs::File, LiveEntries)>,
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
    /// Open (append to) the journal at `path` for `run_id`.
    pub fn open(path: &Path, run_id: &str) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = open_append(path)?;
        Ok(Journal {
            path: path.to_owned(),
            run_id: run_id.to_owned(),
            state: Mutex::new((file, BTreeMap::new())),
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

    fn append(file: &mut std::fs::File, entry: &JournalEntry) {
        let mut line = serde_json::to_string(entry).unwrap_or_default();
        line.push('\n');
        if let Err(e) = file
            .write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
        {
            tracing::error!(error = %e, "cannot write the resource journal");
        }
    }

    /// A number for a case about to write to the journal.
    pub fn case(&self) -> u64 {
        self.cases
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Bring the journal up to date with the delete calls of everything `case` has
    /// live now (`Model::teardown`): new ones are journaled as created, ones of this
    /// case no longer live as deleted. Other cases' resources are not touched.
    pub fn sync(&self, case: u64, live: &[(Principal, &str, &Value)]) {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (file, known) = &mut *guard;
        let mut now_live = BTreeSet::new();
        for (principal, operation, body) in live {
            let entry = JournalEntry {
                run_id: self.run_id.clone(),
                event: "created".to_owned(),
                operation: (*operation).to_owned(),
                body: (*body).clone(),
                principal: *principal,
                at: now(),
            };
            let key = entry.key();
            now_live.insert(key.clone());
            if let std::collections::btree_map::Entry::Vacant(slot) = known.entry(key) {
                Journal::append(file, &entry);
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
    }

    /// Mark one resource deleted (by its delete call).
    pub fn deleted(&self, principal: Principal, operation: &str, body: &Value) {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (file, known) = &mut *guard;
        let entry = JournalEntry {
            run_id: self.run_id.clone(),
            event: "deleted".to_owned(),
            operation: operation.to_owned(),
            body: body.clone(),
            principal,
            at: now(),
        };
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
        let text = std::fs::read_to_string(path)?;
        let mut live: Vec<JournalEntry> = Vec::new();
        // A torn last line (killed mid-write) is skipped.
        for entry in text
            .lines()
            .filter_map(|l| serde_json::from_str::<JournalEntry>(l).ok())
        {
            if run_id.is_some_and(|r| r != entry.run_id) {
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

    #[test]
    fn leftovers_are_created_minus_deleted_in_dependency_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.ndjson");
        let a = Journal::open(&path, "run-a").unwrap();
        let con = json!({"connectionId": "dxcon-1"});
        let vif = json!({"virtualInterfaceId": "dxvif-1"});
        let old = json!({"connectionId": "dxcon-0"});
        a.sync(0, &[(Principal::Owner, "DeleteConnection", &old)]);
        a.sync(
            0,
            &[
                (Principal::Owner, "DeleteConnection", &con),
                (Principal::Owner, "DeleteVirtualInterface", &vif),
            ],
        );
        let b = Journal::open(&path, "run-b").unwrap();
        b.sync(
            0,
            &[(
                Principal::Partner,
                "DeleteLag",
                &json!({"lagId": "dxlag-1"}),
            )],
        );
        b.deleted(
            Principal::Partner,
            "DeleteLag",
            &json!({"lagId": "dxlag-1"}),
        );
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
}
