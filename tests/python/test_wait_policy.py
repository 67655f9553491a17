"""The batch commands (sweep, sensitivity, calibrate) default to passive
OpenMP waiting (OMP_WAIT_POLICY=passive, so GOMP_SPINCOUNT 0) unless the user
set OMP_WAIT_POLICY or GOMP_SPINCOUNT; `run` keeps libgomp's default. libgomp
prints the settings it uses at start-up with OMP_DISPLAY_ENV=verbose; the last
print is the one of the process that runs the command."""
import os
import re
import subprocess

from gs_test import EXE, scenario


def settings(args, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    full.update(env, OMP_DISPLAY_ENV="verbose")
    r = subprocess.run([EXE, *args], capture_output=True, text=True, env=full, timeout=300)
    assert r.returncode == 0, r.stderr
    waits = re.findall(r"OMP_WAIT_POLICY = '(\w+)'", r.stderr)
    spins = re.findall(r"GOMP_SPINCOUNT = '(\d+)'", r.stderr)
    assert waits and spins, r.stderr
    return waits[-1], int(spins[-1]), len(spins)


sweep = ["sweep", scenario("sweeps", "small_town.yaml"), "--list"]

# Default for a sweep: passive, no spinning.
wait, spin, starts = settings(sweep)
assert (wait, spin) == ("PASSIVE", 0), (wait, spin)
assert starts == 2, starts  # the process re-executed itself once

# The user's choice wins, and nothing is re-executed.
wait, spin, starts = settings(sweep, OMP_WAIT_POLICY="active")
assert wait == "ACTIVE" and spin > 0 and starts == 1, (wait, spin, starts)
wait, spin, starts = settings(sweep, GOMP_SPINCOUNT="1000")
assert spin == 1000 and starts == 1, (wait, spin, starts)

# Other commands (`run`, `models`, ...) are left as libgomp starts them.
r = settings(["models"])
assert r[1] > 0 and r[2] == 1, r
print("wait policy: passive by default for sweeps, user settings respected")
