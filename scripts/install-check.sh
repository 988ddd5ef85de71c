#!/usr/bin/env bash
# The two one-line installs of dxconform, checked from a clean clone:
#   1. cargo install --git <repo> --locked dxconform
#   2. a Python wheel built with maturin (bindings = "bin"), pip-installed into
#      a fresh venv, which puts `dxconform` on PATH.
# Each installed binary then runs `dxconform run` against the embedded
# reference target (no network, no credentials) and must report it conformant.
# Prints the time of each build and the wheel's size.
#
# Usage: scripts/install-check.sh [REPO]   (default: this checkout's repository)
# Needs cargo and python3 (with venv); installs maturin into a throwaway venv.
# Not part of .ci/run: two release builds would double CI's time.
set -euo pipefail

repo=${1:-$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Release artefacts may be shared with other builds of the same sources.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$work/target}

seconds() { date +%s; }
check_run() { # BINARY: the embedded run must be conformant
    local out
    out=$("$1" run --cases 200 --progress off --out "$work/report-$2" 2>&1) || {
        printf '%s\n' "$out" >&2
        echo "FAIL: $2: dxconform run failed" >&2
        exit 1
    }
    grep -q 'conformant' <<<"$out" || {
        printf '%s\n' "$out" >&2
        echo "FAIL: $2: the embedded run is not conformant" >&2
        exit 1
    }
    echo "ok: $2: $(grep '^result:' <<<"$out")"
}

echo "==> clean clone of $repo"
git clone --quiet "$repo" "$work/clone"

echo "==> 1. cargo install --git --locked"
start=$(seconds)
cargo install --quiet --git "file://$work/clone" --locked dxconform --root "$work/cargo-root"
echo "cargo install: $(($(seconds) - start)) s"
check_run "$work/cargo-root/bin/dxconform" cargo-install

echo "==> 2. wheel (maturin, bindings = bin) into a fresh venv"
python3 -m venv "$work/build-venv"
"$work/build-venv/bin/pip" install --quiet 'maturin>=1.7,<2'
start=$(seconds)
(cd "$work/clone" && "$work/build-venv/bin/maturin" build --release --locked --quiet --out "$work/dist")
wheel=$(ls "$work"/dist/dxconform-*.whl)
echo "wheel build: $(($(seconds) - start)) s; $(basename "$wheel"): $(du -k "$wheel" | cut -f1) KiB"
python3 -m venv "$work/user-venv"
"$work/user-venv/bin/pip" install --quiet "$wheel"
# The venv's bin/ is what `pip install` puts on PATH once the venv is active.
PATH="$work/user-venv/bin:$PATH" command -v dxconform | grep -q "$work/user-venv/bin/dxconform"
check_run "$work/user-venv/bin/dxconform" wheel
echo "install-check: both installs run"
