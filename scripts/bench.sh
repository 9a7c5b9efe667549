#!/usr/bin/env bash
# Runs ehrcrypt's benchmark suite (issue 7) and prints the report, in
# Markdown, on stdout; progress and cargo's output go to stderr.
#
#   scripts/bench.sh            full run (about 5 minutes on 2 cores, plus
#                               a minute the first time, to make RSA keys)
#   scripts/bench.sh --quick    small sizes and fewer runs: a smoke run
#
# Each figure is one bench target (`cargo bench --bench NAME`, plain
# binaries, no harness), so any figure can be rerun alone. Figures 4
# (share) and 5 (backup) come from their own issues' bench targets and are
# run when Cargo.toml declares them. docs/PERFORMANCE.md explains it all.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
for a in "$@"; do
  case "$a" in
    --quick) quick=(--quick) ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $a (try --help)" >&2; exit 2 ;;
  esac
done
if [ ${#quick[@]} -gt 0 ]; then export EHRCRYPT_BENCH_QUICK=1; fi

# Bench targets declared in Cargo.toml ([[bench]] name = "...").
declared=$(awk '/^\[\[bench\]\]/ { b = 1; next }
                b && /^name *=/ { gsub(/^name *= *"|".*$/, ""); print; b = 0 }' Cargo.toml)
has_bench() { grep -qx "$1" <<<"$declared"; }

first_line() { "$@" 2>/dev/null | head -n1 || true; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'aes|vaes|pclmulqdq|vpclmulqdq|avx2|avx512f|sha_ni' | tr '\n' ' ')
pressure=$(sed -n 's/^some avg10=\([0-9.]*\) avg60=\([0-9.]*\).*/\2/p' /proc/pressure/cpu 2>/dev/null || true)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)" || true)

echo "building (release, bench profile)..." >&2
cargo build --release --quiet
cargo bench --no-run --quiet 2>&1 | grep -v '^ *Executable' >&2 || true

cat <<EOF
# ehrcrypt benchmark report

- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit ${commit}${dirty}; $( [ ${#quick[@]} -gt 0 ] && echo "**quick run** (small sizes, fewer runs)" || echo "full run" )
- Machine: $(nproc) CPUs ($cpu; ${flags% }), $mem memory, Linux $(uname -r)
- CPU pressure from other tenants over the last minute: ${pressure:-unknown}% of the time some task was waiting for a CPU (/proc/pressure/cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)
- Toolchain: $(first_line rustc --version); $(first_line openssl version); age $(first_line age --version)
- Times are medians of repeated runs (min–max and n beside); ratios are between figures of the same run.

EOF

status=0
figure() { # NAME TITLE-IF-MISSING
  local name=$1 title=$2 out
  if ! has_bench "$name"; then
    printf '### %s\n\nPending: no `%s` bench target in Cargo.toml yet.\n\n' "$title" "$name"
    return
  fi
  echo "running bench $name..." >&2
  if [[ "$name" =~ ^(baseline|bulk|scaling|keys|versus_age|v2_lookup|fhir|d2d|pki|icure)$ ]]; then
    out=$(cargo bench --quiet --bench "$name" -- "${quick[@]}") || { status=1; out+=$'\n\n**This bench failed; see its stderr.**\n'; }
  else
    # Another issue's bench: its own format, its own options.
    out=$(cargo bench --quiet --bench "$name" 2>&1) || { status=1; out+=$'\n(failed)'; }
    if ! grep -q '^|' <<<"$out"; then
      out=$(printf '### %s\n\nFrom `cargo bench --bench %s`:\n\n```text\n%s\n```\n' "$title" "$name" "$out")
    fi
  fi
  printf '%s\n\n' "$out"
}

figure baseline "1. Baseline"
figure bulk "2. Bulk decrypt"
figure scaling "3. Scaling"
figure share "4. Share"
figure backup "5. Backup and emergency decrypt"
figure keys "6. Key work"
figure versus_age "7. Against age"
figure v2_lookup "8. Entity v2: a reader holding 100 exchange keys"
figure fhir "9. FHIR bulk import and export"
figure d2d "10. Device to device"
figure pki "11. Certificates"
figure icure "12. iCure interop"
figure research "13. Research sharing"
exit $status
