#!/usr/bin/env python3
"""check-potfiles.py SRCDIR — po/POTFILES.in must be sorted, list only files that exist,
and list every file with translatable strings: _( or N_( or C_( in C sources,
translatable="yes" in .ui files, and the data files i18n merges or xgettext reads."""
import pathlib
import re
import sys

top = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
potfiles = top / 'po' / 'POTFILES.in'
listed = [l.strip() for l in potfiles.read_text().splitlines()
          if l.strip() and not l.startswith('#')]
errors = []

if listed != sorted(listed):
    errors.append('po/POTFILES.in is not sorted')
for name in listed:
    if not (top / name).is_file():
        errors.append(f'po/POTFILES.in lists {name}, which does not exist')

c_mark = re.compile(r'\b(?:N_|C_|NC_|_)\s*\(\s*"')
needed = set()
for path in sorted((top / 'src').rglob('*.c')):
    if c_mark.search(path.read_text(errors='replace')):
        needed.add(path.relative_to(top).as_posix())
for path in sorted((top / 'ui').glob('*.ui')):
    if 'translatable="yes"' in path.read_text(errors='replace'):
        needed.add(path.relative_to(top).as_posix())
for pattern in ('*.desktop.in', '*.metainfo.xml.in', '*.gschema.xml'):
    for path in sorted((top / 'data').glob(pattern)):
        needed.add(path.relative_to(top).as_posix())

# The engine and the CLI speak English only (they have no gettext); the app is checked.
needed = {n for n in needed if not n.startswith(('src/engine/', 'src/cli/'))}
for name in sorted(needed - set(listed)):
    errors.append(f'{name} has translatable strings but is missing from po/POTFILES.in')

for e in errors:
    print('check-potfiles:', e)
print(f'check-potfiles: {len(listed)} files listed, {len(needed)} needed, {len(errors)} problems')
sys.exit(1 if errors else 0)
