#!/usr/bin/env python3
"""Print "N passed, N failed[, N skipped]" from meson's testlog.json (one JSON object a line).

Counts test programs, as meson does: OK and EXPECTEDFAIL pass; FAIL, TIMEOUT, ERROR and
UNEXPECTEDPASS fail; SKIP is skipped.  Exits 1 when anything failed or nothing ran."""
import json
import sys

passed = failed = skipped = 0
try:
    with open(sys.argv[1], encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except OSError as e:
    print(f"test-summary: {e}", file=sys.stderr)
    failed += 1

summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(summary)
sys.exit(1 if failed or passed == 0 else 0)
