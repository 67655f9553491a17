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
and draws the effect over time with both bands.
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
    raise SystemExit(f"{path}: the scenario sets no represents_population")


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
    return di, mean, full_low, full_high, mean - half, mean + half


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs_a")
    p.add_argument("runs_b")
    p.add_argument("--at", default="104,260,520")
    p.add_argument("--figure")
    args = p.parse_args()
    d = effects(member_series(args.runs_a), member_series(args.runs_b))
    people = represents(args.runs_b)
    di, mean, flo, fhi, slo, shi = summary(d)
    print(f"{d.shape[0]} members x {d.shape[1]} replicates; the town stands for {people:,.0f} people")
    print("| week | years | B - A (points) | 95% parameters + seeds | 95% seeds only | full / seed width "
          "| people gained (national) | 95% parameters + seeds | 95% seeds only |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in (int(x) for x in args.at.split(",")):
        pts = [100 * v[s] for v in (mean, flo, fhi, slo, shi)]
        ppl = [v[s] * people for v in (mean, flo, fhi, slo, shi)]
        ratio = (fhi[s] - flo[s]) / (shi[s] - slo[s])
        print(f"| {s} | {s / 52:.0f} | {pts[0]:+.3f} | [{pts[1]:+.3f}, {pts[2]:+.3f}] | [{pts[3]:+.3f}, {pts[4]:+.3f}] "
              f"| {ratio:.1f} | {ppl[0]:+,.0f} | [{ppl[1]:+,.0f}, {ppl[2]:+,.0f}] | [{ppl[3]:+,.0f}, {ppl[4]:+,.0f}] |")
    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        weeks = np.arange(d.shape[2])
        fig, ax = plt.subplots(figsize=(7, 4))
        for row in di:
            ax.plot(weeks, 100 * row, color="0.8", lw=0.6)
        ax.fill_between(weeks, 100 * flo, 100 * fhi, color="tab:blue", alpha=0.25,
                        label="95%: parameters + seeds (posterior members)")
        ax.fill_between(weeks, 100 * slo, 100 * shi, color="tab:red", alpha=0.6, label="95%: seeds only")
        ax.plot(weeks, 100 * mean, color="k", lw=1.2, label="mean over members")
        for s in (104, 260, 520):
            ax.axvline(s, color="0.5", ls=":", lw=0.8)
        ax.set_xlabel("week")
        ax.set_ylabel("participation, B - A (percentage points)")
        ax.set_title("10,000 vs 1,000 volunteer organisers (town at UK density)", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        fig.savefig(args.figure, dpi=110)
        print(f"figure: {args.figure}")


if __name__ == "__main__":
    main()
