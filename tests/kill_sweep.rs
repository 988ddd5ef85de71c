//! Kill and sweep: a run against a standalone `dxconform serve` (a target without
//! reset, as real AWS is) is killed with SIGKILL at a random moment, at `--jobs`
//! 1, 4 and 8 (shared accounts at one job, fresh per-case accounts beyond, chosen
//! by access key or by header), and `dxconform sweep` must leave no live resource
//! in any account of the target (`GET /dxconform/accounts` counts them all, also
//! in accounts the run chose itself); before the sweep, every account holding
//! live resources must be one the journal names (nothing was created outside it).
//!
//! `DXCONFORM_KILLS=N` sets how many kills (default 6); `DXCONFORM_KILL_SEED=S`
//! repeats the random moments of an earlier try (the test prints its seed).
//! Loopback only.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dxconform::target::ServedReference;
use serde_json::Value;
use support::live_accounts;

const BIN: &str = env!("CARGO_BIN_EXE_dxconform");

/// Longest wait for the run's first journaled create.
const FIRST_CREATE: Duration = Duration::from_secs(60);
/// The kill comes at most this long after the first journaled create.
const KILL_WINDOW_MS: u64 = 2000;

/// splitmix64: the random moments, reproducible from the printed seed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Every account a journal names (its `accounts` lines and its resources' pairs).
fn journal_accounts(journal: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .flat_map(|line| {
            ["owner", "partner"].map(|p| line["accounts"][p].as_str().map(str::to_owned))
        })
        .flatten()
        .collect()
}

/// One try: a run at `jobs`, its accounts chosen by `selector` flags, killed
/// `kill_after_ms` after its first journaled create, then swept.
fn kill_and_sweep(try_no: u64, jobs: usize, header: bool, delay: bool, kill_after_ms: u64) {
    let what = format!(
        "try {try_no}: --jobs {jobs}{}{}, killed {kill_after_ms} ms after the first create",
        if header { " (account header)" } else { "" },
        if delay { " (async delay 20 ms)" } else { "" },
    );
    let serve_args: &[&str] = if delay {
        &["--async-delay-ms", "20"]
    } else {
        &[]
    };
    let server = ServedReference::spawn(Path::new(BIN), serve_args).expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let account_flags: &[&str] = if header {
        &["--account-header", "x-dxconform-account-id"]
    } else {
        &[]
    };
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.ndjson");
    let mut run = Command::new(BIN)
        .args(["run", "--endpoint", &endpoint, "--cases", "3000"])
        .args(["--jobs", &jobs.to_string(), "--seed", &try_no.to_string()])
        .args(["--progress", "off"])
        .args(account_flags)
        .arg("--journal")
        .arg(&journal)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while !std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .contains("\"created\"")
    {
        assert!(
            waited.elapsed() < FIRST_CREATE,
            "{what}: nothing journaled in {FIRST_CREATE:?}"
        );
        assert!(
            run.try_wait().unwrap().is_none(),
            "{what}: the run ended before its first create"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(kill_after_ms));
    run.kill().unwrap(); // SIGKILL: no cleanup of its own
    let _ = run.wait();

    let named = journal_accounts(&journal);
    let before = live_accounts(&endpoint);
    let outside: Vec<&String> = before.keys().filter(|a| !named.contains(*a)).collect();
    assert!(
        outside.is_empty(),
        "{what}: live resources in accounts the journal does not name: {outside:?} (journal names {} accounts)",
        named.len()
    );

    let out = Command::new(BIN)
        .args(["sweep", "--endpoint", &endpoint, "--all-runs"])
        .args(account_flags)
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let after = live_accounts(&endpoint);
    assert!(
        after.is_empty(),
        "{what}: live after the sweep: {after:?}\nbefore: {before:?}\nsweep (exit {:?}):\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{what}: {stdout}");
    eprintln!(
        "{what}: {} accounts had live resources, swept: {}",
        before.len(),
        stdout.lines().last().unwrap_or_default()
    );
}

#[test]
fn a_run_killed_at_any_moment_leaves_nothing_live_in_any_account_after_a_sweep() {
    let kills: u64 = std::env::var("DXCONFORM_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    let seed: u64 = std::env::var("DXCONFORM_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    eprintln!("kill seed {seed} (DXCONFORM_KILL_SEED={seed} repeats these moments)");
    let mut state = seed;
    for try_no in 0..kills {
        let jobs = [1, 4, 8][(try_no % 3) as usize];
        let header = (try_no / 3) % 2 == 1;
        let delay = next(&mut state) % 2 == 0;
        let kill_after_ms = next(&mut state) % KILL_WINDOW_MS;
        kill_and_sweep(try_no, jobs, header, delay, kill_after_ms);
    }
}

/// The window of a kill between a proposal's create answer and its journal line:
/// the proposal carries no tag, but lives on a tagged gateway, and a gateway with a
/// pending proposal is the sweep's to clean. Deterministic, as the random kills
/// rarely land there.
#[test]
fn a_sweep_deletes_the_pending_proposals_of_a_tagged_gateway() {
    use dxconform::target::{LaunchedTarget, TargetConfig, TargetKind};
    use dxconform::vocab::Principal;
    use serde_json::json;

    let server = ServedReference::spawn(Path::new(BIN), &[]).expect("serve starts");
    let endpoint = server.endpoint().to_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = TargetConfig {
            kind: TargetKind::Url,
            endpoint: Some(endpoint.clone()),
            ..TargetConfig::default()
        };
        let target = LaunchedTarget::launch(&config, None).await.unwrap();
        let call = |principal, op: &'static str, body: Value| {
            let target = &target;
            async move {
                let ex = target.client.call(principal, op, &body).await;
                assert_eq!(
                    ex.status,
                    200,
                    "{op}: {}",
                    String::from_utf8_lossy(&ex.body)
                );
                serde_json::from_slice::<Value>(&ex.body).unwrap()
            }
        };
        let gateway = call(
            Principal::Owner,
            "CreateDirectConnectGateway",
            json!({"directConnectGatewayName": "gw", "amazonSideAsn": 64512,
                   "tags": [{"key": "dxconform:run-id", "value": "run-killed"}]}),
        )
        .await;
        let gateway = gateway["directConnectGateway"]["directConnectGatewayId"].clone();
        let vgws = call(Principal::Partner, "DescribeVirtualGateways", json!({})).await;
        let vgw = vgws["virtualGateways"][0]["virtualGatewayId"].clone();
        let owner = target.client.accounts().of(Principal::Owner).to_owned();
        call(
            Principal::Partner,
            "CreateDirectConnectGatewayAssociationProposal",
            json!({"directConnectGatewayId": gateway, "directConnectGatewayOwnerAccount": owner,
                   "gatewayId": vgw}),
        )
        .await;
        target.stop().await;
    });
    let before = live_accounts(&endpoint);
    assert_eq!(before.len(), 2, "a gateway and a proposal: {before:?}");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["sweep", "--endpoint", &endpoint, "--run-id", "run-killed"])
        .arg("--journal")
        .arg(dir.path().join("absent.ndjson"))
        .output()
        .unwrap();
    let after = live_accounts(&endpoint);
    assert!(
        after.is_empty(),
        "left: {after:?}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
