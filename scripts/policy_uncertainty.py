#!/usr/bin/python3
"""Figure and national equivalents for the headline of docs/policy.md.

    /usr/bin/python3 scripts/policy_uncertainty.py RUNS_A RUNS_B [--at 104,260,520] [--figure PNG]

RUNS_A and RUNS_B are two sweep directories drawn from one posterior that
differ only in the organisers (scripts/policy_uncertainty.sh makes them).
Recomputes, independently of `groundswell compare`, the paired effect
d_i = mean over replicates of (B - A) in member i, its 2.5-97.5 percentile
interval over members (parameters + seeds) and the seed-only interval
(pooled within-member variance, Student t), prints them in points and as
people in the population the scenario represents (represents_population),
with how many times wider the full interval is than the seed-only one from
these replicates and from 20 replicates (as the default-parameter tables of
docs/policy.md use), and draws the effect over time with both bands.
"""
import argparse
import glob
import os

import h5py
import numpy as np
from scipy import stats


def member_series(directory):
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, "m*.h5"))):
        with h5py.File(path, "r") as f:
            out[os.path.basename(path)] = f["timeseries/participation"][()]
    return out


def represents(directory):
    """People the scenario stands for: represents_population in a member's resolved scenario."""
    path = sorted(glob.glob(os.path.join(directory, "m*.h5")))[0]
    with h5py.File(path, "r") as f:
        text = f.attrs["scenario_yaml"]
    text = text.decode() if isinstance(text, bytes) else str(text)
    for line in text.splitlines():
        if line.startswith("represents_population:"):
            value = float(line.split(":", 1)[1].split("#")[0].strip().replace("_", ""))
            if value > 0:
                return value
    return None  # the scenario stands for no larger population: no national equivalents


def member_parameters(directory, names):
    """The calibrated parameters of each member (index.h5), in the order of names."""
    with h5py.File(os.path.join(directory, "index.h5"), "r") as f:
        members = f["members"]
        order = {n.decode() + ".h5": i for i, n in enumerate(members["name"][()])}
        rows = [order[n] for n in names]
        return {k: members[k][()][rows] for k in members if k.startswith("model.")}


def effects(a, b):
    """d[member, replicate, step] = B - A, paired by member name."""
    names = sorted(set(a) & set(b))
    if len(names) != len(a) or len(names) != len(b):
        raise SystemExit("the two directories do not hold the same members")
    return np.stack([b[n] - a[n] for n in names])


def summary(d):
    """Per step: mean, full interval, seed-only interval over d[member, replicate, step]."""
    m, r = d.shape[0], d.shape[1]
    di = d.mean(axis=1)
    mean = di.mean(axis=0)
    full_low, full_high = np.percentile(di, [2.5, 97.5], axis=0)
    sw2 = ((d - di[:, None, :]) ** 2).sum(axis=(0, 1)) / (m * (r - 1))
    half = stats.t.ppf(0.975, m * (r - 1)) * np.sqrt(sw2 / r)
    return di, mean, full_low, full_high, mean - half, mean + half, np.sqrt(sw2)


def seed_width(sw, replicates):
    """Width of the seed-only 95% interval from this many replicates at one parameter point."""
    return 2 * stats.t.ppf(0.975, replicates - 1) * sw / np.sqrt(replicates)


