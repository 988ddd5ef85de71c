//! Argument definitions (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Property-based conformance harness for the AWS Direct Connect API.
#[derive(Debug, Parser)]
#[command(name = "dxconform", version, about)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug; or DXCONFORM_LOG=filter).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
// Parsed once per process: the size of the `run` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate operation sequences, run them against a target, check every answer.
    Run(RunArgs),
    /// Serve the reference target (Direct Connect as AWS documents it) on loopback.
    Serve(ServeArgs),
    /// Re-execute a saved failing sequence and say whether it still fails.
    Replay(ReplayArgs),
    /// Compare report.json files: a matrix of targets and, for two runs of one target, the drift.
    Compare(CompareArgs),
    /// Re-render a saved report.json as Markdown, HTML, JUnit XML or JSON.
    Report(ReportArgs),
    /// Run the suite against the reference target once per planted mutant: the kill matrix.
    Mutants(MutantsArgs),
    /// Check captured exchanges offline: one answer, a cassette, NDJSON lines or a HAR file.
    Check(OfflineArgs),
    /// Replay a cassette against another target and report the differences (parity.*).
    Parity(ParityArgs),
    /// Delete the leftovers of earlier runs recorded in a resource journal (children first).
    Sweep(SweepArgs),
    /// Measure throughput and the harness's own CPU per operation against the reference target and moto.
    Bench(BenchArgs),
    /// Join the report.json files of `run --partition K/N` shares into one report.
    Merge(MergeArgs),
    /// Explain a check id or a root-cause key: what it means, the AWS source, what emulators get wrong.
    Explain(ExplainArgs),
}

/// `dxconform explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A check id (`shape.type`) or a root-cause key (`wrong-type:loaIssueTime:string`).
    pub id: String,
}

/// A baseline of known root causes (`run`, `merge`).
#[derive(Debug, Args, Clone)]
pub struct BaselineArgs {
    /// Baseline file of known root causes: exit 0 when only known, unexpired root
    /// causes remain, 1 on any new (or expired) one; report those no longer seen.
    #[arg(long, value_name = "FILE", env = "DXCONFORM_BASELINE")]
    pub baseline: Option<PathBuf>,
    /// Write (or refresh) the --baseline file from this run's failing root causes.
    #[arg(long, requires = "baseline")]
    pub baseline_update: bool,
}

/// `dxconform bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[command(flatten)]
    pub config: crate::bench::BenchConfig,
    /// Where the Markdown report goes.
    #[arg(long, default_value = "reports/bench.md")]
    pub out: PathBuf,
}

/// `dxconform merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The report.json of every share (`run --partition K/N --out DIR` writes DIR/report.json).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Output folder for the merged report.json, report.md, report.html, junit.xml and replays/.
    #[arg(long, default_value = "dxconform-out")]
    pub out: PathBuf,
    /// Judge the merged run against a baseline (shares are judged only when merged).
    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// `dxconform sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Target selection (the target the runs created their resources on).
    #[command(flatten)]
    pub target: TargetArgs,
    /// The resource journal written by `dxconform run`.
    #[arg(long, default_value = "dxconform-out/journal.ndjson")]
    pub journal: PathBuf,
    /// Only the leftovers of this run (its id is printed by `dxconform run`).
    #[arg(long, conflicts_with = "all_runs")]
    pub run_id: Option<String>,
    /// The leftovers of every run in the journal.
    #[arg(long)]
    pub all_runs: bool,
}

/// `dxconform check`.
#[derive(Debug, Args)]
pub struct OfflineArgs {
    /// A response body file (with --operation), a cassette folder, an NDJSON file or a HAR file.
    pub input: PathBuf,
    /// The operation of a single response file.
    #[arg(long)]
    pub operation: Option<String>,
    /// The request body of a single response file (enables the model's prediction).
    #[arg(long)]
    pub request: Option<PathBuf>,
    /// HTTP status of a single response file (default: 400 with `__type`, else 200).
    #[arg(long)]
    pub status: Option<u16>,
    /// Region the answers must echo.
    #[arg(long, default_value = "us-east-1", env = "AWS_REGION")]
    pub region: String,
    /// The caller's account, when known (otherwise owner accounts are not compared).
    #[arg(long)]
    pub account: Option<String>,
    /// Check selection (only checks that need no target run).
    #[command(flatten)]
    pub checks: CheckArgs,
}

