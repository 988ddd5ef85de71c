//! The `dxconform` command: all logic lives in the library; see `cli`.

/// mimalloc: the run allocates small JSON values per step from several threads,
/// where glibc's allocator showed up as ~15% of the CPU profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dxconform::cli::main()
}
