#!/usr/bin/env bash
# test.sh — set everything up, then run the whole test suite (GUI tests in real windows
# under Xvfb) and print the plain summary "N passed, N failed" as the last line.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${ATELIER_BUILDDIR:-$top/builddir}
"$top/build-aux/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

runner=()
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  runner=(xvfb-run -a -s "-screen 0 1280x800x24")
fi
"${runner[@]}" meson test -C "$builddir" --print-errorlogs "$@"
status=$?

python3 "$top/build-aux/test-summary.py" "$builddir/meson-logs/testlog.json" || status=1
exit $status
