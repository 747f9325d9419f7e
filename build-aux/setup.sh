#!/usr/bin/env bash
# setup.sh — install what Atelier needs on Debian 12 and build it into builddir/.
# Idempotent: packages already installed are not fetched again, an existing build dir
# is reused, and ninja rebuilds only what changed.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${ATELIER_BUILDDIR:-$top/builddir}

packages=(
  # toolchain and build
  gcc libc6-dev meson ninja-build pkg-config gettext
  # libraries
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libgdk-pixbuf-2.0-dev libopenblas-dev libjson-glib-dev
  # the real data (IDX .gz under /usr/share/datasets/fashion-mnist)
  dataset-fashion-mnist
  # tests: real windows under Xvfb, data-file validators
  xvfb xauth dbus-daemon desktop-file-utils appstream shared-mime-info
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # A fresh machine's mirror may drop a connection: retry instead of failing the run.
  $sudo apt-get -o Acquire::Retries=3 update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o Acquire::Retries=3 install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$top"
fi
meson compile -C "$builddir"
