"""`groundswell sensitivity` end to end, on the test_function rule whose
indices are known analytically:
- Sobol on Ishigami (a = 7, b = 0.1): the analytic S1 and ST lie inside the
  95% bootstrap intervals; a fourth input the function ignores gets ST = 0;
- the design is the unscrambled Sobol' sequence as SciPy draws it, and the
  indices are what an independent NumPy estimator gives from the stored
  per-point outputs;
- Sobol on the G-function (a = 0, 1, 4.5, 9): the analytic indices lie inside
  the intervals; Morris ranks its inputs correctly;
- on the organising model without organisers, an organiser parameter gets ST = 0;
- sensitivity.h5 is bitwise identical serially and under mpirun -n 2, and
  --member runs plus --resume give the same file;
- `groundswell report DIR` draws the indices as bar charts with intervals;
- bad input exits 2 naming file:line:column."""
import math
import os
import shutil
import subprocess

import h5py
import numpy as np
from scipy.stats import qmc

from sweep_helpers import EXE, MPIRUN, built_with_mpi, expect, mpi_env, tempdir

work = tempdir()
PI = math.pi
A_G = np.array([0, 1, 4.5, 9, 99, 99, 99, 99.0])


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def sensitivity(args, mpi_ranks=0, check=True):
    cmd = [EXE, "sensitivity"] + args
    if mpi_ranks:
        cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", str(mpi_ranks)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env())
    if check:
        expect(out.returncode == 0, f"{' '.join(cmd)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    return out


def sa_file(name, function, inputs, lo, hi, samples, method="sobol", extra=""):
    params = "".join(f"  model.x{i}: [{lo!r}, {hi!r}]\n" for i in inputs)
    return write(name, f"base: {function}.yaml\nmethod: {method}\nparameters:\n{params}"
                       f"outputs:\n  - {{metric: value, step: 1}}\nsamples: {samples}\nseed: 11\n{extra}")


for function in ("ishigami", "g_function"):
    write(f"{function}.yaml", f"name: {function}\nsteps: 1\ngraph: {{type: erdos_renyi, nodes: 1, mean_degree: 0}}\n"
                              f"model: {{type: test_function, function: {function}, x5: 0.5, x6: 0.5, x7: 0.5, x8: 0.5}}\n")


def ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def g_function(x):
    k = x.shape[1]
    return np.prod((np.abs(4 * x - 2) + A_G[:k]) / (1 + A_G[:k]), axis=1) * 0.99 ** (8 - k)


def g_analytic(k):
    """Sobol' (1993): V_i = 1 / (3 (1 + a_i)^2), V = prod(1 + V_i) - 1."""
    v = 1 / (3 * (1 + A_G[:k]) ** 2)
    total = np.prod(1 + v) - 1
    return v / total, v * np.prod(1 + v) / (1 + v) / total


def results(path):
    with h5py.File(path, "r") as f:
        s = {k: f["sobol"][k][()][0] for k in f["sobol"]} if "sobol" in f else {}
        m = {k: f["morris"][k][()][0] for k in f["morris"]} if "morris" in f else {}
        return s, m, f["design/values"][()], f["design/unit"][()], f["design/outputs"][()][0]


def inside(name, value, low, high):
    expect(low <= value <= high, f"{name}: analytic {value:.3f} outside the interval [{low:.3f}, {high:.3f}]")
    expect(high - low < 0.75, f"{name}: interval [{low:.3f}, {high:.3f}] too wide to test anything")


# --- Ishigami, Sobol, N = 256, k = 4 (x4 unused) ---
N, K = 256, 4
ish = sa_file("ishigami_sa.yaml", "ishigami", range(1, K + 1), -PI, PI, N)
out_dir = os.path.join(work, "ishigami")
printed = sensitivity([ish, "--out-dir", out_dir, "-q", "--threads", "1"]).stdout
s, _, values, unit, y = results(os.path.join(out_dir, "sensitivity.h5"))
for i, (s1, st) in enumerate(zip([0.314, 0.442, 0.0, 0.0], [0.558, 0.442, 0.244, 0.0])):
    inside(f"Ishigami S1[x{i + 1}]", s1, s["S1_low"][i], s["S1_high"][i])
    if i < 3:
        inside(f"Ishigami ST[x{i + 1}]", st, s["ST_low"][i], s["ST_high"][i])
# x4 never enters f: every AB_4 point equals its A point exactly (same seed, same run).
expect(s["ST"][3] == 0 and s["ST_high"][3] == 0, f"ST of the unused input: {s['ST'][3]} [.., {s['ST_high'][3]}]")
# Ranked by total effect: x1, x2, x3, x4.
rows = [line.split()[0] for line in printed.splitlines() if line.strip().startswith("model.x")]
expect(rows == ["model.x1", "model.x2", "model.x3", "model.x4"], f"printed ranking {rows}")
with h5py.File(os.path.join(out_dir, "sensitivity.h5"), "r") as f:
    expect([d.decode() for d in f["sobol/ST"].dims[1][0][()]] == [f"model.x{i}" for i in range(1, 5)],
           "parameter names are not the ST table's dimension scale")
    expect([d.decode() for d in f["sobol/ST"].dims[0][0][()]] == ["value@1"], "output names scale")

# `groundswell report DIR` draws the indices with their intervals and tabulates them.
report = os.path.join(work, "report")
done = subprocess.run([EXE, "report", out_dir, "-o", report], capture_output=True, text=True, env=mpi_env())
expect(done.returncode == 0, f"report on a sensitivity directory: {done.stderr}")
with open(os.path.join(report, "index.html"), encoding="utf-8") as f:
    page = f.read()
expect(os.path.getsize(os.path.join(report, "sensitivity_0.png")) > 1000, "no bar chart")
expect("model.x3" in page and f"{s['ST'][2]:.4g}" in page and f"{s['ST_high'][2]:.4g}" in page, "report table")

# The design: SciPy's unscrambled Sobol' points 0..N-1 in 2k dimensions (Joe & Kuo 2008).
sob = qmc.Sobol(2 * K, scramble=False).random(N)
a, b = sob[:, :K], sob[:, K:]
expect(np.array_equal(unit[:N], a) and np.array_equal(unit[N:2 * N], b), "A and B differ from SciPy's Sobol' points")
for i in range(K):
    ab = a.copy()
    ab[:, i] = b[:, i]
    expect(np.array_equal(unit[(2 + i) * N:(3 + i) * N], ab), f"AB_{i + 1} is not A with column {i + 1} from B")
expect(np.allclose(values, -PI + unit * 2 * PI, rtol=0, atol=1e-12), "values are not the unit design on the ranges")
# Per-point outputs are the function at the design values, and the estimators agree with NumPy's.
expect(np.allclose(y, ishigami(values), rtol=1e-12, atol=1e-12), "stored outputs differ from Ishigami at the points")
fa, fb = y[:N], y[N:2 * N]
var = np.var(np.r_[fa, fb])
f0 = np.mean(np.r_[fa, fb])
for i in range(K):
    fab = y[(2 + i) * N:(3 + i) * N]
    expect(math.isclose(s["S1"][i], np.mean((fb - f0) * (fab - fa)) / var, rel_tol=1e-9, abs_tol=1e-12), f"S1[{i}]")
    expect(math.isclose(s["ST"][i], 0.5 * np.mean((fa - fab) ** 2) / var, rel_tol=1e-9, abs_tol=1e-12), f"ST[{i}]")
print("Ishigami S1", np.round(s["S1"], 3), "ST", np.round(s["ST"], 3))

# --- G-function, Sobol, N = 256, k = 4 ---
K = 4
g = sa_file("g_sa.yaml", "g_function", range(1, K + 1), 0, 1, 256)
sensitivity([g, "--out-dir", os.path.join(work, "g"), "-q", "--threads", "1"])
s, _, values, _, y = results(os.path.join(work, "g", "sensitivity.h5"))
expect(np.allclose(y, g_function(values), rtol=1e-12), "stored outputs differ from the G-function")
first, total = g_analytic(K)
for i in range(K):
    inside(f"G S1[x{i + 1}]", first[i], s["S1_low"][i], s["S1_high"][i])
    inside(f"G ST[x{i + 1}]", total[i], s["ST_low"][i], s["ST_high"][i])
print("G-function S1", np.round(s["S1"], 3), "analytic", np.round(first, 3))

# --- G-function, Morris, r = 20: mu* ranks x1 > x2 > x3 > x4 (a = 0, 1, 4.5, 9) ---
morris = sa_file("g_morris.yaml", "g_function", range(1, K + 1), 0, 1, 20, method="morris")
sensitivity([morris, "--out-dir", os.path.join(work, "morris"), "-q"])
_, m, values, unit, y = results(os.path.join(work, "morris", "sensitivity.h5"))
order = list(np.argsort(-m["mu_star"]))
expect(order == [0, 1, 2, 3], f"Morris ranks {order}, mu* {m['mu_star']}")
steps = np.abs(np.diff(unit.reshape(20, K + 1, K), axis=1))
expect(np.allclose(np.sort(steps, axis=2)[:, :, -1], 2 / 3) and np.all((steps > 0).sum(axis=2) == 1),
       "each Morris step moves one parameter by 2/3")
print("Morris mu*", np.round(m["mu_star"], 3))

# --- the organising model with no organisers: an organiser parameter cannot
# matter, and with common random numbers its total index is exactly 0. Under
# the next-event schedule (the default since 0.3.0) social influence moves each
# citizen's candidate weeks, so its runs share fewer random numbers and 8 samples
# gave ST 0.15 (32: 0.67 [0.46, 1.04]; weekly 1.14 at 8) ---
write("no_organisers.yaml", "name: none\nseed: 4\nsteps: 10\ngraph: {type: community, population: 600}\n"
                            "model: {type: organising}\n")
none = write("none_sa.yaml", "base: no_organisers.yaml\nparameters:\n  model.social_influence: [0.002, 0.006]\n"
                             "  model.kinds.volunteer.one_to_ones_per_step: [0.2, 2]\n"
                             "outputs: [{metric: participation}]\nsamples: 32\nbootstrap: 100\n")
sensitivity([none, "--out-dir", os.path.join(work, "none"), "-q"])
s, _, _, _, y = results(os.path.join(work, "none", "sensitivity.h5"))
expect(np.ptp(y) > 0, "participation did not vary with social influence")
expect(s["ST"][1] == 0 and s["ST_high"][1] == 0, f"organiser parameter without organisers: ST {s['ST'][1]}")
expect(s["ST"][0] > 0.2, f"social influence: ST {s['ST'][0]}")

# --- serial == mpirun -n 2, and --member + --resume, bitwise ---
small = sa_file("small.yaml", "ishigami", (1, 2, 3), -PI, PI, 16, extra="bootstrap: 200\n")
serial = os.path.join(work, "serial")
sensitivity([small, "--out-dir", serial, "-q"])
with open(os.path.join(serial, "sensitivity.h5"), "rb") as f:
    serial_bytes = f.read()
if MPIRUN and built_with_mpi():
    mpi = os.path.join(work, "mpi")
    sensitivity([small, "--out-dir", mpi, "-q"], mpi_ranks=2)
    with open(os.path.join(mpi, "sensitivity.h5"), "rb") as f:
        expect(f.read() == serial_bytes, "sensitivity.h5 differs between serial and mpirun -n 2")
    print("serial == mpirun -n 2")
pieces = os.path.join(work, "pieces")
for n in (0, 5, 79):
    sensitivity([small, "--out-dir", pieces, "--member", str(n)])
expect(sorted(os.listdir(os.path.join(pieces, "points"))) == ["p0000.h5", "p0005.h5", "p0079.h5"], "--member files")
sensitivity([small, "--out-dir", pieces, "--resume", "-q"])
with open(os.path.join(pieces, "sensitivity.h5"), "rb") as f:
    expect(f.read() == serial_bytes, "--member then --resume differs from one serial run")
again = sensitivity([small, "--out-dir", pieces], check=False)
expect(again.returncode == 2 and "not empty" in again.stderr, f"reuse without --resume: {again.stderr}")


# --- bad input: exit 2, file:line:column, the key ---
def fails(name, text, *messages):
    path = write(name, text)
    out = sensitivity([path, "--list"], check=False)
    expect(out.returncode == 2, f"{name}: exit {out.returncode}, stderr {out.stderr}")
    for msg in messages:
        expect(msg in out.stderr, f"{name}: expected {msg!r} in {out.stderr!r}")


good_outputs = "outputs: [{metric: value, step: 1}]\n"
fails("unknown.yaml", "base: ishigami.yaml\nparameters:\n  model.x9: [0, 1]\n" + good_outputs,
      "unknown.yaml:3:", "model.x9")
fails("order.yaml", "base: ishigami.yaml\nparameters:\n  model.x1: [1, 0]\n" + good_outputs,
      "order.yaml:3:13:", "low must be below high")
fails("text.yaml", "base: ishigami.yaml\nparameters:\n  model.function: [0, 1]\n" + good_outputs,
      "text.yaml:3:3:", "only numeric parameters")
fails("nan.yaml", "base: ishigami.yaml\nparameters:\n  model.x1: [0, lots]\n" + good_outputs,
      "nan.yaml:3:17:", "expected a number")
fails("metric.yaml", "base: ishigami.yaml\nparameters:\n  model.x1: [0, 1]\noutputs: [{metric: participation}]\n",
      "metric.yaml:4:20:", "no metric 'participation'", "it has: value")
fails("step.yaml", "base: ishigami.yaml\nparameters:\n  model.x1: [0, 1]\noutputs: [{metric: value, step: 9}]\n",
      "step.yaml:4:33:", "past the scenario's last step")
fails("range.yaml", "base: ishigami.yaml\nparameters:\n  model.x1: [0, 2e6]\n" + good_outputs,
      "range.yaml:3:", "model.x1")
fails("key.yaml", "base: ishigami.yaml\nmethdo: sobol\nparameters:\n  model.x1: [0, 1]\n" + good_outputs,
      "key.yaml:2:1:", "did you mean 'method'")

shutil.rmtree(work)
print("ok")