def print_defaults(run_a, run_b, steps):
    """Paired (same seed, same replicate) difference of two runs with a Student t 95% interval."""
    with h5py.File(run_a, "r") as fa, h5py.File(run_b, "r") as fb:
        d = fb["timeseries/participation"][()] - fa["timeseries/participation"][()]
    r = d.shape[0]
    print(f"default parameters, {r} replicates paired by seed: {run_b} - {run_a}")
    print("| week | years | B - A (points) | 95% seeds only |")
    print("|---|---|---|---|")
    for s in steps:
        half = stats.t.ppf(0.975, r - 1) * d[:, s].std(ddof=1) / np.sqrt(r)
        m = d[:, s].mean()
        print(f"| {s} | {s / 52:.0f} | {100 * m:+.3f} | [{100 * (m - half):+.3f}, {100 * (m + half):+.3f}] |")
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs_a")
    p.add_argument("runs_b")
    p.add_argument("--at", default="104,260,520")
    p.add_argument("--figure")
    p.add_argument("--defaults", nargs=2, metavar=("RUN_A", "RUN_B"),
                   help="also two runs at the default parameters (same seed): paired difference by replicate")
    args = p.parse_args()
    if args.defaults:
        print_defaults(*args.defaults, [int(x) for x in args.at.split(",")])
    d = effects(member_series(args.runs_a), member_series(args.runs_b))
    people = represents(args.runs_b)
    di, mean, flo, fhi, slo, shi, sw = summary(d)
    names = sorted(member_series(args.runs_b))
    where = f"the town stands for {people:,.0f} people" if people else "no represents_population: people n/a"
    print(f"{d.shape[0]} members x {d.shape[1]} replicates; {where}")
    print("| week | years | B - A (points) | 95% parameters + seeds | 95% seeds only | full / seed width "
          "| full / seed width, 20 replicates | people gained (national) | 95% parameters + seeds | 95% seeds only |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in (int(x) for x in args.at.split(",")):
        pts = [100 * v[s] for v in (mean, flo, fhi, slo, shi)]
        ppl = [v[s] * (people or float("nan")) for v in (mean, flo, fhi, slo, shi)]
        ratio = (fhi[s] - flo[s]) / (shi[s] - slo[s])
        ratio20 = (fhi[s] - flo[s]) / seed_width(sw[s], 20)
        print(f"| {s} | {s / 52:.0f} | {pts[0]:+.3f} | [{pts[1]:+.3f}, {pts[2]:+.3f}] | [{pts[3]:+.3f}, {pts[4]:+.3f}] "
              f"| {ratio:.1f} | {ratio20:.1f} | {ppl[0]:+,.0f} | [{ppl[1]:+,.0f}, {ppl[2]:+,.0f}] | [{ppl[3]:+,.0f}, {ppl[4]:+,.0f}] |")
    # Which calibrated parameter the effect follows across the posterior members.
    steps = [int(x) for x in args.at.split(",")]
    print("\nSpearman rank correlation of the member effect with each calibrated parameter")
    print("| parameter | " + " | ".join(f"week {s}" for s in steps) + " |")
    print("|---|" + "---|" * len(steps))
    for path, values in member_parameters(args.runs_b, names).items():
        rhos = [stats.spearmanr(values, di[:, s]).statistic for s in steps]
        print(f"| `{path}` | " + " | ".join(f"{r:+.2f}" for r in rhos) + " |")
    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        weeks = np.arange(d.shape[2])
        fig, ax = plt.subplots(figsize=(7, 4))
        for row in di:
            ax.plot(weeks, 100 * row, color="0.75", lw=0.4, alpha=0.6)
        ax.fill_between(weeks, 100 * flo, 100 * fhi, color="tab:blue", alpha=0.25,
                        label="95%: parameters + seeds (posterior members)")
        ax.fill_between(weeks, 100 * slo, 100 * shi, color="tab:red", alpha=0.6, label=f"95%: seeds only ({d.shape[1]} replicates at one point)")
        ax.plot(weeks, 100 * mean, color="k", lw=1.2, label="mean over members (grey: each member)")
        for s in (104, 260, 520):
            ax.axvline(s, color="0.5", ls=":", lw=0.8)
        ax.set_xlabel("week")
        ax.set_ylabel("participation, B - A (percentage points)")
        ax.set_title("10,000 vs 1,000 volunteer organisers (town at UK density)", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        fig.savefig(args.figure, dpi=90)
        print(f"figure: {args.figure}")


if __name__ == "__main__":
    main()
