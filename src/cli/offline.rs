//! `dxconform check`, `dxconform parity` and `run --record`: arguments to cassette-layer calls.

use std::path::Path;

use super::args::{OfflineArgs, ParityArgs};
use super::commands::{target_config, Result};
use super::error::usage;
use crate::cassette::{Cassette, OfflineInput};
use crate::exit_code::ExitCode;
use crate::run::RunConfig;

/// `dxconform check`.
pub(super) fn check(args: OfflineArgs) -> Result<ExitCode> {
    if let Some(account) = &args.account {
        if !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
            return usage(format!("--account must be 12 digits, got {account:?}"));
        }
    }
    let input = match &args.operation {
        Some(operation) => {
            if crate::spec::Spec::builtin().operation(operation).is_none() {
                return usage(format!("unknown operation {operation:?}"));
            }
            OfflineInput::Single {
                operation: operation.clone(),
                response: args.input.clone(),
                request: args.request.clone(),
                status: args.status,
            }
        }
        None => {
            if args.request.is_some() || args.status.is_some() {
                return usage(
                    "--request and --status describe a single response file: give --operation",
                );
            }
            OfflineInput::Path(args.input.clone())
        }
    };
    let accounts = crate::vocab::Accounts {
        owner: args
            .account
            .clone()
            .unwrap_or_else(|| "111111111111".to_owned()),
        ..Default::default()
    };
    let captured = input.captured(&accounts)?;
    if captured.is_empty() {
        return usage(format!("{}: no exchanges found", args.input.display()));
    }
    let outcome = crate::cassette::check_offline(
        &captured,
        &args.region,
        args.account.as_deref(),
        &args.checks.checks,
        &args.checks.exclude_checks,
    )?;
    for (source, f) in &outcome.findings {
        println!(
            "{:?} {} {} {}: expected {}, got {} ({source})",
            f.severity, f.check, f.operation, f.path, f.expected, f.actual
        );
    }
    let failures = outcome
        .findings
        .iter()
        .filter(|(_, f)| f.severity == crate::check::Severity::Failure)
        .count();
    println!(
        "checked {} exchanges ({} with model predictions): {} findings, {} failures",
        outcome.exchanges,
        outcome.predicted,
        outcome.findings.len(),
        failures
    );
    Ok(if failures == 0 {
        ExitCode::Conformant
    } else {
        ExitCode::Findings
    })
}

/// `dxconform parity`.
pub(super) fn parity(args: ParityArgs) -> Result<ExitCode> {
    let cassette = Cassette::load(&args.cassette)?;
    let target = target_config(&args.target)?;
    // The reference target keeps the recorded timing, so states change as they did.
    let emulator = crate::emulator::EmulatorConfig {
        async_delay: std::time::Duration::from_millis(cassette.async_delay_ms),
        ..Default::default()
    };
    let outcome = crate::cassette::parity(&cassette, &target, &emulator)?;
    let text = crate::cassette::parity_markdown(&outcome);
    print!("{text}");
    if let Some(out) = &args.out {
        crate::report::write(out, &text)?;
        eprintln!("parity: {}", out.display());
    }
    Ok(if outcome.identical() {
        ExitCode::Conformant
    } else {
        ExitCode::Findings
    })
}

/// `run --record DIR`: the run's seed and generator, recorded once per plan.
pub(super) fn record(config: &RunConfig, dir: &Path) -> Result<()> {
    let cassette = crate::cassette::record(config, dir)?;
    eprintln!(
        "cassette: {} ({} cases, {} exchanges)",
        dir.join(crate::cassette::CASSETTE_FILE).display(),
        cassette.cases.len(),
        cassette.exchanges()
    );
    Ok(())
}
