"""groundswell calibrate finds parameters it knows: targets are made by
running the model at a known point, ABC-SMC calibrates two parameters from
wide priors, and the known values must lie inside the posterior 90% intervals,
each interval under half its prior's width. Also: the posterior is bitwise the
same serially, under mpirun -n 2 and after kill -9 and --resume; a bad
calibration file exits 2 naming file:line and leaves no output directory;
particles at which the model has no valid state are rejected, not fatal."""
import csv
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np

from sweep_helpers import EXE, MPIRUN, SOURCE, built_with_mpi, expect, mpi_env, tempdir

TOWN = os.path.join(SOURCE, "tests", "data", "calibration", "town.yaml")
TRUTH = {"model.one_to_one.recruit_chance": 0.08, "model.organisers.one_to_ones_per_step": 10.0}
PRIORS = {"model.one_to_one.recruit_chance": (0.01, 0.4), "model.organisers.one_to_ones_per_step": (2.0, 30.0)}
METRICS = ["people_listened", "people_mobilised"]
STEP = 26

work = tempdir()


def calibrate(args, mpi_ranks=0, check=True):
    cmd = [EXE, "calibrate"] + args + ["--threads", "1"]
    if mpi_ranks:
        cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", str(mpi_ranks)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env())
    expect(not check or out.returncode == 0, f"{' '.join(cmd)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    return out


def write_calibration(name, targets, particles, generations, replicates):
    lines = [f"base: {TOWN}", "parameters:"]
    for path, (lo, hi) in PRIORS.items():
        lines.append(f"  {path}: {{prior: uniform, range: [{lo}, {hi}]}}")
    lines.append("targets:")
    for metric, (value, sd) in targets.items():
        lines.append(f"  - {{metric: {metric}, step: {STEP}, value: {value!r}, sd: {sd!r}}}")
    lines += [f"particles: {particles}", f"replicates: {replicates}", "seed: 5", f"max_generations: {generations}"]
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def posterior_bytes(directory):
    """Every dataset of posterior.h5: raw bytes of numbers, the list of strings."""
    out = {}

    def take(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            out[name] = data.tolist() if data.dtype.kind == "O" else data.tobytes()

    with h5py.File(os.path.join(directory, "posterior.h5"), "r") as f:
        f.visititems(take)
    expect(len(out) > 20, f"posterior.h5 in {directory} has only {sorted(out)}")
    return out


def weighted_quantile(xs, ws, q):
    order = np.argsort(xs, kind="stable")
    cumulative = np.cumsum(ws[order])
    return xs[order][np.searchsorted(cumulative, q * cumulative[-1] * (1 - 1e-12))]


# 1. Targets from the model at the known point: the mean of 10 replicates, with
# the replicates' standard deviation as the observation's uncertainty.
truth_file = os.path.join(work, "truth.h5")
sets = sum((["--set", f"{p}={v}"] for p, v in TRUTH.items()), [])
r = subprocess.run([EXE, "run", TOWN, "-o", truth_file, "--set", "replicates=10", "--set", "seed=99", "--threads", "1"]
                   + sets, capture_output=True, text=True)
expect(r.returncode == 0, f"run at the known point failed: {r.stderr}")
with h5py.File(truth_file, "r") as f:
    targets = {m: (float(np.mean(f["timeseries"][m][:, STEP])), float(np.std(f["timeseries"][m][:, STEP], ddof=1)))
               for m in METRICS}
expect(all(v > 0 and sd > 0 for v, sd in targets.values()), f"degenerate targets {targets}")
print("targets", targets)

# 2. Calibrate back from wide priors.
self_file = write_calibration("self.yaml", targets, particles=60, generations=8, replicates=2)
out_dir = os.path.join(work, "self")
result = calibrate([self_file, "--out-dir", out_dir])
print(result.stdout)
expect("generation 0:" in result.stderr and "tolerance" in result.stderr, "no progress lines")
with h5py.File(os.path.join(out_dir, "posterior.h5"), "r") as f:
    post = f["posterior"]
    w = post["weight"][()]
    expect(len(w) == 30 and abs(w.sum() - 1) < 1e-12 and np.all(w > 0), f"weights {w}")
    tolerance = f["generations"]["tolerance"][()]
    expect(np.all(np.diff(tolerance) <= 0), f"tolerance rose between generations: {tolerance}")
    expect(np.all(post["distance"][()] <= tolerance[-1]), "a posterior particle is above the final tolerance")
    for path, known in TRUTH.items():
        xs = post[path][()]
        lo, hi = weighted_quantile(xs, w, 0.05), weighted_quantile(xs, w, 0.95)
        prior_lo, prior_hi = PRIORS[path]
        expect(post[path].attrs["low"] == prior_lo and post[path].attrs["high"] == prior_hi, f"{path}: prior attrs")
        print(f"{path}: known {known}, 90% interval [{lo:.4g}, {hi:.4g}], "
              f"{(hi - lo) / (prior_hi - prior_lo):.1%} of the prior's width")
        expect(lo <= known <= hi, f"{path}: known value {known} outside the 90% interval [{lo}, {hi}]")
        expect(hi - lo < 0.5 * (prior_hi - prior_lo), f"{path}: interval [{lo}, {hi}] not narrower than the prior")
    # The posterior predictive interval covers what the model produced at the known point.
    t = f["targets"]
    for i, metric in enumerate(t["metric"][()]):
        value = t["value"][i]
        expect(t["predictive_05"][i] <= value <= t["predictive_95"][i], f"{metric}: target outside predictive interval")
    with open(os.path.join(out_dir, "posterior.csv"), newline="") as c:
        rows = list(csv.DictReader(c))
    expect(len(rows) == 30, "posterior.csv rows")
    for path in TRUTH:
        expect(np.array_equal(np.array([float(r[path]) for r in rows]), post[path][()]), f"posterior.csv {path}")

# 3. Bitwise identical serially, under mpirun -n 2 and after kill -9 + --resume.
mid_file = write_calibration("mid.yaml", targets, particles=30, generations=4, replicates=1)
serial = os.path.join(work, "serial")
calibrate([mid_file, "--out-dir", serial, "-q"])
reference = posterior_bytes(serial)
if MPIRUN and built_with_mpi():
    two = os.path.join(work, "mpi2")
    calibrate([mid_file, "--out-dir", two, "-q"], mpi_ranks=2)
    expect(posterior_bytes(two) == reference, "posterior.h5 differs between serial and mpirun -n 2")
    print("serial == mpirun -n 2")
else:
    print("MPI not available: serial only")

killed = os.path.join(work, "killed")
proc = subprocess.Popen([EXE, "calibrate", mid_file, "--out-dir", killed, "-q", "--threads", "1"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 120
while not os.path.isdir(os.path.join(killed, "gen-1")) and proc.poll() is None and time.time() < deadline:
    time.sleep(0.005)
interrupted = proc.poll() is None
proc.send_signal(signal.SIGKILL) if interrupted else None
proc.wait()
print("killed during generation 1" if interrupted else "finished before it could be killed")
if interrupted:
    expect(not os.path.exists(os.path.join(killed, "posterior.h5")), "posterior.h5 written by a killed run")
again = calibrate([mid_file, "--out-dir", killed], check=False)
expect(again.returncode == 2 and "--resume" in again.stderr, f"non-empty DIR without --resume: {again.stderr}")
calibrate([mid_file, "--out-dir", killed, "--resume", "-q"])
expect(posterior_bytes(killed) == reference, "posterior.h5 after kill -9 and --resume differs")

# 4. Bad input: exit 2, file:line, no output directory.
bad = os.path.join(work, "bad.yaml")
with open(bad, "w") as f:
    f.write(f"base: {TOWN}\nparameters:\n  model.one_to_one.recruit_chance: {{prior: uniform, range: [0.3, 0.1]}}\n"
            f"targets:\n  - {{metric: people_listened, step: 26, value: 1, sd: 1}}\n")
r = calibrate([bad, "--out-dir", os.path.join(work, "bad")], check=False)
expect(r.returncode == 2 and f"{bad}:3:" in r.stderr and "range" in r.stderr, f"bad range: {r.returncode} {r.stderr}")
expect(not os.path.exists(os.path.join(work, "bad")), "a bad calibration file left an output directory")
with open(bad, "w") as f:
    f.write(f"base: {TOWN}\nparameters:\n  model.one_to_one.recruit_chance: {{prior: uniform, range: [0.1, 0.3]}}\n"
            f"targets:\n  - {{metric: voters, step: 26, value: 1, sd: 1}}\n")
r = calibrate([bad, "--out-dir", os.path.join(work, "bad")], check=False)
expect(r.returncode == 2 and f"{bad}:5:" in r.stderr and "voters" in r.stderr, f"bad metric: {r.stderr}")

# 5. The policy answer from the posterior: two sweeps draw the same members
# (parameters and seeds) from it and differ only in organisers; compare pairs them.
def posterior_sweep(name, organisers):
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"base: {TOWN}\nset: {{model.organisers.count: {organisers}}}\n"
                f"samples: {{from: serial/posterior.h5, n: 8}}\nreplicates: 3\nseed: 77\n")
    return path


sweep_a, sweep_b = posterior_sweep("few", 10), posterior_sweep("many", 40)
lists = [subprocess.run([EXE, "sweep", s, "--list"], capture_output=True, text=True) for s in (sweep_a, sweep_b)]
expect(all(r.returncode == 0 for r in lists), f"sweep --list from a posterior: {[r.stderr for r in lists]}")
expect(lists[0].stdout == lists[1].stdout, "the two sweeps do not share members' parameters and seeds")
with h5py.File(os.path.join(serial, "posterior.h5"), "r") as f:
    known = {p: set(f["posterior"][p][()].tolist()) for p in TRUTH}
for line in lists[0].stdout.splitlines():
    for field in line.split()[2:-1]:
        path, value = field.split("=")
        expect(float(value) in known[path], f"member value {field} is not a posterior particle")
for s, d in ((sweep_a, "few"), (sweep_b, "many")):
    r = subprocess.run([EXE, "sweep", s, "--out-dir", os.path.join(work, d), "-q", "--threads", "1"],
                       capture_output=True, text=True)
    expect(r.returncode == 0, f"posterior sweep: {r.stderr}")
r = subprocess.run([EXE, "compare", os.path.join(work, "few"), os.path.join(work, "many"), "--at", "13,26",
                    "--format", "csv"], capture_output=True, text=True)
expect(r.returncode == 0, f"compare DIR DIR: {r.stderr}")
rows = list(csv.DictReader(r.stdout.splitlines()))
expect([int(float(row["step"])) for row in rows] == [13, 26], f"compare rows {rows}")
from scipy import stats  # noqa: E402 (only this section needs it)

for row in rows:
    step = int(float(row["step"]))
    diffs = []
    for m in sorted(x for x in os.listdir(os.path.join(work, "few")) if x.startswith("m") and x.endswith(".h5")):
        with h5py.File(os.path.join(work, "few", m), "r") as fa, h5py.File(os.path.join(work, "many", m), "r") as fb:
            diffs.append(fb["timeseries"]["participation"][:, step] - fa["timeseries"]["participation"][:, step])
    d = np.array(diffs)
    member = d.mean(axis=1)
    members, reps = d.shape
    within = ((d - member[:, None]) ** 2).sum() / (members * (reps - 1))
    half = stats.t.ppf(0.975, members * (reps - 1)) * np.sqrt(within / reps)
    expected = {"difference": member.mean(), "full_low": np.percentile(member, 2.5),
                "full_high": np.percentile(member, 97.5), "seed_low": member.mean() - half,
                "seed_high": member.mean() + half}
    for key, value in expected.items():
        expect(abs(float(row[key]) - value) <= 1e-9 * max(1.0, abs(value)), f"step {step} {key}: {row[key]} vs {value}")
    print(f"step {step}: difference {member.mean():+.4f}, parameters + seeds [{expected['full_low']:+.4f}, "
          f"{expected['full_high']:+.4f}], seeds only [{expected['seed_low']:+.4f}, {expected['seed_high']:+.4f}]")
# scripts/policy_uncertainty.py (docs/policy.md's headline and figure) recomputes the same
# statistics from the member files: its table must agree with compare's rows.
script = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "scripts", "policy_uncertainty.py"),
                         os.path.join(work, "few"), os.path.join(work, "many"), "--at", "13,26",
                         "--figure", os.path.join(work, "effect.png")], capture_output=True, text=True)
