#!/usr/bin/env python3
"""run-slowed.py RUN_MS STOP_MS BUILD PROGRAM — run one GUI test program as if on a machine
so loaded that it gets only RUN_MS of every RUN_MS + STOP_MS milliseconds of wall time:
SIGSTOP / SIGCONT in turn, so the slowdown burns no CPU (the machine is shared).

Used to check that tests/test-app-*.c wait on conditions rather than fixed times, and that
their deadlines scale with ATELIER_TEST_TIME_FACTOR (docs/hardening.md).  Run it under
Xvfb with the environment meson gives the app tests, e.g.

  ATELIER_TEST_TIME_FACTOR=20 xvfb-run -a tests/run-slowed.py 1 499 build test-app-views

Prints one line: the program, the factor, exit status, ok / not ok counts, wall time and the
first error line if any.  Exits with the program's status."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

run, stop = float(sys.argv[1]) / 1000, float(sys.argv[2]) / 1000
build, program = sys.argv[3], sys.argv[4]
env = dict(os.environ, G_DEBUG='gc-friendly,fatal-warnings', GSETTINGS_BACKEND='memory',
           GSETTINGS_SCHEMA_DIR=os.path.join(build, 'data'), ATELIER_DATA_DIR='',
           OPENBLAS_NUM_THREADS='1', GTK_A11Y='none', NO_AT_BRIDGE='1', GSK_RENDERER='cairo')

start = time.monotonic()
proc = subprocess.Popen([os.path.join(build, 'tests', program), '--tap'], env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
output = []
reader = threading.Thread(target=lambda: output.append(proc.stdout.read()))
reader.start()
while proc.poll() is None:
    time.sleep(run)
    try:
        proc.send_signal(signal.SIGSTOP)
        time.sleep(stop)
        proc.send_signal(signal.SIGCONT)
    except ProcessLookupError:
        break
proc.wait()
reader.join()
text = output[0] if output else ''
ok = len(re.findall(r'^ok', text, re.M))
not_ok = len(re.findall(r'^not ok', text, re.M))
error = next((line for line in text.splitlines() if 'ERROR' in line or 'Bail' in line), '')
print(f"{program} factor={os.environ.get('ATELIER_TEST_TIME_FACTOR', '1')} "
      f"status={proc.returncode} ok={ok} not_ok={not_ok} {time.monotonic() - start:.1f} s {error[:160]}")
sys.exit(0 if proc.returncode == 0 else 1)