/// `dxconform parity`.
#[derive(Debug, Args)]
pub struct ParityArgs {
    /// The cassette folder (written by `dxconform run --record DIR`).
    #[arg(long)]
    pub cassette: PathBuf,
    /// Target selection.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Also write the differences as Markdown to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `dxconform mutants`.
#[derive(Debug, Args)]
pub struct MutantsArgs {
    /// Only list the mutants.
    #[arg(long)]
    pub list: bool,
    /// Only these mutants, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Cases per run (more than `run`'s default: ownership and no-op faults need a
    /// partner call or a later Describe on the same resource to show).
    #[arg(long, default_value_t = 4000)]
    pub cases: u32,
    /// Most steps per case.
    #[arg(long, default_value_t = 12)]
    pub max_steps: usize,
    /// Seed of every run.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Where to write the Markdown matrix.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also run the matrix as a user meets each mutant: served by a child
    /// `dxconform serve --mutant M` behind `--endpoint`, with the default waits of a
    /// loopback target; both matrices are reported.
    #[arg(long)]
    pub via_endpoint: bool,
    /// Cases per run of the --via-endpoint matrix (default: --cases).
    #[arg(long, value_name = "N")]
    pub endpoint_cases: Option<u32>,
    /// --jobs of each run of the --via-endpoint matrix.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub endpoint_jobs: usize,
}

/// Kinds of target on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// The reference target, in-process on an ephemeral loopback port (default).
    Embedded,
    /// The pinned moto server, started from the project's virtualenv.
    Moto,
    /// Real AWS through the standard credential chain (requires --allow-real-aws).
    Aws,
}

/// Where the target is and how to reach it.
#[derive(Debug, Args, Clone)]
pub struct TargetArgs {
    /// Kind of target.
    #[arg(
        long,
        value_enum,
        default_value = "embedded",
        env = "DXCONFORM_TARGET_KIND"
    )]
    pub target: TargetArg,
    /// Endpoint URL of a running target (any awsJson Direct Connect endpoint).
    #[arg(long, env = "DXCONFORM_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Region to sign for and expect in answers.
    #[arg(long, default_value = "us-east-1", env = "AWS_REGION")]
    pub region: String,
    /// Account id of the owner principal.
    #[arg(long, default_value = "111111111111")]
    pub owner_account: String,
    /// Account id of the partner principal.
    #[arg(long, default_value = "222222222222")]
    pub partner_account: String,
    /// For --endpoint targets: the request header that selects the account (default: the access key id is the account).
    #[arg(long)]
    pub account_header: Option<String>,
    /// For --endpoint targets: a URL POSTed before each case to reset the target.
    #[arg(long)]
    pub reset_url: Option<String>,
    /// moto_server executable (default: $DXCONFORM_MOTO_SERVER, .venv/bin/moto_server, PATH).
    #[arg(long)]
    pub moto_server: Option<PathBuf>,
    /// AWS profile of the owner principal (--target aws).
    #[arg(long)]
    pub owner_profile: Option<String>,
    /// AWS profile of the partner principal (--target aws).
    #[arg(long)]
    pub partner_profile: Option<String>,
    /// Allow a non-loopback endpoint or real AWS. Real Direct Connect resources cost money.
    #[arg(long)]
    pub allow_real_aws: bool,
    /// An account the run may act as on a real endpoint (repeatable); joined with
    /// `allowed_accounts = [...]` of the --config file. Required with --allow-real-aws.
    #[arg(long = "allow-account", value_name = "ID")]
    pub allow_account: Vec<String>,
    /// Configuration file read for `allowed_accounts` (when it exists).
    #[arg(
        long = "config",
        default_value = "dxconform.toml",
        env = "DXCONFORM_CONFIG"
    )]
    pub config_file: PathBuf,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30.0, env = "DXCONFORM_TIMEOUT")]
    pub timeout: f64,
    /// Attempts per request when throttled (429, ThrottlingException) or on 5xx, the
    /// first included (jittered exponential backoff; 1: no retries).
    #[arg(long, default_value_t = 8, env = "DXCONFORM_MAX_ATTEMPTS")]
    pub max_attempts: u32,
    /// Milliseconds a Describe missing a just-created resource is polled again before
    /// `model.visible` is reported (default: 30000 on real AWS, 3× the embedded
    /// target's consistency lag plus 500, else 0).
    #[arg(long, env = "DXCONFORM_CONSISTENCY_BUDGET_MS")]
    pub consistency_budget_ms: Option<u64>,
    /// Seconds before the first Describe poll of a wait for a state AWS leaves on its
    /// own (a VIF pending, anything deleting); later polls back off ×1.5 up to 4×.
    /// Default: 10 on real AWS, 0.05 on loopback endpoints and on the embedded target
    /// with --async-delay-ms; 0 (no waits) otherwise.
    #[arg(long, value_name = "SECS", env = "DXCONFORM_WAIT_INTERVAL")]
    pub wait_interval: Option<f64>,
    /// Seconds a wait lasts at most before `model.liveness` is reported (default 600
    /// on real AWS; on loopback derived from the run: 4× the slowest settle seen, at
    /// least 10, at most 60).
    #[arg(long, value_name = "SECS", env = "DXCONFORM_WAIT_TIMEOUT")]
    pub wait_timeout: Option<f64>,
}

