#!/usr/bin/env bash
# run.sh — build the libFuzzer targets and run one (or all) for a given time.
#
#   tests/fuzz/run.sh TARGET SECONDS     TARGET: idx, csv, safetensors, checkpoint or all
#   FUZZ_RUNS=10000000 tests/fuzz/run.sh all 1800    stop each target at 10M executions or
#                                                     after 1800 s, whichever comes first
#
# Needs clang and libclang-rt-14-dev (Debian: apt-get install -y clang libclang-rt-14-dev);
# the normal build and CI do not.  Builds in build-fuzz/ (FUZZ_BUILDDIR to change) with
# -fsanitize=fuzzer-no-link,address,undefined on the engine and -fsanitize=fuzzer on the
# targets, then runs each target with one job under `nice -n 19`, starting from the checked-in
# seeds (tests/fuzz/corpus/TARGET) and growing a working corpus in the build dir.  Findings
# land in BUILDDIR/findings/TARGET/; copy each to tests/fuzz/regressions/TARGET/ (named "no-…"
# or "ok-…", see the README there) once the loader is fixed.
# Prints one line per target: executions, seconds, executions per second, findings.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
builddir=${FUZZ_BUILDDIR:-$top/build-fuzz}
targets=(idx csv safetensors checkpoint)

usage () { echo "usage: $0 {${targets[*]// /|}|all} SECONDS" >&2; exit 2; }
[ $# -eq 2 ] || usage
case "$2" in ''|*[!0-9]*) usage ;; esac
seconds=$2
if [ "$1" = all ]; then
  run=("${targets[@]}")
else
  case " ${targets[*]} " in *" $1 "*) run=("$1") ;; *) usage ;; esac
fi

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" "$top" \
    -Dgui=false -Dbuildtype=debugoptimized -Db_lundef=false \
    -Db_sanitize=address,undefined \
    -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer' \
    >/dev/null
fi
nice -n 19 meson compile -C "$builddir" $(printf 'tests/fuzz/fuzz-%s ' "${run[@]}") >/dev/null

# Leaks are findings too; GLib's own one-time allocations are suppressed (tests/lsan.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OPENBLAS_NUM_THREADS=1 G_SLICE=always-malloc

status=0
for target in "${run[@]}"; do
  work=$builddir/corpus/$target
  findings=$builddir/findings/$target
  log=$builddir/fuzz-$target.log
  mkdir -p "$work" "$findings"
  # -rss_limit_mb: a loader that allocates what a header claims shows up as a finding.
  set +e
  nice -n 19 "$builddir/tests/fuzz/fuzz-$target" "$work" "$top/tests/fuzz/corpus/$target" \
    -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -max_len=16384 -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  n_findings=$(find "$findings" -type f | wc -l)
  rate=$(( ${secs:-0} > 0 ? ${execs:-0} / secs : 0 ))
  echo "fuzz $target: ${execs:-0} executions in ${secs:-?} s (${rate}/s), $n_findings finding(s), exit $rc, log $log"
  [ "$rc" -eq 0 ] && [ "$n_findings" -eq 0 ] || status=1
done
exit $status
