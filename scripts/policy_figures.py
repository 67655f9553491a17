#!/usr/bin/python3
"""Re-measure every figure in docs/policy.md and print its tables as Markdown.

    /usr/bin/python3 scripts/policy_figures.py [--groundswell build/groundswell] [--out DIR] [--replicates 20]
        [--rerun] [--set PATH=VALUE ...] [--uk-scale 0.01]

Runs the town scenarios (20 replicates each) and the UK scenarios at 1%, then
summarises week 104. Differences are paired by replicate (the scenarios share
their seed, so graph and citizens' draws are common) with a Student t 95%
half-width. About 3 minutes on 2 cores (docs/policy.md). Any thread count gives
the same numbers.
"""
import argparse
import math
import os
import subprocess
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = os.path.join(ROOT, "scenarios", "policy")

# Two-sided 95% Student t quantiles by degrees of freedom (scipy.stats.t.ppf(0.975, df)).
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 14: 2.145, 19: 2.093, 29: 2.045, 39: 2.023, 49: 2.010}


def t975(df):
    if df in T975:
        return T975[df]
    known = sorted(T975)
    return T975[max(k for k in known if k <= df)]  # conservative: the next smaller df


def run(args, scenario, out, *sets):
    path = os.path.join(args.out, out)
    if os.path.exists(path) and not args.rerun:
        return path
    cmd = [args.groundswell, "run", os.path.join(POLICY, scenario + ".yaml"), "-o", path, "--quiet"]
    for s in list(sets) + args.set:  # the caller's --set last: it wins
        cmd += ["--set", s]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)
    return path


def final(path, metric="participation"):
    with h5py.File(path, "r") as f:
        return np.asarray(f["timeseries"][metric][:, -1], dtype=float)


def change(path, base):
    d = final(path) - final(base)
    if len(d) < 2:
        return f"{100 * d.mean():+.3f}", ""
    half = t975(len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return f"{100 * d.mean():+.3f} points", f"(±{100 * half:.3f})"


def pct(path, metric="participation", digits=3):
    return f"{100 * final(path, metric).mean():.{digits}f}%"


def count(path, metric):
    return f"{final(path, metric).mean():,.0f}"


def campaigns(path):
    with h5py.File(path, "r") as f:
        won = np.asarray(f["timeseries"]["campaigns_won"]).sum(axis=1).mean()
        lost = np.asarray(f["timeseries"]["campaigns_lost"]).sum(axis=1).mean()
    return f"{won:.2f} / {lost:.2f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--groundswell", default=os.path.join(ROOT, "build", "groundswell"))
    p.add_argument("--out", default="policy-figures", help="directory for the runs' HDF5 files")
    p.add_argument("--replicates", type=int, default=20, help="replicates of each town scenario")
    p.add_argument("--rerun", action="store_true", help="run again even where an output exists")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="extra override for every run, after the script's own (e.g. model.schedule=next_event)")
    p.add_argument("--uk-scale", default="0.01", help="population_scale of the UK runs (0.01 as documented)")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    reps = f"replicates={args.replicates}"

    town = {s: run(args, s, s + ".h5", reps) for s in
            ("town_baseline", "town_1000_volunteers", "town_10000_volunteers", "town_big_society_5000")}
    town["paid20"] = run(args, "town_baseline", "town_20_paid.h5", reps, "model.organisers.count=20")
    base = town["town_baseline"]

    print(f"## 1,000 vs 10,000 organisers (town, {args.replicates} replicates)\n")
    print("| scenario | participation | change vs baseline (95% CI) | most deprived fifth "
          "| least deprived fifth | people met |")
    print("|---|---|---|---|---|---|")
    rows = [("baseline", "town_baseline"), ("1,000 volunteer organisers", "town_1000_volunteers"),
            ("10,000 volunteer organisers", "town_10000_volunteers"),
            ("Big Society design (500 paid + 4,500 volunteer)", "town_big_society_5000")]
    for label, s in rows:
        ch = ("", "") if s == "town_baseline" else change(town[s], base)
        print(f"| {label} | {pct(town[s])} | {ch[0]} {ch[1]} | {pct(town[s], 'participation_q1', 2)} "
              f"| {pct(town[s], 'participation_q5', 2)} | {count(town[s], 'people_reached')} |")
    d = change(town["town_10000_volunteers"], town["town_1000_volunteers"])
    print(f"\n10,000 - 1,000 = {d[0]} {d[1]}\n")

    print(f"## Volunteer vs paid (town, {args.replicates} replicates)\n")
    print("| 20 organisers of kind | participation | change (95% CI) | people met | leaders "
          "| campaigns (won / lost per replicate) |")
    print("|---|---|---|---|---|---|")
    for label, path in (("volunteer", town["town_10000_volunteers"]), ("paid, full-time", town["paid20"])):
        ch = change(path, base)
        print(f"| {label} | {pct(path)} | {ch[0]} {ch[1]} | {count(path, 'people_reached')} "
              f"| {pct(path, 'leaders', 2)} | {campaigns(path)} |")

    print("\n## Placement (UK at 1%, 10,000-organiser density, one replicate)\n")
    uk = {"none (baseline)": run(args, "uk_baseline", "uk1_baseline.h5", f"population_scale={args.uk_scale}")}
    for pl in ("proportional", "uniform", "most_deprived_first", "concentrated"):
        uk[pl] = run(args, "uk_10000_organisers", f"uk1_{pl}.h5", f"population_scale={args.uk_scale}",
                     f"model.organisers.placement={pl}", "model.organisers.regions=1")
    print("| placement | participation | change | most deprived fifth | least deprived fifth "
          "| gap (least - most) | people met |")
    print("|---|---|---|---|---|---|---|")
    ukbase = uk["none (baseline)"]
    for label, path in uk.items():
        ch = "" if path == ukbase else f"{100 * (final(path) - final(ukbase)).mean():+.3f}"
        gap = 100 * final(path, "participation_gap").mean()
        print(f"| {label} | {pct(path)} | {ch} | {pct(path, 'participation_q1', 2)} "
              f"| {pct(path, 'participation_q5', 2)} | {gap:.2f} points | {count(path, 'people_reached')} |")

    bs = run(args, "uk_big_society_5000", "uk1_bs.h5", f"population_scale={args.uk_scale}")
    one = run(args, "uk_1000_organisers", "uk1_1000.h5", f"population_scale={args.uk_scale}")
    with h5py.File(bs, "r") as f:
        people = int(f.attrs["graph_nodes"])
    gain = (final(bs) - final(ukbase)).mean()
    spend = final(bs, "organiser_spend").mean()
    print("\n## Big Society design and 1,000 organisers, UK at 1% (one replicate)\n")
    print(f"- uk_1000_organisers: {100 * (final(one) - final(ukbase)).mean():+.3f} points")
    print(f"- uk_big_society_5000: {100 * gain:+.3f} points; spend GBP {spend:,.0f}; "
          f"{gain * people:,.0f} more participants of {people:,}; "
          + (f"GBP {spend / (gain * people):,.0f} per additional participant" if gain > 0 else "no gain"))


if __name__ == "__main__":
    main()
