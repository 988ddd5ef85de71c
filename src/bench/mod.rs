//! `dxconform bench`: where the time of a run goes.
//!
//! For each target (the reference target served by a child `dxconform serve`
//! process, and moto when it is installed) and each `--jobs` value, a trial runs
//! the ordinary search with every lane's requests tapped, then replays exactly
//! those requests (resets included, same lanes, same concurrency) with a minimal
//! HTTP/1.1 client that checks nothing. The target lives in another process, so
//! this process's CPU time is the harness's own. Medians over the trials go to
//! `reports/bench.md` with the machine they ran on. Numbers live here, never in tests.

mod nagle;
mod no_reset;
mod raw;
mod replay;
mod verdict;

pub use nagle::NagleRow;
pub use no_reset::NoResetRow;
pub use replay::ReplayRow;
pub use verdict::{VerdictRow, VERDICT_TARGETS};

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::run::{RunConfig, RunError};
use crate::target::{TapSet, TargetConfig, TargetKind};

/// What `dxconform bench` measures; its fields are the command's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchConfig {
    /// Seed of every trial.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Cases per trial against the reference target.
    #[arg(long, default_value_t = 2000)]
    pub cases: u32,
    /// `--jobs` values to measure against the reference target (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 2, 4, 8, 16, 32])]
    pub jobs: Vec<usize>,
    /// Trials per row (medians are reported).
    #[arg(long, default_value_t = 5)]
    pub trials: u32,
    /// Cases per trial against moto (0: skip moto).
    #[arg(long, default_value_t = 60)]
    pub moto_cases: u32,
    /// `--jobs` values against moto (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 4])]
    pub moto_jobs: Vec<usize>,
    /// Cases per Nagle row: runs through a Python http.server proxy with Nagle off and on (0: skip).
    #[arg(long, default_value_t = 40)]
    pub nagle_cases: u32,
    /// Cases per no-reset row: runs against a served reference target without reset, each case tearing down what it created (0: skip).
    #[arg(long, default_value_t = 300)]
    pub no_reset_cases: u32,
    /// `--jobs` values of the no-reset rows (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 4])]
    pub no_reset_jobs: Vec<usize>,
    /// Cases of the replay row: recorded on a served reference target without reset, replayed against a fresh one (0: skip).
    #[arg(long, default_value_t = 1000)]
    pub replay_cases: u32,
    /// moto_server executable (default: $DXCONFORM_MOTO_SERVER, .venv/bin/moto_server, PATH).
    #[arg(long, env = "DXCONFORM_MOTO_SERVER")]
    pub moto_server: Option<PathBuf>,
    /// Measure only the time to verdict (the faithful target and three mutants served
    /// behind a loopback endpoint with default waits), not the throughput rows.
    #[arg(long)]
    pub verdict: bool,
    /// Cases per time-to-verdict run (0: skip the section).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub verdict_cases: u32,
}

