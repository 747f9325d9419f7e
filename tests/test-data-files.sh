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
  if [ "$1" != de_complete ] && ! command -v "$1" >/dev/null 2>&1; then
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

# Every string in the sources has a German translation, none fuzzy.
de_complete () {
  pot=$(mktemp)
  (cd "$src" && xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ \
     --keyword=C_:1c,2 --keyword=NC_:1c,2 -f po/POTFILES.in -o "$pot") || return 1
  stats=$(msgmerge --quiet --no-fuzzy-matching "$src/po/de.po" "$pot" -o - | msgfmt --statistics -o /dev/null - 2>&1)
  rm -f "$pot"
  echo "$stats"
  case $stats in
    *untranslated*|*fuzzy*) return 1 ;;
  esac
}

echo "1..6"
check "desktop file" desktop-file-validate "$build/data/io.github.atelier.Atelier.desktop"
check "metainfo" appstreamcli validate --no-net "$build/data/io.github.atelier.Atelier.metainfo.xml"
check "gsettings schema" glib-compile-schemas --strict --dry-run "$src/data"
check "POTFILES.in complete" python3 "$src/tests/check-potfiles.py" "$src"
check "German translation compiles" msgfmt --check -o /dev/null "$src/po/de.po"
check "German translation complete" de_complete
exit $failed
