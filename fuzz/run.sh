#!/usr/bin/env bash
# Runs one fuzz target for a set time: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); a stable toolchain works through
# RUSTC_BOOTSTRAP=1. The seed corpus is written from the protocol crates' test fixtures
# (needs python3; without it the target starts from an empty corpus). Inputs that once
# crashed a target are kept in fuzz/regressions/TARGET and replayed by every run. The corpus
# grows in fuzz/corpus/TARGET; crashes land in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")"
if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [libFuzzer options...]" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2
export RUSTC_BOOTSTRAP=1
mkdir -p "corpus/$target" "seeds/$target" "regressions/$target"
if command -v python3 >/dev/null 2>&1; then
    python3 seed.py seeds
else
    echo "python3 not found: starting $target without the fixture seeds" >&2
fi
exec cargo fuzz run "$target" "corpus/$target" "seeds/$target" "regressions/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 "$@"
