"""Kill a sweep midway (SIGKILL on its process group), resume it, and check
that every member is present once, complete, identical to an uninterrupted
run, and that members finished before the kill were not run again. Also:
a non-empty DIR is refused without --resume, and a failing member is
recorded without stopping the others."""
import csv
import os
import shutil
import signal
import subprocess
import time

import h5py

from sweep_helpers import (EXE, MPIRUN, built_with_mpi, expect, list_members, mpi_env, same_members, sweep, tempdir)

work = tempdir()
# Members long enough (hundreds of steps) that the kill lands between them.
sweep_file = os.path.join(work, "slow.yaml")
with open(sweep_file, "w") as f:
    f.write("""base:
  name: slow_town
  seed: 3
  steps: 400
  replicates: 1
  graph: {type: community, population: 3000}
  model: {type: organising, organisers: {count: 3}}
sweep:
  model.organisers.one_to_ones_per_step: [2, 4, 6, 8, 10, 12, 14, 16]
""")
names = list_members(sweep_file)
expect(len(names) == 8, f"expected 8 members, got {names}")

reference = os.path.join(work, "reference")
sweep([sweep_file, "--out-dir", reference, "-q", "--threads", "1"])

def complete_members(d):
    done = []
    for n in names:
        p = os.path.join(d, n + ".h5")
        try:
            with h5py.File(p, "r") as f:
                if int(f.attrs.get("complete", 0)) == 1:
                    done.append(n)
        except OSError:
            pass
    return done

killed = os.path.join(work, "killed")
proc = subprocess.Popen([EXE, "sweep", sweep_file, "--out-dir", killed, "-q", "--threads", "1"],
                        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    present = [n for n in names if os.path.exists(os.path.join(killed, n + ".h5"))]
    if len(present) >= 3 or proc.poll() is not None:
        break
    time.sleep(0.005)
os.killpg(proc.pid, signal.SIGKILL)
proc.wait()
expect(proc.returncode == -signal.SIGKILL, f"the sweep ended by itself before the kill ({proc.returncode})")
before = complete_members(killed)
expect(3 <= len(before) < len(names), f"kill should land midway; complete: {before}")
expect(not os.path.exists(os.path.join(killed, "index.h5")), "index written by a killed sweep")
stamps = {n: (os.stat(os.path.join(killed, n + ".h5")).st_ino, os.stat(os.path.join(killed, n + ".h5")).st_mtime_ns)
          for n in before}

refused = sweep([sweep_file, "--out-dir", killed], check=False)
expect(refused.returncode == 2 and "not empty" in refused.stderr and "--resume" in refused.stderr,
       f"non-empty DIR without --resume: {refused.returncode} {refused.stderr}")

ranks = 3 if MPIRUN and built_with_mpi() else 0
out = sweep([sweep_file, "--out-dir", killed, "--resume", "--threads", "1"], mpi_ranks=ranks)
expect(f"{len(before)} of {len(names)} members already complete" in out.stderr, f"resume message: {out.stderr}")
for n in before:  # not rerun: same inode (no rename onto it) and modification time
    st = os.stat(os.path.join(killed, n + ".h5"))
    expect((st.st_ino, st.st_mtime_ns) == stamps[n], f"{n} was rerun by --resume")
expect(sorted(complete_members(killed)) == sorted(names), "not every member complete after resume")
entries = sorted(os.listdir(killed))
expect(entries == sorted([n + ".h5" for n in names] + ["index.h5", "index.csv"]),
       f"each member once, no temporaries: {entries}")
same_members(reference, killed, names)
with open(os.path.join(killed, "index.csv"), newline="") as f:
    status = {r["name"]: r["status"] for r in csv.DictReader(f)}
expect(all(status[n] == ("done-earlier" if n in before else "done") for n in names), f"index statuses {status}")

# Resuming a finished sweep runs nothing and rewrites the index.
again = sweep([sweep_file, "--out-dir", killed, "--resume", "-q"])
expect("0 run now" in again.stdout, again.stdout)

# A member that cannot be written (its file name is taken by a directory)
# fails; the others still run, the failure is listed and the exit code is 1.
broken = os.path.join(work, "broken")
os.makedirs(os.path.join(broken, names[2] + ".h5"))
out = sweep([sweep_file, "--out-dir", broken, "--resume", "-q", "--threads", "1"], check=False)
expect(out.returncode == 1 and names[2] in out.stderr and "is a directory" in out.stderr,
       f"failing member: {out.returncode} {out.stderr}")
expect(sorted(complete_members(broken)) == sorted(n for n in names if n != names[2]), "others ran")
with open(os.path.join(broken, "index.csv"), newline="") as f:
    status = {r["name"]: r["status"] for r in csv.DictReader(f)}
expect(status[names[2]] == "failed" and sum(s == "done" for s in status.values()) == 7, f"statuses {status}")
shutil.rmtree(work)
print("ok")
