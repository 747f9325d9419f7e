#!/bin/sh
# test-data-files.sh SRCDIR BUILDDIR — the installed data files validate (TAP).
# desktop-file-validate, appstreamcli validate --no-net, glib-compile-schemas --strict,
# and po/POTFILES.in complete.  A missing validator skips its check instead of failing.
set -u
src=$1
build=$2
n=0
failed=0

check () {
  n=$((n + 1))
  name=$1
  shift
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "ok $n - $name # SKIP $1 not installed"
    return
  fi
  if out=$("$@" 2>&1); then
    echo "ok $n - $name"
  else
    failed=1
    echo "not ok $n - $name"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
}

echo "1..5"
check "desktop file" desktop-file-validate "$build/data/io.github.atelier.Atelier.desktop"
check "metainfo" appstreamcli validate --no-net "$build/data/io.github.atelier.Atelier.metainfo.xml"
check "gsettings schema" glib-compile-schemas --strict --dry-run "$src/data"
check "POTFILES.in complete" python3 "$src/tests/check-potfiles.py" "$src"
check "German translation compiles" msgfmt --check -o /dev/null "$src/po/de.po"
exit $failed
