#!/bin/sh
# test-data-files.sh SRCDIR BUILDDIR — the installed data files validate (TAP).
# desktop-file-validate, appstreamcli validate --no-net, glib-compile-schemas --strict, the
# MIME package through update-mime-database, and po/POTFILES.in complete.  A missing validator skips its check instead of failing.
set -u
src=$1
build=$2
n=0
failed=0

check () {
  n=$((n + 1))
  name=$1
  shift
  if [ "$1" != de_complete ] && [ "$1" != mime_package ] && ! command -v "$1" >/dev/null 2>&1; then
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

# The MIME package builds a database that maps *.safetensors to the type the desktop file
# says the app opens.
mime_package () {
  home=$(mktemp -d)
  db=$home/mime
  mkdir -p "$db/packages"
  cp "$src/data/io.github.atelier.Atelier.mime.xml" "$db/packages/" || return 1
  # Inside XDG_DATA_HOME, or the tool prints a note that it is not searched.
  out=$(XDG_DATA_HOME=$home update-mime-database "$db" 2>&1)
  status=$?
  [ -z "$out" ] || { echo "$out"; status=1; }
  grep -q ':application/x-safetensors:\*\.safetensors$' "$db/globs2" || { echo "no *.safetensors glob"; status=1; }
  grep -q '^MimeType=application/x-safetensors;$' "$build/data/io.github.atelier.Atelier.desktop" \
    || { echo "the desktop file does not list application/x-safetensors"; status=1; }
  rm -rf "$home"
  return $status
}

echo "1..7"
check "desktop file" desktop-file-validate "$build/data/io.github.atelier.Atelier.desktop"
check "metainfo" appstreamcli validate --no-net "$build/data/io.github.atelier.Atelier.metainfo.xml"
check "gsettings schema" glib-compile-schemas --strict --dry-run "$src/data"
check "MIME type of saved models" mime_package
check "POTFILES.in complete" python3 "$src/tests/check-potfiles.py" "$src"
check "German translation compiles" msgfmt --check -o /dev/null "$src/po/de.po"
check "German translation complete" de_complete
exit $failed