/// Why a benchmark could not run.
#[derive(Debug, Error)]
pub enum BenchError {
    /// A run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The reference target process could not be started.
    #[error(transparent)]
    Serve(#[from] crate::target::ServeProcessError),
    /// The raw replay failed.
    #[error("raw replay failed: {0}")]
    Raw(String),
    /// The target could not be launched (e.g. moto).
    #[error(transparent)]
    Target(#[from] crate::target::TargetError),
    /// An I/O error of the runtime.
    #[error("runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// A recording or its replay failed.
    #[error(transparent)]
    Cassette(#[from] crate::cassette::CassetteError),
}

/// One trial: the harness run and the raw replay of its requests.
#[derive(Debug, Clone, Copy)]
pub struct Trial {
    /// Model-checked operations (steps sent and checked, search and re-runs).
    pub operations: u64,
    /// Every request the run sent (operations, resets, discovery).
    pub requests: u64,
    /// Wall time of the run.
    pub wall: Duration,
    /// CPU time (user + system) of this process during the run: the harness's own.
    pub cpu: Duration,
    /// Requests the raw replay sent (the same sequence).
    pub raw_requests: u64,
    /// Wall time of the raw replay.
    pub raw_wall: Duration,
    /// CPU time of this process during the raw replay: what a client that checks
    /// nothing spends to send the same requests (HTTP/1.1, and on loopback the
    /// kernel's delivery of every packet to the target, which runs on the sender's CPU).
    pub raw_cpu: Duration,
}

impl Trial {
    /// Model-checked operations per second.
    pub fn operations_per_second(&self) -> f64 {
        self.operations as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Harness CPU per model-checked operation, in microseconds.
    pub fn cpu_per_operation_us(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / (self.operations.max(1) as f64)
    }

    /// The bare client's CPU per request, in microseconds: the transport's floor.
    pub fn raw_cpu_per_request_us(&self) -> f64 {
        self.raw_cpu.as_secs_f64() * 1e6 / (self.raw_requests.max(1) as f64)
    }

    /// Harness CPU per operation above what the bare client spends on the same
    /// requests (the transport's floor times the requests per operation), in microseconds:
    /// what generating, predicting, checking and recording cost.
    pub fn cpu_above_transport_per_operation_us(&self) -> f64 {
        let floor = self.raw_cpu_per_request_us() * self.requests as f64;
        (self.cpu.as_secs_f64() * 1e6 - floor).max(0.0) / (self.operations.max(1) as f64)
    }

    /// Requests per second of the run.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Requests per second of the raw replay.
    pub fn raw_requests_per_second(&self) -> f64 {
        self.raw_requests as f64 / self.raw_wall.as_secs_f64().max(1e-9)
    }

    /// The run's request rate as a share of the raw replay's (1.0: target-bound).
    pub fn ratio(&self) -> f64 {
        self.requests_per_second() / self.raw_requests_per_second().max(1e-9)
    }
}

/// The trials of one target at one `--jobs`.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Target label.
    pub target: String,
    /// `--jobs`.
    pub jobs: usize,
    /// Cases per trial.
    pub cases: u32,
    /// Every trial.
    pub trials: Vec<Trial>,
    /// Findings of the first trial (a benchmark of a broken target is no benchmark).
    pub failures: usize,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

impl Measurement {
    /// Median over the trials of one of [`Trial`]'s rates, such as
    /// `m.median(Trial::operations_per_second)`.
    pub fn median(&self, rate: impl Fn(&Trial) -> f64) -> f64 {
        median(self.trials.iter().map(rate).collect())
    }
}

/// Everything `dxconform bench` measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// The configuration.
    pub config: BenchConfig,
    /// Measurements, reference target first.
    pub measurements: Vec<Measurement>,
    /// Why moto was not measured, if it was not.
    pub moto_skipped: Option<String>,
    /// The warm-up: a first trial against the reference target, before the rows,
    /// with the process's caches empty (its `--jobs` and the trial).
    pub warm_up: Option<(usize, Trial)>,
    /// Time to verdict per target (empty when skipped: `--verdict-cases 0`).
    pub verdict: Vec<VerdictRow>,
    /// The Nagle rows, or why they were not measured.
    pub nagle: Result<Vec<NagleRow>, String>,
    /// The no-reset rows, or why they were not measured.
    pub no_reset: Result<Vec<NoResetRow>, String>,
    /// The replay row, or why it was not measured.
    pub replay: Result<ReplayRow, String>,
}

/// CPU time (user + system) this process has used so far.
fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass; RUSAGE_SELF is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    let micros = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

/// One trial of `jobs` against the target `target` (already running).
fn trial(
    config: &BenchConfig,
    target: &TargetConfig,
    cases: u32,
    jobs: usize,
) -> Result<(Trial, usize), BenchError> {
    let run_config = RunConfig {
        target: target.clone(),
        cases,
        seed: config.seed,
        jobs,
        // The search is what is measured: failures are re-run once, not shrunk (moto has
        // dozens of buckets, and shrinking them would be most of a trial).
        max_shrink_iters: 0,
        ..RunConfig::default()
    };
    let cpu = process_cpu();
    let started = Instant::now();
    let report = crate::run::run(&run_config)?;
    let wall = started.elapsed();
    let cpu = process_cpu().saturating_sub(cpu);
    // The requests to replay come from a second, unmeasured run of the same seed with
    // a tap on every lane: recording each request (its URL, headers and body copied)
    // is the benchmark's work, not the harness's. Plans are a function of the seed,
    // so it sends the same sequence of operations.
    let taps = TapSet::default();
    crate::run::run(&RunConfig {
        taps: Some(taps.clone()),
        ..run_config
    })?;
    let lanes = taps.take();
    let requests = lanes.iter().map(|l| l.len() as u64).sum();
    // The raw replay starts from a clean target, as the run did.
    let raw_cpu = process_cpu();
    let (raw_requests, raw_wall) = raw::replay(target, lanes, jobs)?;
    let raw_cpu = process_cpu().saturating_sub(raw_cpu);
    let failures = report.failures().count();
    Ok((
        Trial {
            // Every step sent and checked, the re-runs of failures included.
            operations: report.requests,
            requests,
            wall,
            cpu,
            raw_requests,
            raw_wall,
            raw_cpu,
        },
        failures,
    ))
}

fn measure(
    config: &BenchConfig,
    label: &str,
    target: &TargetConfig,
    cases: u32,
    jobs: usize,
    progress: &mut dyn FnMut(&str),
) -> Result<Measurement, BenchError> {
    let mut trials = Vec::new();
    let mut failures = 0;
    for n in 0..config.trials.max(1) {
        let (t, f) = trial(config, target, cases, jobs)?;
        if n == 0 {
            failures = f;
        }
        progress(&format!(
            "{label} --jobs {jobs} trial {}: {:.0} ops/s, {:.1} µs harness CPU/op ({:.1} above the bare client's {:.1} µs/req), raw replay {:.0} req/s (run {:.0} req/s, {:.0}%)",
            n + 1,
            t.operations_per_second(),
            t.cpu_per_operation_us(),
            t.cpu_above_transport_per_operation_us(),
            t.raw_cpu_per_request_us(),
            t.raw_requests_per_second(),
            t.requests_per_second(),
            t.ratio() * 100.0
        ));
        trials.push(t);
    }
    Ok(Measurement {
        target: label.to_owned(),
        jobs,
        cases,
        trials,
        failures,
    })
}

/// The time-to-verdict rows (`--verdict-cases`; none when 0).
fn verdict_rows(
    config: &BenchConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<VerdictRow>, BenchError> {
    let mut rows = Vec::new();
    if config.verdict_cases == 0 {
        return Ok(rows);
    }
    for mutant in VERDICT_TARGETS {
        let row = verdict::measure(config.seed, config.verdict_cases, mutant)?;
        let first = row
            .first_finding
            .map_or("none".to_owned(), |f| format!("{:.1} s", f.as_secs_f64()));
        let (target, complete) = (&row.target, row.complete.as_secs_f64());
        let (failures, full, shortened) = (row.failures, row.full_waits, row.shortened_waits);
        progress(&format!("time to verdict, {target}: first finding {first}, complete report {complete:.1} s ({failures} failure buckets, {full} full waits, {shortened} shortened)"));
        rows.push(row);
    }
    Ok(rows)
}

/// Run the benchmark; `progress` hears one line per trial.
pub fn bench(
    config: &BenchConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<BenchReport, BenchError> {
    if config.verdict {
        return Ok(BenchReport {
            config: config.clone(),
            measurements: Vec::new(),
            moto_skipped: Some("not asked for (--verdict)".to_owned()),
            warm_up: None,
            verdict: verdict_rows(config, progress)?,
            nagle: Err("not asked for (--verdict)".to_owned()),
            no_reset: Err("not asked for (--verdict)".to_owned()),
            replay: Err("not asked for (--verdict)".to_owned()),
        });
    }
    let mut measurements = Vec::new();
    let mut warm_up = None;
    let nagle;
    {
        let served = crate::target::ServedReference::start()?;
        let target = TargetConfig {
            kind: TargetKind::Embedded,
            endpoint: Some(served.endpoint().to_owned()),
            ..TargetConfig::default()
        };
        // Caches that live as long as the process (the SDK verdict of each answer
        // skeleton, compiled patterns) fill in the first run: one trial warms them,
        // and is reported apart, so that every row measures the same, warm, work.
        if let Some(&jobs) = config.jobs.iter().max() {
            let (trial, _) = trial(config, &target, config.cases, jobs)?;
            progress(&format!(
                "warm-up --jobs {jobs}: {:.1} µs harness CPU/op",
                trial.cpu_per_operation_us()
            ));
            warm_up = Some((jobs, trial));
        }
        for &jobs in &config.jobs {
            measurements.push(measure(
                config,
                "reference target",
                &target,
                config.cases,
                jobs,
                progress,
            )?);
        }
        nagle = if config.nagle_cases == 0 {
            Err("not asked for (--nagle-cases 0)".to_owned())
        } else {
            nagle::measure(served.endpoint(), config.seed, config.nagle_cases, progress)?
        };
    }
    let no_reset = if config.no_reset_cases == 0 {
        Err("not asked for (--no-reset-cases 0)".to_owned())
    } else {
        Ok(no_reset::measure(
            config.seed,
            config.no_reset_cases,
            &config.no_reset_jobs,
            progress,
        )?)
    };
    let replay = if config.replay_cases == 0 {
        Err("not asked for (--replay-cases 0)".to_owned())
    } else {
        Ok(replay::measure(config.seed, config.replay_cases, progress)?)
    };
    let mut moto_skipped = None;
    if config.moto_cases == 0 {
        moto_skipped = Some("not asked for (--moto-cases 0)".to_owned());
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let moto = TargetConfig {
            kind: TargetKind::Moto,
            moto_server: config.moto_server.clone(),
            ..TargetConfig::default()
        };
        match runtime.block_on(crate::target::LaunchedTarget::launch(&moto, None)) {
            Err(e) => moto_skipped = Some(format!("moto could not be started: {e}")),
            Ok(launched) => {
                let label = launched
                    .identity
                    .version
                    .clone()
                    .unwrap_or_else(|| "moto".to_owned());
                let target = TargetConfig {
                    endpoint: Some(launched.identity.endpoint.clone()),
                    ..moto
                };
                let mut result = Ok(());
                for &jobs in &config.moto_jobs {
                    match measure(config, &label, &target, config.moto_cases, jobs, progress) {
                        Ok(m) => measurements.push(m),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                runtime.block_on(launched.stop());
                result?;
            }
        }
    }
    let verdict = verdict_rows(config, progress)?;
    Ok(BenchReport {
        config: config.clone(),
        measurements,
        moto_skipped,
        warm_up,
        verdict,
        nagle,
        no_reset,
        replay,
    })
}

/// The machine a benchmark ran on, from /proc (Linux) and the environment.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(
            || "unknown memory".to_owned(),
            |kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0),
        );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| std::env::consts::OS.to_owned());
    format!(
        "{cpu}, {cores} cores available, {memory}, Linux {kernel}, {}",
        std::env::consts::ARCH
    )
}

/// The throughput rows: what each trial measured, per target and `--jobs`.
fn throughput_table(out: &mut String, report: &BenchReport) {
    let _ = writeln!(
        out,
        "Each trial runs the search (every answer checked against the model and the specification), \
         runs it again unmeasured with every request recorded, and then replays those requests — resets \
         included, on the same number of connections — with the run's own HTTP/1.1 transport and nothing \
         else, checking nothing: the target-bound ceiling. The target runs in \
         another process (`dxconform serve`, or moto), so the CPU time of this process is the harness's: \
         *harness CPU* is all of it per operation. Part of it is the transport's floor, which any client pays: \
         HTTP/1.1 framing, the syscalls, and on loopback the kernel's delivery of each packet to the target, \
         which runs on the sender's CPU. The bare client's CPU per request measures that floor, and *above the \
         bare client* is the harness CPU per operation minus the floor for the requests it sent: what \
         generating, predicting, checking and recording cost. Failures are re-run once but not shrunk during \
         a trial; model-checked operations are the steps sent and checked (resets and discovery calls are \
         requests, not operations).\n"
    );
    table(
        out,
        "| target | --jobs | cases | model-checked ops/s | harness CPU µs/op | bare client CPU µs/req | harness CPU above the bare client µs/op | run req/s | raw replay req/s | run / raw | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        report.measurements.iter().map(|m| {
            let median = |f: fn(&Trial) -> f64, digits: usize| format!("{:.*}", digits, m.median(f));
            vec![
                m.target.to_string(),
                m.jobs.to_string(),
                m.cases.to_string(),
                median(Trial::operations_per_second, 0),
                median(Trial::cpu_per_operation_us, 1),
                median(Trial::raw_cpu_per_request_us, 1),
                median(Trial::cpu_above_transport_per_operation_us, 1),
                median(Trial::requests_per_second, 0),
                median(Trial::raw_requests_per_second, 0),
                format!("{:.0}%", m.median(Trial::ratio) * 100.0),
                m.failures.to_string(),
            ]
        }),
    );
}

/// A Markdown table: its `header` and `rule` lines, then one line per row of cells.
pub(super) fn table(
    out: &mut String,
    header: &str,
    rule: &str,
    rows: impl IntoIterator<Item = Vec<String>>,
) {
    let _ = writeln!(out, "{header}\n{rule}");
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
}

/// `reports/bench.md`.
pub fn markdown(report: &BenchReport) -> String {
    let c = &report.config;
    let mut out = String::new();
    let _ = writeln!(out, "# dxconform bench\n");
    let _ = writeln!(
        out,
        "Machine: {}. dxconform {} (release build), seed {}, {}.\n",
        machine(),
        env!("CARGO_PKG_VERSION"),
        c.seed,
        if c.verdict {
            "time to verdict only (`--verdict`)".to_owned()
        } else {
            format!("{} trials per row (medians)", c.trials.max(1))
        }
    );
    if !report.measurements.is_empty() {
        throughput_table(&mut out, report);
    }
    if let Some(reason) = &report.moto_skipped {
        let _ = writeln!(out, "\nmoto: not measured ({reason}).");
    }
    let best = report
        .measurements
        .iter()
        .filter(|m| m.target == "reference target")
        .max_by(|a, b| {
            a.median(Trial::operations_per_second)
                .total_cmp(&b.median(Trial::operations_per_second))
        });
    if let Some(best) = best {
        let _ = writeln!(
            out,
            "\nBest against the reference target: --jobs {}, {:.0} model-checked operations per second, \
             {:.1} µs of harness CPU per operation, {:.1} µs of it above the bare client's transport floor \
             (medians of the trials' per-operation means).",
            best.jobs,
            best.median(Trial::operations_per_second),
            best.median(Trial::cpu_per_operation_us),
            best.median(Trial::cpu_above_transport_per_operation_us)
        );
    }
    if let Some((jobs, trial)) = &report.warm_up {
        let _ = writeln!(
            out,
            "\nWarm-up, not in the rows: the benchmark's first trial (reference target, --jobs {jobs}) \
             runs with the process's caches empty — chiefly the SDK verdict of each answer skeleton \
             (`sdk.parse` hands each new skeleton to aws-sdk-directconnect once per process) — and \
             spent {:.1} µs of harness CPU per operation ({:.0} model-checked operations per second). \
             That is what a lone `dxconform run` of {} cases in a fresh process pays; the rows are \
             what every later run in a process pays (`mutants`, `bench`, a test suite) and what a \
             long run's later cases pay.",
            trial.cpu_per_operation_us(),
            trial.operations_per_second(),
            report.config.cases
        );
    }
    nagle_section(&mut out, &report.nagle);
    no_reset_section(&mut out, &report.no_reset);
    replay_section(&mut out, &report.replay);
    if !report.verdict.is_empty() {
        verdict::section(&mut out, &report.verdict);
    }
    let _ = writeln!(
        out,
        "\nReproduce: `cargo build --release && ./target/release/dxconform bench --out reports/bench.md` \
         (moto from `.venv`, as `.ci/run` installs it)."
    );
    out
}

/// A section's heading; its rows, or a line saying why they were not measured.
fn measured_section<'a, T>(
    out: &mut String,
    title: &str,
    rows: &'a Result<Vec<T>, String>,
) -> Option<&'a [T]> {
    let _ = writeln!(out, "\n## {title}\n");
    match rows {
        Err(reason) => {
            let _ = writeln!(out, "Not measured ({reason}).");
            None
        }
        Ok(rows) => Some(rows),
    }
}

