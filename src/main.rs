//! The `dxconform` command: all logic lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    dxconform::cli::main()
}
