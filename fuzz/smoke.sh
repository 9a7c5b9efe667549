#!/usr/bin/env bash
# Runs every fuzz target for a short time (default 10 s each; the first
# argument overrides it): what .ci/run does when cargo-fuzz is installed.
# A crash fails the run and leaves its input in fuzz/artifacts/.
# cargo-fuzz needs nightly features: with a nightly toolchain it uses it,
# otherwise the stable one with RUSTC_BOOTSTRAP=1 (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
if cargo +nightly --version > /dev/null 2>&1; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi
bash seed.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in $(fuzz list); do
  echo "-- fuzz $t (${seconds}s)"
  if ! fuzz run "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
      -print_final_stats=1 > "$log" 2>&1; then
    tail -40 "$log"
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
done
