//! The command line: parses arguments into configurations and calls the library.
//! No conformance logic lives here.

mod args;
mod commands;
mod error;
mod offline;

pub use args::Cli;
pub use error::CliError;

/// Parse arguments, run the command, and return the exit code. Only `main` exits
/// (and a second signal during a run, at once: `run::Interrupt::on_signals`).
pub fn main() -> std::process::ExitCode {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                crate::exit_code::ExitCode::Error
            } else {
                crate::exit_code::ExitCode::Conformant
            };
            let _ = e.print();
            return code.into();
        }
    };
    init_tracing(cli.verbose);
    match commands::dispatch(cli) {
        Ok(code) => code.into(),
        Err(e) => {
            match &e {
                CliError::Interrupted(_) => eprintln!("dxconform: {e}"),
                _ => eprintln!("error: {}", crate::vocab::error_chain(&e)),
            }
            e.exit_code().into()
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DXCONFORM_LOG")
        // The SDK's replay connector has no real connection to poison; its complaint is noise.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(format!(
                "{default},aws_smithy_runtime::client::http::connection_poisoning=off"
            ))
        });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