/// The Nagle rows: wall time per request through a Python `http.server` proxy that
/// writes head and body apart, with Nagle off and on.
fn nagle_section(out: &mut String, nagle: &Result<Vec<NagleRow>, String>) {
    let Some(rows) = measured_section(out, "Targets that leave Nagle on", nagle) else {
        return;
    };
    let _ = writeln!(
        out,
        "A Python `http.server` proxy (`src/bench/nagle_proxy.py`) in front of the reference target \
         writes each answer's head and body in two writes, as http.server does; with Nagle on, the body \
         waits for the head's ACK, which the client's kernel delays (40 ms on Linux). The loopback \
         transport asks for a quick ACK (`TCP_QUICKACK`) before waiting for the rest of an answer that \
         came in pieces. One run of the same seed per row, `--jobs 1`, wall time per request \
         (the proxy's own Python time included).\n"
    );
    let base = rows.first().map_or(1.0, NagleRow::ms_per_request);
    table(
        out,
        "| proxy | requests | wall s | ms/request | vs Nagle off |",
        "|---|---:|---:|---:|---:|",
        rows.iter().map(|row| {
            vec![
                row.label.to_string(),
                row.requests.to_string(),
                format!("{:.2}", row.wall.as_secs_f64()),
                format!("{:.2}", row.ms_per_request()),
                format!("{:.2}×", row.ms_per_request() / base.max(1e-9)),
            ]
        }),
    );
}

