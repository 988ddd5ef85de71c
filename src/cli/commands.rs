//! Turning parsed arguments into library calls.

use std::collections::BTreeMap;
use std::time::Duration;

use super::args::{
    Cli, Command, MutantsArgs, ReplayArgs, RunArgs, ServeArgs, TargetArg, TargetArgs,
};
use super::error::{usage, CliError};
use crate::exit_code::ExitCode;
use crate::run::{ReplayFile, RunConfig, RunEnd, Serving};
use crate::target::{RealAwsOptIn, TargetConfig, TargetKind, WireOptions};
use crate::vocab::{AccountSelector, Accounts, Principal};

/// What a command returns: how it ended, or why it could not complete.
pub(super) type Result<T, E = CliError> = std::result::Result<T, E>;

/// Run the parsed command.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Serve(args) => serve(args),
        Command::Replay(args) => replay(args),
        Command::Compare(args) => compare(args),
        Command::Report(args) => report(args),
        Command::Mutants(args) => mutants(args),
        Command::Check(args) => super::offline::check(args),
        Command::Parity(args) => super::offline::parity(args),
        Command::Sweep(args) => sweep(args),
        Command::Bench(args) => bench(args),
        Command::Merge(args) => merge(args),
        Command::Explain(args) => explain(&args.id),
    }
}

fn bench(args: super::args::BenchArgs) -> Result<ExitCode> {
    let config = args.config;
    if config
        .jobs
        .iter()
        .chain(&config.moto_jobs)
        .any(|j| *j == 0 || *j > 256)
    {
        return usage("--jobs and --moto-jobs values must be between 1 and 256");
    }
    let report = crate::bench::bench(&config, &mut |line| eprintln!("{line}"))?;
    let text = crate::bench::markdown(&report);
    crate::report::write(&args.out, &text)?;
    print!("{text}");
    eprintln!("bench: {}", args.out.display());
    Ok(ExitCode::Conformant)
}

fn explain(id: &str) -> Result<ExitCode> {
    print!("{}", crate::report::explain(id)?);
    Ok(ExitCode::Conformant)
}

/// A run's baseline: the file, what it held before the run, and whether the run
/// rewrites it (`--baseline-update`).
struct RunBaseline {
    path: std::path::PathBuf,
    known: crate::report::Baseline,
    update: bool,
}

impl RunBaseline {
    /// The baseline the flags name, read before anything runs (a bad file is a
    /// usage error, not a late surprise); none without `--baseline`.
    fn load(args: &super::args::BaselineArgs) -> Result<Option<RunBaseline>> {
        let Some(path) = &args.baseline else {
            return Ok(None);
        };
        let known = if args.baseline_update {
            crate::report::Baseline::load_or_empty(path)?
        } else {
            crate::report::Baseline::load(path)?
        };
        Ok(Some(RunBaseline {
            path: path.clone(),
            known,
            update: args.baseline_update,
        }))
    }
}

/// Write every output of `report` into `out` (judged against `baseline`, which
/// `--baseline-update` rewrites), print the summary, and say how it ends.
fn write_and_summarise(
    mut report: crate::run::RunReport,
    out: &std::path::Path,
    baseline: Option<&RunBaseline>,
) -> Result<ExitCode> {
    if let Some(b) = baseline {
        b.known.judge(&mut report, &b.path.display().to_string());
        if b.update && report.complete() {
            b.known.updated(&report).save(&b.path)?;
            if let Some(summary) = report.baseline.as_mut() {
                summary.updated = true;
            }
        }
    }
    let written = crate::report::write_all(&mut report, out)?;
    print!("{}", crate::report::summary(&report));
    println!(
        "report: {}, {}, {} and {}",
        written.json.display(),
        written.markdown.display(),
        written.html.display(),
        written.junit.display()
    );
    let passes = match &report.baseline {
        // The file now lists every root cause of the run; only expired entries
        // still need the maintainer's decision.
        Some(summary) if summary.updated => summary.expired.is_empty(),
        _ => report.passes(),
    };
    Ok(if passes {
        ExitCode::Conformant
    } else {
        ExitCode::Findings
    })
}

