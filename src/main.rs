//! The `dxconform` command: all logic lives in the library; see `cli`.

/// mimalloc: the run allocates small JSON values per step from several threads,
/// where glibc's allocator showed up as ~15% of the CPU profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`, mimalloc.h;
/// libmimalloc-sys names only some options). Checked by a test below.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep freed memory instead of returning it to the OS a second later: every case
/// allocates and frees much the same, and re-faulting purged pages (the kernel
/// zeroing them) was ~14% of the harness's CPU per operation (`dxconform bench`,
/// `--jobs 16`: 76 → 65 µs). The price is that the process keeps its peak heap.
fn keep_freed_memory() {
    // SAFETY: setting an option by its index is always allowed; -1 means "never purge".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    dxconform::cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_mimallocs_purge_delay() {
        // purge_delay defaults to 1000 (ms, mimalloc v3's options.c); no other
        // option defaults to 1000, so this pins the index.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
        keep_freed_memory();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            -1
        );
    }
}