/// The no-reset rows: wall time per case against a target without reset, and what
/// the cases' teardowns did.
fn no_reset_section(out: &mut String, rows: &Result<Vec<NoResetRow>, String>) {
    let Some(rows) = measured_section(out, "Without reset: teardown", rows) else {
        return;
    };
    let _ = writeln!(
        out,
        "A served reference target named as a plain URL, without a reset URL (as real AWS): every \
         case deletes what it created (children first; a delete the model knows cannot succeed is \
         not sent, a refused one is sent again only after a pass that made progress, at most 3 \
         passes, never after a sleep), and the run journals its creates. One run of the same seed \
         per row, no waits for asynchronous states; teardown idle is its time with no request in \
         flight, leftovers what it could not delete (report.json `teardown`).\n"
    );
    table(
        out,
        "| --jobs | cases | wall s | ms/case | teardown ms/case | deletes | retries | already gone | idle ms | leftovers |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        rows.iter().map(|row| {
            let t = &row.teardown;
            let times = [row.wall.as_secs_f64(), row.ms_per_case(), row.teardown_ms_per_case()];
            let counts = [t.deletes, t.retries, t.gone, t.idle_ms, t.leftovers];
            [row.jobs.to_string(), row.cases.to_string()]
                .into_iter()
                .chain(times.map(|x| format!("{x:.2}")))
                .chain(counts.map(|n| n.to_string()))
                .collect()
        }),
    );
}