/// Write an interrupted run's report (marked incomplete) and summary; the error
/// says by what it was interrupted and what its cleanup did. A report that cannot
/// be written is said, and the run still ends as interrupted.
fn interrupted(
    report: crate::run::RunReport,
    out: &std::path::Path,
    baseline: Option<&RunBaseline>,
) -> CliError {
    let interruption = report.interrupted.clone().unwrap_or_default();
    if let Err(e) = write_and_summarise(report, out, baseline) {
        eprintln!("error: {}", crate::vocab::error_chain(&e));
    }
    CliError::Interrupted(interruption)
}

fn merge(args: super::args::MergeArgs) -> Result<ExitCode> {
    let mut shares = Vec::new();
    for path in &args.reports {
        shares.push(crate::report::load_report(path)?);
    }
    let baseline = RunBaseline::load(&args.baseline)?;
    let report = crate::run::merge(shares)?;
    write_and_summarise(report, &args.out, baseline.as_ref())
}

fn sweep(args: super::args::SweepArgs) -> Result<ExitCode> {
    let target = target_config(&args.target)?;
    let run_id =
        if args.all_runs {
            None
        } else {
            Some(args.run_id.as_deref().ok_or_else(|| {
                CliError::Usage("name the run: --run-id ID, or --all-runs".into())
            })?)
        };
    let outcome = crate::run::sweep(&target, &args.journal, run_id)?;
    for e in &outcome.deleted {
        println!("deleted {} {} ({})", e.operation, e.body, e.run_id);
    }
    for e in &outcome.gone {
        println!("already gone {} {} ({})", e.operation, e.body, e.run_id);
    }
    for (e, why) in &outcome.failed {
        println!("FAILED {} {} ({}): {why}", e.operation, e.body, e.run_id);
    }
    for (account, done) in &outcome.accounts {
        println!(
            "account {account}: {} deleted, {} already gone, {} failed",
            done.deleted, done.gone, done.failed
        );
    }
    println!(
        "sweep: {} deleted, {} failed ({} found by the {} tag and not in the journal, \
         {} found on the run's connections, LAGs and interconnects)",
        outcome.deleted.len(),
        outcome.failed.len(),
        outcome.found_by_tag,
        crate::model::RUN_TAG_KEY,
        outcome.found_on_parents
    );
    Ok(if outcome.failed.is_empty() {
        ExitCode::Conformant
    } else {
        ExitCode::Error
    })
}

pub(super) fn target_config(args: &TargetArgs) -> Result<TargetConfig> {
    target_config_for(args, true)
}

/// The target configuration the flags describe, validated by the library
/// ([`TargetConfig::validate`]: accounts, endpoint, the real-AWS gate); on a real
/// endpoint, `two_accounts` says whether the partner account must be allowed too.
fn target_config_for(args: &TargetArgs, two_accounts: bool) -> Result<TargetConfig> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return usage("--timeout must be a positive number of seconds");
    }
    let kind = match (args.target, &args.endpoint) {
        (TargetArg::Embedded, Some(_)) => TargetKind::Url,
        (TargetArg::Embedded, None) => TargetKind::Embedded,
        (TargetArg::Moto, _) => TargetKind::Moto,
        (TargetArg::Aws, _) => TargetKind::Aws,
    };
    let mut profiles = BTreeMap::new();
    if let Some(p) = &args.owner_profile {
        profiles.insert(Principal::Owner, p.clone());
    }
    if let Some(p) = &args.partner_profile {
        profiles.insert(Principal::Partner, p.clone());
    }
    let mut config = TargetConfig {
        kind,
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        accounts: Accounts {
            owner: args.owner_account.clone(),
            partner: args.partner_account.clone(),
        },
        selector: args.account_header.clone().map(AccountSelector::Header),
        reset_url: args.reset_url.clone(),
        moto_server: args.moto_server.clone(),
        profiles,
        wire: WireOptions {
            timeout: Duration::from_secs_f64(args.timeout),
            ..WireOptions::default()
        },
        retry: crate::target::RetryPolicy {
            max_attempts: args.max_attempts.max(1),
            ..Default::default()
        },
        opt_in: RealAwsOptIn {
            allow_real_aws: args.allow_real_aws,
            allow_accounts: args.allow_account.clone(),
            config_file: Some(args.config_file.clone()),
            owner_only: !two_accounts,
        },
        ..TargetConfig::default()
    };
    config.validate()?;
    let seconds = |flag: &str, value: Option<f64>, default: Duration| -> Result<Duration> {
        match value {
            None => Ok(default),
            Some(v) if v.is_finite() && v >= 0.0 => Ok(Duration::from_secs_f64(v)),
            Some(_) => usage(format!("{flag} must be a number of seconds, 0 or more")),
        }
    };
    let defaults = config.default_wait();
    config.wait = crate::target::WaitPolicy {
        interval: seconds("--wait-interval", args.wait_interval, defaults.interval)?,
        timeout: seconds("--wait-timeout", args.wait_timeout, defaults.timeout)?,
        // A timeout the user gave is the timeout; otherwise a loopback target's is
        // derived from what it shows (run::Pace::timeout).
        adaptive: defaults.adaptive && args.wait_timeout.is_none(),
    };
    config.consistency_budget = args.consistency_budget_ms.map_or_else(
        || config.default_consistency_budget(),
        Duration::from_millis,
    );
    Ok(config)
}