expect(script.returncode == 0, f"policy_uncertainty.py: {script.stderr}")
expect(os.path.getsize(os.path.join(work, "effect.png")) > 1000, "policy_uncertainty.py drew no figure")
table = {int(c[1]): c for c in (line.split("|") for line in script.stdout.splitlines())
         if len(c) > 6 and c[1].strip().isdigit()}
for row in rows:
    cells = table[int(float(row["step"]))]
    full = [float(x) for x in cells[4].strip(" []").split(",")]
    seeds = [float(x) for x in cells[5].strip(" []").split(",")]
    for got, key in ((float(cells[3]), "difference"), (full[0], "full_low"), (full[1], "full_high"),
                     (seeds[0], "seed_low"), (seeds[1], "seed_high")):
        expect(abs(got - 100 * float(row[key])) <= 0.0005 + 1e-12, f"policy_uncertainty.py {key}: {got} vs {row[key]}")
bad_pair = subprocess.run([EXE, "compare", os.path.join(work, "few"), os.path.join(serial, "gen-0")],
                          capture_output=True, text=True)
expect(bad_pair.returncode == 2 and "pair" in bad_pair.stderr, f"unpaired directories: {bad_pair.stderr}")

# 6. Infeasible particles: social influence above about 0.0075 leaves the
# town's baseline unmatchable (the run refuses it). A calibration rejects such
# particles instead of failing, counts them, keeps none in the posterior, and
# gives the same posterior under mpirun; a prior mostly infeasible is refused.
def influence_calibration(name, high):
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"base: {TOWN}\nparameters:\n"
                f"  model.one_to_one.recruit_chance: {{prior: uniform, range: [0.01, 0.4]}}\n"
                f"  model.social_influence: {{prior: uniform, range: [0.001, {high}]}}\n"
                f"targets:\n  - {{metric: people_listened, step: {STEP}, value: {targets['people_listened'][0]!r}, "
                f"sd: {targets['people_listened'][1]!r}}}\n"
                f"  - {{metric: participation, step: {STEP}, value: 0.16, sd: 0.01}}\n"
                f"particles: 30\nreplicates: 1\nseed: 5\nmax_generations: 3\n")
    return path


