#!/usr/bin/env bash
# run.sh — set everything up, then run the main job: the app when there is a display,
# otherwise a headless training run of the tutorial's CNN (extra arguments go to
# `atelier-cli train`, e.g. `build-aux/run.sh --epochs 2`).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${ATELIER_BUILDDIR:-$top/builddir}
"$top/build-aux/setup.sh"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$builddir/src/app/atelier" ]; then
  export GSETTINGS_SCHEMA_DIR="$builddir/data"
  exec "$builddir/src/app/atelier" "$@"
fi

echo "run: no display; training headless with atelier-cli (Ctrl+C stops and saves)"
"$builddir/src/cli/atelier-cli" info
if [ -x "$builddir/src/cli/atelier-cli" ] && "$builddir/src/cli/atelier-cli" --help | grep -q '^  train'; then
  exec "$builddir/src/cli/atelier-cli" train --model cnn --save atelier-cnn.safetensors "$@"
fi
