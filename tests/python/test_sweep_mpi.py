"""A small sweep run serially, under mpirun -n 3 and -n 2, with different
--threads and one member alone (--member) gives bitwise identical member
data; index.h5 reaches every member through external links; index.csv lists them."""
import csv
import os
import shutil
import subprocess

import h5py
import numpy as np

from sweep_helpers import (EXE, MPIRUN, SMALL, built_with_mpi, expect, list_members, same_members, sweep, tempdir,
                           timeseries)

work = tempdir()
names = list_members(SMALL)
# 3 counts x 2 meeting rates in the file.
expect(len(names) == 6 and len(set(names)) == 6, f"expected 6 distinct members, got {names}")

serial = os.path.join(work, "serial")
sweep([SMALL, "--out-dir", serial, "--threads", "1", "-q"])
files = sorted(f for f in os.listdir(serial) if f.endswith(".h5"))
expect(files == sorted([n + ".h5" for n in names] + ["index.h5"]), f"unexpected files {files}")

if MPIRUN and built_with_mpi():
    three = os.path.join(work, "mpi3")
    sweep([SMALL, "--out-dir", three, "--threads", "2", "-q"], mpi_ranks=3)
    same_members(serial, three, names)
    two = os.path.join(work, "mpi2")
    sweep([SMALL, "--out-dir", two, "--threads", "1", "-q"], mpi_ranks=2)
    same_members(serial, two, names)
    print("serial == mpirun -n 3 == mpirun -n 2")
    # h5diff, as a user would check it.
    for n in names:
        r = subprocess.run(["h5diff", os.path.join(serial, n + ".h5"), os.path.join(three, n + ".h5"),
                            "/timeseries", "/timeseries"], capture_output=True, text=True)
        expect(r.returncode == 0, f"h5diff {n}: {r.stdout} {r.stderr}")
    # MPI is a plug-in beside the executable, opened when MPI starts: the
    # executable itself does not load libmpi, and an MPI start without the
    # plug-in stops with a message that names it and writes nothing.
    linked = subprocess.run(["ldd", EXE], capture_output=True, text=True).stdout
    expect("libmpi" not in linked, f"groundswell links libmpi itself:\n{linked}")
    env = dict(os.environ, GROUNDSWELL_MPI_PLUGIN=os.path.join(work, "missing", "groundswell-mpi.so"))
    missing = os.path.join(work, "no_plugin")
    r = subprocess.run([EXE, "sweep", "--mpi", SMALL, "--out-dir", missing, "-q"], capture_output=True, text=True,
                       env=env)
    expect(r.returncode == 1 and "MPI plug-in" in r.stderr and "GROUNDSWELL_MPI_PLUGIN" in r.stderr,
           f"without the plug-in: exit {r.returncode}, stderr {r.stderr!r}")
    written = os.listdir(missing) if os.path.exists(missing) else []
    expect(not any(f.endswith(".h5") for f in written), f"without the plug-in, files were written: {written}")
    print("MPI plug-in: not linked; a missing one is reported")
else:
    print("MPI not available: serial runs only")

threads2 = os.path.join(work, "threads2")
sweep([SMALL, "--out-dir", threads2, "--threads", "2", "-q"])
same_members(serial, threads2, names)

alone = os.path.join(work, "alone")
sweep([SMALL, "--out-dir", alone, "--member", "3"])
expect(sorted(os.listdir(alone)) == [names[3] + ".h5"], f"--member 3 wrote {os.listdir(alone)}")
same_members(serial, alone, [names[3]])

# Each member carries the seed listed for it, and the seeds differ.
listing = sweep([SMALL, "--list"]).stdout.splitlines()
seeds = [int(line.split("seed=")[1]) for line in listing]
expect(len(set(seeds)) == len(seeds), f"member seeds repeat: {seeds}")
for n, seed in zip(names, seeds):
    with h5py.File(os.path.join(serial, n + ".h5"), "r") as f:
        expect(int(f.attrs["seed"]) == seed and int(f.attrs["complete"]) == 1, f"{n}: seed/complete attributes")
        expect(b"population_scale: 0.02" in f.attrs["scenario_yaml"].encode(), f"{n}: set: not applied")

# The index, opened from another working directory: every member's series
# through /runs/<name>, equal to the member's own file.
os.chdir("/")  # the links must not depend on the working directory
with h5py.File(os.path.join(serial, "index.h5"), "r") as index:
    m = index["members"]
    expect(list(m["index"][()]) == list(range(6)), "index column")
    expect([s.decode() for s in m["name"][()]] == names, "name column")
    expect(all(s == b"done" for s in m["status"][()]), f"status column {m['status'][()]}")
    expect(list(m["model.organisers.count"][()]) == [0, 0, 50, 50, 200, 200], "count column")
    expect(list(m["model.organisers.one_to_ones_per_step"][()]) == [5, 15] * 3, "rate column")
    expect(np.all(m["wall_seconds"][()] >= 0), "wall time column")
    expect(sorted(index["runs"]) == sorted(names), f"links {sorted(index['runs'])}")
    for n in names:
        own = timeseries(os.path.join(serial, n + ".h5"))
        linked = index["runs"][n]
        for key, (dtype, shape, raw) in own.items():
            expect(linked[key][()].tobytes() == raw, f"/runs/{n}/{key} differs from the member file")

with open(os.path.join(serial, "index.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
expect([r["name"] for r in rows] == names and all(r["status"] == "done" for r in rows), "index.csv rows")
expect([r["model.organisers.count"] for r in rows] == ["0", "0", "50", "50", "200", "200"], "index.csv values")

shutil.rmtree(work)
print("ok")
