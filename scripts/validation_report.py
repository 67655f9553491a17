#!/usr/bin/python3
"""Run every scenario in scenarios/validation/ and print the table of
docs/validation.md: check, prediction, measured, tolerance.

Usage: /usr/bin/python3 scripts/validation_report.py [build/groundswell] [--keep DIR]

Predictions are computed here from the formulas (an implementation independent
of tests/validation/validation_support.hpp); measured values are read from the
HDF5 files `groundswell run` writes. The C++ tests in tests/validation/ assert
the same comparisons.
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCEN = os.path.join(ROOT, "scenarios", "validation")


def poisson(k, z):
    return math.exp(k * math.log(z) - z - math.lgamma(k + 1))


def vulnerable(phi, k):
    return k >= 1 and max(1, math.ceil(phi * k - 1e-12)) == 1


def watts_trigger(phi, z):
    """1 - exp(-z(1-u)), u = 1 - sum_k k p_k/z rho_k (1 - u^(k-1)) (smallest root)."""
    u = 0.0
    for _ in range(100000):
        nxt = 1 - sum(k * poisson(k, z) / z * (1 - u ** (k - 1)) for k in range(1, 200) if vulnerable(phi, k))
        if abs(nxt - u) < 1e-14:
            break
        u = nxt
    return 1 - math.exp(-z * (1 - u))


def bass_recursion(p, q, steps):
    f = [0.0]
    for _ in range(steps):
        f.append(f[-1] + (1 - f[-1]) * (p + q * f[-1]))
    return np.array(f)


def sir_final_size(z, T):
    if z * T <= 1:
        return 0.0
    s = 1.0
    for _ in range(100000):
        s = 1 - math.exp(-z * T * s)
    return s


def run(exe, name, outdir):
    out = os.path.join(outdir, name + ".h5")
    subprocess.run([exe, "run", os.path.join(SCEN, name + ".yaml"), "-o", out, "-q"], check=True)
    return h5py.File(out, "r")


def main():
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:
        keep = args[args.index("--keep") + 1]
        del args[args.index("--keep"):args.index("--keep") + 2]
    exe = args[0] if args else os.path.join(ROOT, "build", "groundswell")
    outdir = keep or tempfile.mkdtemp(prefix="gs_validation_")
    os.makedirs(outdir, exist_ok=True)
    rows = []

    for z in ["05", "2", "4", "5", "7"]:
        name = f"watts_er_phi018_z{z}"
        with run(exe, name, outdir) as f:
            active = f["timeseries/active"][:, -1]
            zz = float(z.replace("05", "0.5"))
            measured = float(np.mean(active >= 0.1))
            inside = 1.02 < zz < 5.76
            pred = watts_trigger(0.18, zz)
            rows.append((f"Watts φ=0.18, ER z={zz}: share of {len(active)} single seeds giving a global cascade (≥10% of N)",
                         f"{pred:.3f}", f"{measured:.3f}", "± 0.06" if inside else "≤ 0.01", name))

    with run(exe, "bass_dense_er", outdir) as f:
        mean = f["timeseries/adopted"][:].mean(axis=0)
        pred = bass_recursion(0.03, 0.38, len(mean) - 1)
        dev = np.abs(mean - pred)
        t = int(dev.argmax())
        rows.append((f"Bass p=0.03, q=0.38, ER N=4000 d=400, mean of {f['timeseries/adopted'].shape[0]} replicates: "
                     f"largest deviation of the mean curve from the recursion (at t={t})",
                     f"F({t}) = {pred[t]:.4f}", f"{mean[t]:.4f} (max dev {dev.max():.4f})", "± 0.01 every step",
                     "bass_dense_er"))

    for name, beta in [("sir_er_z4_above", 0.2), ("sir_er_z4_below", 0.05)]:
        with run(exe, name, outdir) as f:
            size = f["timeseries/resistant"][:, -1]
            T = beta / (beta + 0.2 - beta * 0.2)
            large = size[size >= 0.05]
            if beta == 0.2:
                rows.append((f"SIR ER z=4, β=0.2, γ=0.2 (T={T:.4f}): mean final size of large outbreaks "
                             f"({len(large)} of {len(size)} runs)",
                             f"{sir_final_size(4, T):.4f}", f"{large.mean():.4f}", "± 0.01", name))
            else:
                rows.append((f"SIR ER z=4, β=0.05, γ=0.2 (zT={4 * T:.2f} < 1): largest of {len(size)} outbreaks",
                             "small (< 5% of N)", f"{size.max():.4f}", "< 0.05", name))

    for k in [4, 6]:
        name = f"centola_ring_k{k}"
        with run(exe, name, outdir) as f:
            active = f["timeseries/active"][:]
            r, n = k // 2, 2000
            pred = math.ceil((n - 2 * r - 1) / (2 * (r - 2 + 1)))
            full = [int(np.argmax(a >= 1.0)) for a in active]
            rows.append((f"Centola-Macy count=2, cluster seed, ring lattice N=2000 k={k}: final share; steps to full",
                         f"1; {pred} (or {pred - 1})", f"{active[:, -1].min():.3f}; {min(full)}–{max(full)}",
                         "= 1; exact", name))
        name = f"centola_rewired_k{k}"
        with run(exe, name, outdir) as f:
            final = f["timeseries/active"][:, -1]
            rows.append((f"Centola-Macy, same after full degree-preserving rewiring (k={k}): largest final share of "
                         f"{len(final)} runs", f"≈ (k+1)/N = {(k + 1) / 2000:.4f}", f"{final.max():.4f}", "< 0.01",
                         name))

    print("| check | prediction | measured | tolerance | scenario |")
    print("|---|---|---|---|---|")
    for check, pred, meas, tol, name in rows:
        print(f"| {check} | {pred} | {meas} | {tol} | `scenarios/validation/{name}.yaml` |")


if __name__ == "__main__":
    main()