/// Which checks run.
#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// Only these checks (ids or families such as `model`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Skip these checks (ids or families), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub exclude_checks: Vec<String>,
}

/// `dxconform run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Target selection.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Check selection.
    #[command(flatten)]
    pub checks: CheckArgs,
    /// Number of generated cases.
    #[arg(long, default_value_t = 1000, env = "DXCONFORM_CASES")]
    pub cases: u32,
    /// Most steps per case.
    #[arg(long, default_value_t = 12, env = "DXCONFORM_MAX_STEPS")]
    pub max_steps: usize,
    /// Seed of the run (default: random; printed so the run can be reproduced).
    #[arg(long, env = "DXCONFORM_SEED")]
    pub seed: Option<u64>,
    /// Cases run side by side against the target; the findings are the same for any value.
    #[arg(long, default_value_t = 1, env = "DXCONFORM_JOBS", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Run only share K of N of the cases (e.g. 2/4, one per CI matrix job); join the
    /// report.json files with `dxconform merge`.
    #[arg(long, env = "DXCONFORM_PARTITION")]
    pub partition: Option<crate::run::Partition>,
    /// Use only the owner principal (skip cross-account steps).
    #[arg(long)]
    pub one_account: bool,
    /// Negative-only suite: invalid inputs (one broken rule each) and the steps they need.
    #[arg(long, conflicts_with = "no_negative")]
    pub negative: bool,
    /// Positive-only suite: no invalid inputs.
    #[arg(long)]
    pub no_negative: bool,
    /// Output folder for report.json, report.md, report.html, junit.xml and replays/.
    #[arg(long, default_value = "dxconform-out")]
    pub out: PathBuf,
    /// Also write every run event as NDJSON to this file (one line per step).
    #[arg(long, env = "DXCONFORM_EVENTS")]
    pub events: Option<PathBuf>,
    /// Progress on stderr: a bar on a terminal, plain periodic lines otherwise (auto).
    #[arg(long, value_enum, default_value = "auto", env = "DXCONFORM_PROGRESS")]
    pub progress: ProgressArg,
    /// Plant a mutant into the embedded reference target (see `dxconform mutants --list`).
    #[arg(long)]
    pub mutant: Option<String>,
    /// Also record the run's plans as a cassette in this folder (docs/cassettes.md).
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// Embedded target only: milliseconds per asynchronous state change (AWS-like timing; 0: step-driven).
    /// Overrides the profile's value.
    #[arg(long, value_name = "MS")]
    pub async_delay_ms: Option<u64>,
    /// Embedded target only: milliseconds added to every answer (overrides the profile's).
    #[arg(long, value_name = "MS")]
    pub emulator_latency_ms: Option<u64>,
    /// Embedded target only: requests per second beyond which it answers 400 ThrottlingException
    /// (0: off; overrides the profile's).
    #[arg(long, value_name = "RPS")]
    pub emulator_throttle_rps: Option<u32>,
    /// Embedded target only: milliseconds a created resource is missing from Describe lists
    /// (overrides the profile's).
    #[arg(long, value_name = "MS")]
    pub emulator_consistency_lag_ms: Option<u64>,
    /// Embedded target only: the reference target's profile: `faithful` (default) or `aws`
    /// (AWS-like latency, throttling, eventual consistency, minutes-long states and the
    /// quirks of docs/aws-quirks.md; see `dxconform serve --help`).
    #[arg(long, value_name = "PROFILE", default_value = "faithful")]
    pub emulator_profile: crate::emulator::Profile,
    /// Embedded target only: factor on the profile's durations (and its inverse on its
    /// rates), in (0, 1]: 0.001 plays AWS's 45 minutes in 2.7 s.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    pub emulator_time_scale: f64,
    /// Embedded target only: the reference target's quirks (see `dxconform serve --help`).
    #[command(flatten)]
    pub emulator_quirks: EmulatorQuirkArgs,
    /// Resource journal: every resource created on a target that cannot be reset is
    /// appended here (fsync'd) the moment its id is known (default OUT/journal.ndjson).
    #[arg(long, env = "DXCONFORM_JOURNAL")]
    pub journal: Option<PathBuf>,
    /// Print the plan (operations, most resources alive at once per type, skipped flows)
    /// and exit without sending anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Budget: most live resources per type: `N` (every type), `connection=2,lag=1`, or
    /// both (`2,lag=1`). Creates beyond it are skipped and reported. Also `max_live` in
    /// the --config file.
    #[arg(long, value_name = "N|TYPE=N,…", env = "DXCONFORM_MAX_LIVE")]
    pub max_live: Option<String>,
    /// Budget: most requests in total (retries included); the search ends early and
    /// cleans up. Also `max_operations` in the --config file.
    #[arg(long, value_name = "N", env = "DXCONFORM_MAX_OPERATIONS")]
    pub max_operations: Option<u64>,
    /// Budget: most requests per second (client-side). Also `max_rps` in the --config file.
    #[arg(long, value_name = "R", env = "DXCONFORM_MAX_RPS")]
    pub max_rps: Option<f64>,
    /// Budget: most wall time in seconds; the search ends early and cleans up. Also
    /// `max_duration` in the --config file.
    #[arg(long, value_name = "SECS", env = "DXCONFORM_MAX_DURATION")]
    pub max_duration: Option<f64>,
    /// Known root causes: only new ones fail the run.
    #[command(flatten)]
    pub baseline: BaselineArgs,
    /// Stop the search after N new failing root causes (baseline-known ones do not count).
    #[arg(long, value_name = "N", env = "DXCONFORM_MAX_FAILURES", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "fail_fast")]
    pub max_failures: Option<u32>,
    /// Stop the search at the first new failing root cause (--max-failures 1).
    #[arg(long)]
    pub fail_fast: bool,
    /// What shrinking may spend over the run: requests (`500`) or seconds (`90s`);
    /// buckets past it are reported partly shrunk or unshrunk.
    #[arg(
        long,
        value_name = "REQUESTS|SECONDSs",
        env = "DXCONFORM_SHRINK_BUDGET",
        conflicts_with = "no_shrink"
    )]
    pub shrink_budget: Option<crate::run::ShrinkBudget>,
    /// Do not shrink: each reproduction is the whole case that first showed it.
    #[arg(long)]
    pub no_shrink: bool,
}

