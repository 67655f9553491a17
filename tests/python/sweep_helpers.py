"""Shared by the test_sweep_*.py tests: running groundswell sweep as a real
process and comparing member files bit for bit."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

EXE = os.environ["GROUNDSWELL"]
SOURCE = os.environ["GROUNDSWELL_SOURCE_DIR"]
SMALL = os.path.join(SOURCE, "scenarios", "sweeps", "small_town.yaml")
MPIRUN = shutil.which("mpirun")


def mpi_env():
    env = dict(os.environ)
    # Root in containers/CI; harmless otherwise.
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    return env


def built_with_mpi():
    out = subprocess.run([EXE, "sweep", "--mpi", SMALL, "--list"], capture_output=True, text=True, env=mpi_env())
    return out.returncode == 0


def sweep(args, mpi_ranks=0, check=True, **kw):
    cmd = [EXE, "sweep"] + args
    if mpi_ranks:
        cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", str(mpi_ranks)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env(), **kw)
    if check and out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {out.returncode}\nstdout:\n{out.stdout}\nstderr:\n{out.stderr}")
    return out


def list_members(path):
    out = sweep([path, "--list"])
    return [line.split()[1] for line in out.stdout.splitlines()]


def timeseries(path):
    """Every /timeseries dataset as raw bytes (bitwise comparison)."""
    with h5py.File(path, "r") as f:
        return {name: (ds.dtype.str, ds.shape, ds[()].tobytes()) for name, ds in f["timeseries"].items()}


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


def same_members(dir_a, dir_b, names):
    for name in names:
        a, b = timeseries(os.path.join(dir_a, name + ".h5")), timeseries(os.path.join(dir_b, name + ".h5"))
        expect(sorted(a) == sorted(b), f"{name}: different datasets {sorted(a)} vs {sorted(b)}")
        for key in a:
            expect(a[key] == b[key], f"{name}: /timeseries/{key} differs between {dir_a} and {dir_b}")


def tempdir():
    return tempfile.mkdtemp(prefix="gs-sweep-")