/// The budgets of a run: flags over the `dxconform.toml` keys.
fn budgets(args: &RunArgs) -> Result<crate::run::Budgets> {
    let mut flags = crate::run::Budgets {
        max_operations: args.max_operations,
        max_rps: args.max_rps,
        max_duration_secs: args.max_duration,
        ..Default::default()
    };
    if let Some(text) = &args.max_live {
        flags.set_max_live(text)?;
    }
    flags.max_failures = if args.fail_fast {
        Some(1)
    } else {
        args.max_failures
    };
    flags.shrink = if args.no_shrink {
        Some(crate::run::ShrinkBudget::Requests(0))
    } else {
        args.shrink_budget
    };
    flags.validate()?;
    if args.max_operations == Some(0) {
        return usage("--max-operations must be at least 1");
    }
    let file = &args.target.config_file;
    let from_file = if file.exists() {
        let text = std::fs::read_to_string(file).map_err(|source| CliError::Read {
            path: file.clone(),
            source,
        })?;
        crate::run::Budgets::from_toml(&text).map_err(|source| CliError::BudgetFile {
            path: file.clone(),
            source,
        })?
    } else {
        crate::run::Budgets::default()
    };
    Ok(flags.over(from_file))
}

fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Keep seeds short enough to type.
    (nanos as u64 ^ u64::from(std::process::id())) % 1_000_000_000
}