/// `dxconform serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Region the target answers for.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Milliseconds each asynchronous state change takes (requested ⇢ pending ⇢ available);
    /// 0 (the faithful profile's): every Describe moves a resource one edge further,
    /// deterministically. Overrides the profile's value, as every knob below.
    #[arg(long, value_name = "MS")]
    pub async_delay_ms: Option<u64>,
    /// Plant one deliberate deviation from AWS (see `dxconform mutants --list`).
    #[arg(long)]
    pub mutant: Option<String>,
    /// Milliseconds added to every API answer (AWS-like latency).
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Requests per second beyond which API calls are answered with 400 ThrottlingException (0: off).
    #[arg(long, value_name = "RPS")]
    pub throttle_rps: Option<u32>,
    /// Milliseconds a created resource is missing from Describe* lists (eventual consistency).
    #[arg(long, value_name = "MS")]
    pub consistency_lag_ms: Option<u64>,
    /// What the target starts from: `faithful` (default: Direct Connect as AWS documents
    /// it) or `aws` (AWS-like latency, throttling, eventual consistency, minutes-long
    /// asynchronous states and every quirk of docs/aws-quirks.md).
    #[arg(long, value_name = "PROFILE", default_value = "faithful")]
    pub profile: crate::emulator::Profile,
    /// Factor on the profile's durations (and its inverse on its rates), in (0, 1]:
    /// 0.001 plays AWS's 45 minutes in 2.7 s. Explicit knobs are not scaled.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    pub time_scale: f64,
    /// Quirks of real AWS, one by one.
    #[command(flatten)]
    pub quirks: QuirkArgs,
}

