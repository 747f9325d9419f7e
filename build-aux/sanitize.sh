#!/usr/bin/env bash
# sanitize.sh — the engine test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
#
# Builds the engine and atelier-cli (no GUI) in their own build dir with
# -Db_sanitize=address,undefined, every UB report fatal, leaks checked at exit (GLib's own
# one-time allocations suppressed by tests/lsan.supp), then runs `meson test --suite engine`.
# Prints its own result lines (prefixed "sanitize:"), never a "N passed, N failed" summary:
# CI runs it before the normal suite, whose summary must stay the last line.
# Exit status 0 only when every test passed.  SANITIZE_BUILDDIR picks the build dir.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${SANITIZE_BUILDDIR:-$top/build-sanitize}

say () { echo "sanitize: $*"; }

if [ ! -f "$builddir/build.ninja" ]; then
  if ! meson setup "$builddir" "$top" -Dgui=false -Dbuildtype=debugoptimized \
       -Db_sanitize=address,undefined -Db_lundef=false \
       -Dc_args=-fno-sanitize-recover=undefined >"$builddir.setup.log" 2>&1; then
    say "meson setup failed (log: $builddir.setup.log)"
    tail -n 20 "$builddir.setup.log" | sed 's/^/sanitize:   /'
    exit 1
  fi
fi
if ! meson compile -C "$builddir" >"$builddir.compile.log" 2>&1; then
  say "build failed (log: $builddir.compile.log)"
  grep -E 'error|FAILED' "$builddir.compile.log" | head -n 20 | sed 's/^/sanitize:   /'
  exit 1
fi

# fast_unwind_on_malloc=0: GLib is built without frame pointers, so the fast unwinder stops
# at g_malloc and a leak's stack would name neither GLib's caller nor ours; the slow one
# lets tests/lsan.supp match GLib's frames and a real leak show our function.
export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0:detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

start=$(date +%s)
# ASan and UBSan slow the tests 2–4×: the timeouts (there to catch hangs) grow with them.
meson test -C "$builddir" --suite engine --timeout-multiplier 3 --print-errorlogs >"$builddir.test.log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

# One line per test, as meson printed it ("1/9 atelier:engine / dataset OK 4.2s …").
sed '/^Summary of Failures/,$d' "$builddir.test.log" | grep -E '^ *[0-9]+/[0-9]+ ' | sed 's/^ */sanitize: /'
if [ "$status" -eq 0 ]; then
  say "address,undefined: every engine test OK (${elapsed} s; log $builddir/meson-logs/testlog.txt)"
else
  say "address,undefined: FAILURES above (${elapsed} s); sanitizer reports:"
  grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error|SUMMARY: ' "$builddir/meson-logs/testlog.txt" \
    | head -n 20 | sed 's/^/sanitize:   /'
fi
exit $status