fn run(args: RunArgs) -> Result<ExitCode> {
    if args.cases == 0 {
        return usage("--cases must be at least 1");
    }
    if args.max_steps == 0 {
        return usage("--max-steps must be at least 1");
    }
    let seed = args.seed.unwrap_or_else(random_seed);
    let mut target = target_config_for(&args.target, !args.one_account)?;
    target.journal = Some(
        args.journal
            .clone()
            .unwrap_or_else(|| args.out.join("journal.ndjson")),
    );
    target.run_id = Some(format!("run-{seed}-{}", random_seed()));
    if args.mutant.is_some() && target.kind != TargetKind::Embedded {
        return usage("--mutant plants a fault into the embedded reference target; it cannot be combined with --target or --endpoint");
    }
    let knobs = knob_overrides(
        args.async_delay_ms,
        args.emulator_latency_ms,
        args.emulator_throttle_rps,
        args.emulator_consistency_lag_ms,
        &(&args.emulator_quirks).into(),
    );
    let profiled = args.emulator_profile != crate::emulator::Profile::Faithful;
    if (knobs.any() || profiled) && target.kind != TargetKind::Embedded {
        return usage("--async-delay-ms and the --emulator-* knobs set the embedded reference target's behaviour; for another target use `dxconform serve` with --profile, --async-delay-ms, --latency-ms, --throttle-rps, --consistency-lag-ms, --quirk");
    }
    let mut emulator = knobs
        .configure(args.emulator_profile, args.emulator_time_scale)
        .or_else(|e| usage(e.to_string()))?;
    emulator.mutant = args.mutant.clone();
    if !emulator.async_delay.is_zero() && args.target.wait_interval.is_none() {
        // Real time moves states: wait for them as on AWS, at loopback pace.
        target.wait.interval = Duration::from_millis(50);
    }
    let realism = !emulator.latency.is_zero()
        || emulator.throttle_rps > 0
        || !emulator.consistency_lag.is_zero();
    if realism && args.target.consistency_budget_ms.is_none() {
        target.consistency_budget = emulator.consistency_lag * 3
            + Duration::from_millis(if emulator.consistency_lag.is_zero() {
                0
            } else {
                500
            });
    }
    let budgets = budgets(&args)?;
    target.retry.max_rps = budgets.max_rps;
    let baseline = RunBaseline::load(&args.baseline)?;
    let known_root_causes = baseline
        .as_ref()
        .map(|b| b.known.known_keys(&crate::report::today()))
        .unwrap_or_default();
    let config = RunConfig {
        budgets,
        target,
        emulator,
        cases: args.cases,
        seed,
        gen: crate::gen::GenConfig {
            max_steps: args.max_steps,
            two_accounts: !args.one_account,
            negative: !args.no_negative,
            positive: !args.negative,
        },
        checks: args.checks.checks,
        exclude_checks: args.checks.exclude_checks,
        out: args.out.clone(),
        jobs: usize::from(args.jobs),
        partition: args.partition,
        known_root_causes,
        ..RunConfig::default()
    };
    if args.dry_run {
        println!("dxconform: seed {seed}, target {:?}", config.target.kind);
        print!("{}", crate::run::dry_plan(&config).text());
        if !config.budgets.is_empty() {
            println!("\nbudgets: {}", serde_json::to_string(&config.budgets)?);
        }
        let wait = config.target.wait;
        if wait.enabled() && wait.adaptive {
            println!(
                "waits: poll every {:.2} s (backing off), at most {}× the slowest settle seen per resource (at least {:.0} s, at most {:.0} s; --wait-timeout fixes it)",
                wait.interval.as_secs_f64(),
                crate::run::ADAPTIVE_FACTOR,
                crate::run::ADAPTIVE_FLOOR.min(wait.timeout).as_secs_f64(),
                wait.timeout.as_secs_f64()
            );
        } else if wait.enabled() {
            println!(
                "waits: poll every {:.2} s (backing off), at most {:.0} s per resource",
                wait.interval.as_secs_f64(),
                wait.timeout.as_secs_f64()
            );
        }
        return Ok(ExitCode::Conformant);
    }
    eprintln!(
        "dxconform: seed {seed} ({} cases, up to {} steps each)",
        config.cases, config.gen.max_steps
    );
    // Only targets that cannot be reset keep a journal (and are swept when interrupted).
    let journaled = config.target.keeps_journal();
    let mut sweep_hint = String::new();
    if let (true, Some(run_id), Some(journal)) =
        (journaled, &config.target.run_id, &config.target.journal)
    {
        eprintln!(
            "dxconform: run id {run_id}; resources are journaled in {}",
            journal.display()
        );
        sweep_hint = format!(
            "; `dxconform sweep --journal {} --run-id {run_id}` (with the run's target flags) deletes what it left",
            journal.display()
        );
    }
    let interrupt = crate::run::Interrupt::on_signals(move |signal| {
        eprintln!(
            "dxconform: {signal} again: exiting at once, without cleanup or report{sweep_hint}"
        );
        std::process::exit(i32::from(ExitCode::Interrupted.code()));
    })
    .map_err(|source| CliError::Runtime {
        what: "cannot listen for signals",
        source,
    })?;
    let report = match observed_run(&config, args.events.as_deref(), args.progress, &interrupt)? {
        RunEnd::Finished(report) => *report,
        RunEnd::Interrupted(report) => {
            return Err(interrupted(*report, &args.out, baseline.as_ref()))
        }
    };
    if let Some(dir) = &args.record {
        super::offline::record(&config, dir)?;
    }
    write_and_summarise(report, &args.out, baseline.as_ref())
}