/// The quirks of `dxconform serve` (docs/aws-quirks.md), over the profile's.
#[derive(Debug, Args, Default)]
pub struct QuirkArgs {
    /// Turn a quirk on (repeatable): approving-hosted-vifs, empty-string-references,
    /// confirm-names-state, vif-needs-available-connection, deleted-not-found.
    #[arg(long = "quirk", value_name = "NAME")]
    pub on: Vec<String>,
    /// Turn a quirk off (repeatable; same names as --quirk).
    #[arg(long = "no-quirk", value_name = "NAME")]
    pub off: Vec<String>,
    /// Milliseconds a new gateway association stays `associating` (0: one asynchronous delay;
    /// needs --async-delay-ms or the aws profile).
    #[arg(long, value_name = "MS")]
    pub associating_ms: Option<u64>,
    /// One confirmed hosted connection in N goes `down` instead of `available` (0: none).
    #[arg(long, value_name = "N")]
    pub hosted_down_one_in: Option<u32>,
    /// Milliseconds Describe keeps listing a `deleted`/`rejected`/`disassociated` record (0: for ever).
    #[arg(long, value_name = "MS")]
    pub gone_retention_ms: Option<u64>,
}

/// The quirks of the embedded reference target of `dxconform run`, over its profile's.
#[derive(Debug, Args, Default)]
pub struct EmulatorQuirkArgs {
    /// Embedded target only: turn a quirk on (repeatable; names as `dxconform serve --quirk`).
    #[arg(long = "emulator-quirk", value_name = "NAME")]
    pub on: Vec<String>,
    /// Embedded target only: turn a quirk off (repeatable).
    #[arg(long = "emulator-no-quirk", value_name = "NAME")]
    pub off: Vec<String>,
    /// Embedded target only: milliseconds a new gateway association stays `associating`.
    #[arg(long = "emulator-associating-ms", value_name = "MS")]
    pub associating_ms: Option<u64>,
    /// Embedded target only: one confirmed hosted connection in N goes `down` (0: none).
    #[arg(long = "emulator-hosted-down-one-in", value_name = "N")]
    pub hosted_down_one_in: Option<u32>,
    /// Embedded target only: milliseconds Describe keeps a gone record (0: for ever).
    #[arg(long = "emulator-gone-retention-ms", value_name = "MS")]
    pub gone_retention_ms: Option<u64>,
}

impl From<&EmulatorQuirkArgs> for QuirkArgs {
    fn from(args: &EmulatorQuirkArgs) -> QuirkArgs {
        QuirkArgs {
            on: args.on.clone(),
            off: args.off.clone(),
            associating_ms: args.associating_ms,
            hosted_down_one_in: args.hosted_down_one_in,
            gone_retention_ms: args.gone_retention_ms,
        }
    }
}

/// `dxconform replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The replay file (written by `dxconform run` under OUT/replays/).
    pub file: PathBuf,
    /// Target selection.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Check selection (default: the checks recorded in the file).
    #[command(flatten)]
    pub checks: CheckArgs,
}

/// How `dxconform run` shows progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// A bar when stderr is a terminal, plain lines otherwise.
    Auto,
    /// Always the bar.
    Bar,
    /// Always plain lines (one every few seconds).
    Lines,
    /// No progress output.
    Off,
}

/// `dxconform compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// report.json files; the first is the baseline of a drift.
    #[arg(required = true, num_args = 2..)]
    pub reports: Vec<PathBuf>,
    /// Folder to write compare.md into (it is always printed).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Output formats of `dxconform report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Markdown (report.md).
    Md,
    /// One self-contained HTML page (report.html).
    Html,
    /// JUnit XML (junit.xml).
    Junit,
    /// report.json, re-serialized.
    Json,
}

/// `dxconform report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report.json to render.
    #[arg(long)]
    pub from: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: FormatArg,
    /// File to write (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
