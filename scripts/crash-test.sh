#!/usr/bin/env bash
# Crash consistency (issue 11): kills every writing command with SIGKILL at
# random moments and checks that what it wrote is the old version or the
# new one, complete. Prints one line of figures per command.
#
#   scripts/crash-test.sh [ITERATIONS]    kills per command (default 50)
#
# CRASH_SEED=N repeats a run; CRASH_NO_TEMP=1 (the default here) also
# fails when a killed run's temporary file survives the next run of the
# same command. docs/RELIABILITY.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export CRASH_ITERATIONS=${1:-${CRASH_ITERATIONS:-50}}
export CRASH_NO_TEMP=${CRASH_NO_TEMP:-1}
exec cargo test --test crash -- --ignored --nocapture