refused = subprocess.run([EXE, "run", TOWN, "-o", os.path.join(work, "refused.h5"), "--set",
                          "model.social_influence=0.0085", "--threads", "1"], capture_output=True, text=True)
expect(refused.returncode == 2 and "cannot be matched" in refused.stderr, f"a run at 0.0085: {refused.stderr}")
some = influence_calibration("some_infeasible", 0.009)
partly = os.path.join(work, "partly")
r = calibrate([some, "--out-dir", partly])
expect("infeasible (rejected)" in r.stderr, f"no count of infeasible particles in {r.stderr}")
with h5py.File(os.path.join(partly, "posterior.h5"), "r") as f:
    counts = f["generations"]["infeasible"][()]
    expect(counts[0] > 0 and counts[0] < 15, f"generation 0's infeasible count {counts}")
    distances = f["posterior"]["distance"][()]
    expect(np.all(np.isfinite(distances)), f"an infeasible particle was kept: {distances}")
    kept = list(zip(f["posterior"]["generation"][()].tolist(), f["posterior"]["particle"][()].tolist()))
# Each generation's count is its members without a result file (a refused run
# writes none), and every kept particle has one.
for g, count in enumerate(counts.tolist()):
    names = [n for n in os.listdir(os.path.join(partly, f"gen-{g}")) if n.startswith("p") and n.endswith(".h5")]
    expect(len(names) == (30 if g == 0 else 15) - count, f"gen-{g}: {len(names)} files, {count} infeasible")
for g, i in kept:
    expect(os.path.exists(os.path.join(partly, f"gen-{g}", f"p{i:04d}.h5")), f"kept particle {g}/{i} has no file")
if MPIRUN and built_with_mpi():
    partly_mpi = os.path.join(work, "partly_mpi")
    calibrate([some, "--out-dir", partly_mpi, "-q"], mpi_ranks=3)
    expect(posterior_bytes(partly_mpi) == posterior_bytes(partly), "infeasible particles: serial and mpirun differ")
mostly = influence_calibration("mostly_infeasible", 0.03)
r = calibrate([mostly, "--out-dir", os.path.join(work, "mostly")], check=False)
expect(r.returncode == 2 and f"{mostly}: generation 0: only" in r.stderr and "cannot be matched" in r.stderr
       and "narrow the priors" in r.stderr, f"mostly infeasible prior: {r.returncode} {r.stderr[-600:]}")
expect(not os.path.exists(os.path.join(work, "mostly", "posterior.h5")), "posterior.h5 from a refused calibration")
print("infeasible particles: generation counts", counts.tolist())

print("OK")
shutil.rmtree(work, ignore_errors=True)