/// The knobs given one by one (`None`: the profile's value).
fn knob_overrides(
    async_delay_ms: Option<u64>,
    latency_ms: Option<u64>,
    throttle_rps: Option<u32>,
    consistency_lag_ms: Option<u64>,
    quirks: &super::args::QuirkArgs,
) -> crate::emulator::KnobOverrides {
    let ms = |v: Option<u64>| v.map(Duration::from_millis);
    crate::emulator::KnobOverrides {
        async_delay: ms(async_delay_ms),
        latency: ms(latency_ms),
        throttle_rps,
        consistency_lag: ms(consistency_lag_ms),
        associating: ms(quirks.associating_ms),
        hosted_down_one_in: quirks.hosted_down_one_in,
        gone_retention: ms(quirks.gone_retention_ms),
        quirks_on: quirks.on.clone(),
        quirks_off: quirks.off.clone(),
    }
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let config = knob_overrides(
        args.async_delay_ms,
        args.latency_ms,
        args.throttle_rps,
        args.consistency_lag_ms,
        &args.quirks,
    )
    .configure(args.profile, args.time_scale)
    .or_else(|e| usage(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| CliError::Runtime {
            what: "cannot start the async runtime",
            source,
        })?;
    runtime.block_on(async {
        let config = crate::emulator::EmulatorConfig {
            region: args.region.clone(),
            mutant: args.mutant.clone(),
            ..config
        };
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
        let emulator = crate::emulator::Emulator::start(addr, config)
            .await
            .map_err(|source| CliError::Serve { addr, source })?;
        println!("dxconform reference target listening on {}", emulator.endpoint());
        println!("accounts: the SigV4 access key id (12 digits) or header x-dxconform-account-id; reset: POST /dxconform/reset");
        tokio::signal::ctrl_c()
            .await
            .map_err(|source| CliError::Runtime {
                what: "cannot wait for Ctrl-C",
                source,
            })?;
        emulator.shutdown().await;
        Ok(ExitCode::Conformant)
    })
}

fn replay(args: ReplayArgs) -> Result<ExitCode> {
    let file = ReplayFile::load(&args.file)?;
    let checks = if args.checks.checks.is_empty() {
        file.checks.clone()
    } else {
        args.checks.checks
    };
    let config = RunConfig {
        target: target_config(&args.target)?,
        checks,
        exclude_checks: args.checks.exclude_checks,
        seed: file.seed,
        ..RunConfig::default()
    };
    let outcome = crate::run::replay(&config, &file)?;
    for s in &outcome.steps {
        println!("{}", crate::report::step_line(s));
    }
    for f in &outcome.findings {
        println!(
            "{:?} {} {} {}: expected {}, got {}",
            f.severity, f.check, f.operation, f.path, f.expected, f.actual
        );
    }
    if outcome.still_fails {
        println!("still fails: {} findings", outcome.findings.len());
        Ok(ExitCode::Findings)
    } else {
        println!("does not fail any more");
        Ok(ExitCode::Conformant)
    }
}

fn mutants(args: MutantsArgs) -> Result<ExitCode> {
    if args.list {
        for m in crate::emulator::MUTANTS {
            let kind = if m.liveness { " (liveness)" } else { "" };
            println!(
                "{:<28} {}{kind}; caught by {}",
                m.name,
                m.description,
                m.caught_by
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        return Ok(ExitCode::Conformant);
    }
    for name in &args.only {
        if crate::emulator::mutant(name).is_none() {
            return usage(format!(
                "unknown mutant {name:?}; `dxconform mutants --list` lists them"
            ));
        }
    }
    let base = RunConfig {
        cases: args.cases,
        seed: args.seed,
        gen: crate::gen::GenConfig {
            max_steps: args.max_steps,
            two_accounts: true,
            ..crate::gen::GenConfig::default()
        },
        ..RunConfig::default()
    };
    let endpoint_cases = args.endpoint_cases.unwrap_or(args.cases);
    if args.via_endpoint && (endpoint_cases == 0 || args.endpoint_jobs == 0) {
        return usage("--endpoint-cases and --endpoint-jobs must be at least 1");
    }
    let matrix = crate::run::kill_matrix(&base, &args.only, &Serving::Embedded, |row| {
        println!("{}", crate::report::mutant_line(row))
    })?;
    for line in crate::report::mutant_summary(&matrix) {
        println!("{line}");
    }
    let served = if args.via_endpoint {
        let exe = std::env::current_exe().map_err(|e| {
            CliError::Usage(format!(
            "--via-endpoint serves each mutant with this executable, whose path is unknown: {e}"
        ))
        })?;
        let endpoint_base = RunConfig {
            cases: endpoint_cases,
            jobs: args.endpoint_jobs,
            ..base.clone()
        };
        println!(
            "served behind an endpoint, default waits ({} cases, --jobs {}):",
            endpoint_cases, args.endpoint_jobs
        );
        let served = crate::run::kill_matrix(
            &endpoint_base,
            &args.only,
            &Serving::Endpoint { exe },
            |row| println!("{}", crate::report::mutant_line(row)),
        )?;
        for line in crate::report::mutant_summary(&served) {
            println!("{line}");
        }
        Some(served)
    } else {
        None
    };
    if let Some(out) = &args.out {
        let harness = format!("dxconform {}", env!("CARGO_PKG_VERSION"));
        let text = match &served {
            Some(served) => crate::report::mutants_markdown_both(&matrix, served, &harness),
            None => crate::report::mutants_markdown(&matrix, &harness),
        };
        std::fs::write(out, text).map_err(|source| CliError::Write {
            path: out.clone(),
            source,
        })?;
        println!("matrix: {}", out.display());
    }
    let survived = served.as_ref().is_some_and(|s| !s.survivors().is_empty());
    Ok(if matrix.survivors().is_empty() && !survived {
        ExitCode::Conformant
    } else {
        ExitCode::Findings
    })
}

/// `run::run_observed` with the sinks the flags ask for: progress on stderr, NDJSON events.
fn observed_run(
    config: &RunConfig,
    events: Option<&std::path::Path>,
    progress: super::args::ProgressArg,
    interrupt: &crate::run::Interrupt,
) -> Result<RunEnd> {
    use super::args::ProgressArg;
    use crate::report::{Progress, ProgressMode};
    use crate::run::{EventLog, Fanout};
    let mode = match progress {
        ProgressArg::Auto => ProgressMode::auto(),
        ProgressArg::Bar => ProgressMode::Bar,
        ProgressArg::Lines => ProgressMode::Lines,
        ProgressArg::Off => ProgressMode::Off,
    };
    let mut display = Progress::new(mode);
    display.start(config.cases);
    let log = events.map(EventLog::create).transpose()?;
    let mut sinks = Fanout::new().with(&display);
    if let Some(log) = &log {
        sinks = sinks.with(log);
    }
    let end = crate::run::run_observed(config, &sinks, interrupt)?;
    drop(sinks);
    drop(display);
    if let Some(log) = log {
        log.finish()?;
    }
    Ok(end)
}

fn compare(args: super::args::CompareArgs) -> Result<ExitCode> {
    let mut reports = Vec::new();
    for path in &args.reports {
        reports.push((
            path.display().to_string(),
            crate::report::load_report(path)?,
        ));
    }
    let comparison = crate::report::compare(&reports);
    let text = crate::report::compare_markdown(&comparison);
    print!("{text}");
    if let Some(dir) = &args.out {
        let path = dir.join("compare.md");
        crate::report::write(&path, &text)?;
        eprintln!("compare: {}", path.display());
    }
    Ok(if comparison.new_failures() > 0 {
        ExitCode::Findings
    } else {
        ExitCode::Conformant
    })
}

fn report(args: super::args::ReportArgs) -> Result<ExitCode> {
    use super::args::FormatArg;
    use crate::report::Format;
    let format = match args.format {
        FormatArg::Md => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Junit => Format::Junit,
        FormatArg::Json => Format::Json,
    };
    let report = crate::report::load_report(&args.from)?;
    let text = crate::report::render(&report, format)?;
    match &args.out {
        Some(path) => crate::report::write(path, &text)?,
        None => print!("{text}"),
    }
    Ok(ExitCode::Conformant)
}