/// The replay row: a recording made without reset, replayed against a fresh target.
fn replay_section(out: &mut String, row: &Result<ReplayRow, String>) {
    let rows = row.clone().map(|r| vec![r]);
    let Some(rows) = measured_section(out, "Without reset: recordings that replay", &rows) else {
        return;
    };
    let _ = writeln!(
        out,
        "`dxconform run --record` against a served reference target without a reset URL (cases \
         share its accounts, as on a real account), then `dxconform parity` of that cassette \
         against a fresh served target, also without reset (docs/cassettes.md). Left out: list \
         items of other cases' resources, which recording and replay ignore as the run does.\n"
    );
    table(
        out,
        "| cases | exchanges compared | differences | left out | record s | parity s | parity / record |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        rows.iter().map(|row| {
            let counts = [row.cases, row.compared, row.differences, row.left_out];
            let seconds = [row.record.as_secs_f64(), row.parity.as_secs_f64()];
            counts
                .map(|n| n.to_string())
                .into_iter()
                .chain(seconds.map(|x| format!("{x:.2}")))
                .chain([format!("{:.2}×", row.ratio())])
                .collect()
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }

    #[test]
    fn the_transport_floor_is_the_bare_clients_cpu_per_request_times_the_runs_requests() {
        let trial = Trial {
            operations: 100,
            requests: 120,
            wall: Duration::from_secs(1),
            cpu: Duration::from_micros(6_000),
            raw_requests: 120,
            raw_wall: Duration::from_millis(500),
            raw_cpu: Duration::from_micros(1_200),
        };
        assert_eq!(trial.cpu_per_operation_us(), 60.0);
        assert_eq!(trial.raw_cpu_per_request_us(), 10.0);
        // 6000 µs − 120 requests × 10 µs = 4800 µs over 100 operations.
        assert_eq!(trial.cpu_above_transport_per_operation_us(), 48.0);
        let cheaper_than_the_floor = Trial {
            cpu: Duration::from_micros(1_000),
            ..trial
        };
        assert_eq!(
            cheaper_than_the_floor.cpu_above_transport_per_operation_us(),
            0.0
        );
    }

    #[test]
    fn process_cpu_grows_with_work() {
        let before = process_cpu();
        let mut x = 0u64;
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(30) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(process_cpu() > before);
    }
}
