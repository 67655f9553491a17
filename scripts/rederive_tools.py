#!/usr/bin/python3
"""Helpers of scripts/rederive (not meant to be run by hand, though they can be).

    rederive_tools.py derive SRC.yaml DST.yaml [--set PATH=VALUE ...] [--top KEY=VALUE ...] [--output-step N]
        copy a calibration, sweep or sensitivity file with absolute paths, extra
        entries in its set: (applied to every run), top-level keys replaced
        (dotted: samples.n=4) and, with --output-step, every output or target read at week N.
    rederive_tools.py table DIR --at W1,W2 [--from-week N]
        one Markdown row per HDF5 file in DIR: participation at each week, its s.d.
        and leaders at the last, organisers working, one-to-ones per organiser-week.
    rederive_tools.py final FILE.h5 METRIC ...
        each metric's mean over replicates at the last week.
    rederive_tools.py summary OUT_DIR [--quick]
        OUT_DIR/SUMMARY.md: per step, where the docs quote its figures (file:line)
        and the fresh outputs.
"""
import argparse
import glob
import os
import re
import sys

import h5py
import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def absolute(src_dir, path):
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(src_dir, path))


def derive(args):
    with open(args.src) as f:
        doc = yaml.safe_load(f)
    src_dir = os.path.dirname(os.path.abspath(args.src))
    doc["base"] = absolute(src_dir, doc["base"])
    if isinstance(doc.get("samples"), dict) and "from" in doc["samples"]:
        doc["samples"]["from"] = absolute(src_dir, doc["samples"]["from"])
    for out in doc.get("outputs", []) + doc.get("targets", []):
        if "minus" in out:
            out["minus"] = absolute(src_dir, out["minus"])
        if args.output_step is not None:
            out["step"] = args.output_step
    for kv in args.set:
        key, value = kv.split("=", 1)
        doc.setdefault("set", {})[key] = yaml.safe_load(value)
    for kv in args.top:
        key, value = kv.split("=", 1)
        *parents, leaf = key.split(".")
        target = doc
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = yaml.safe_load(value)
    with open(args.dst, "w") as f:
        f.write(f"# Derived by scripts/rederive from {os.path.relpath(args.src, ROOT)}\n")
        yaml.safe_dump(doc, f, sort_keys=False)


def series(f, metric):
    return np.asarray(f["timeseries"][metric], dtype=float)


def column(f, week):
    steps = np.asarray(f["timeseries"]["step"])
    steps = steps[0] if steps.ndim > 1 else steps
    hits = np.nonzero(steps == week)[0]
    if len(hits) == 0:
        raise SystemExit(f"week {week} not in {f.filename} (steps {steps[0]}-{steps[-1]})")
    return int(hits[0])


def table(args):
    weeks = [int(w) for w in args.at.split(",")]
    last = weeks[-1]
    print("| file | n | " + " | ".join(f"week {w}" for w in weeks) + f" | s.d. at {last} | leaders at {last} "
          f"| organisers working at {last} | one-to-ones per organiser-week, weeks {args.from_week}-{last} |")
    print("|---|---|" + "---|" * (len(weeks) + 4))
    for path in sorted(glob.glob(os.path.join(args.dir, "*.h5"))):
        with h5py.File(path, "r") as f:
            p = series(f, "participation")
            cells = [f"{100 * p[:, column(f, w)].mean():.2f}%" for w in weeks]
            c = column(f, last)
            sd = 100 * p[:, c].std(ddof=1) if p.shape[0] > 1 else float("nan")
            lead = 100 * series(f, "leaders")[:, c].mean()
            active = series(f, "organisers_active")
            a, b = column(f, args.from_week), c + 1
            worked = active[:, a:b].sum()
            rate = series(f, "one_to_ones")[:, a:b].sum() / worked if worked > 0 else float("nan")
            print(f"| {os.path.basename(path)} | {p.shape[0]} | " + " | ".join(cells)
                  + f" | {sd:.2f} | {lead:.3f}% | {active[:, c].mean():.1f} | {rate:.2f} |")


def final(args):
    with h5py.File(args.file, "r") as f:
        for m in args.metrics:
            print(f"{m}: {series(f, m)[:, -1].mean():,.1f}")


# Per step: the docs that quote its figures, and strings that pick out the
# quoting lines (figures as the docs print them). Lines are found afresh each
# time, so the file:line stays right as the docs change.
QUOTES = {
    "quickstart": [("README.md", ["+0.038", "+0.68", "extra organiser"]),
                   ("docs/analysis.md", ["+0.68 points", "463,303"]),
                   ("docs/versions.md", ["+0.038 [+0.035", "+0.679"])],
    "policy_figures": [("docs/policy.md", ["16.195", "16.199", "16.237", "16.262", "+0.038 (±0.003)", "29,000",
                                           "16.946", "eighteen", "+0.068", "GBP 325", "16.147", "4.20", "4.21"])],
    "drift": [("docs/models/organising.md", ["16.11% to 16.26%", "16.23%"]),
              ("docs/policy.md", ["16.26%", "16.23%"])],
    "big_society": [("docs/models/organising.md", ["127,750", "3,300", "31,100"])],
    "longrun": [("docs/models/organising.md", ["23.98", "17.02", "+7.75", "16.56", "18.71", "26.42", "28.40",
                                               "0.5015", "34 leaders", "+0.33 points", "+0.254", "21.50", "21.32",
                                               "20.74", "19.15", "+5.10", "+2.49", "77 one-to-ones", "43.57",
                                               "1,005 leaders", "2.14"]),
                ("docs/policy.md", ["24.0 %", "24.0%", "43.6"]),
                ("docs/versions.md", ["23.98", "16.26", "17.02", "18.71", "+0.254", "26.66", "28.40", "+0.122"])],
    "form_fabric": [("docs/models/organising.md", ["+0.316", "+0.308", "16.8 %", "16.8%", "17.7%", "±0.17",
                                                   "+0.155 [", "+0.256"]),
                    ("docs/policy.md", ["+0.316", "+0.308", "17.7"]),
                    ("docs/graphs.md", ["+0.316", "+0.155", "3.1", "23.6"]),
                    ("docs/sources.md", ["17.7"]),
                    ("docs/versions.md", ["17.7"])],
    "competition": [("docs/models/organising.md", ["53.4", "41.0", "3.2 [-24.1", "0.39 /", "6.7 of 10", "95%"])],
    "uk": [("docs/policy.md", ["16.12", "26,137", "258,527", "371,343", "5,131", "(+0.050)"]),
           ("docs/models/organising.md", ["16.03"])],
    "uncertainty": [("README.md", ["+0.021 to +0.075"]),
                    ("docs/policy.md", ["32,000", "105,000", "196,000", "15,000", "379,000", "+0.254", "0.27 (0.20",
                                        "+0.043", "1.7 to 2.1", "+0.005", "+0.86", "+0.27/", "+0.34", "22 %",
                                        "ESS 23", "3,800", "2.0-8.2", "30 distinct"]),
                    ("docs/calibration.md", ["0.114", "0.27 [", "0.65 [", "0.37 [", "4,800", "195,500", "28,600",
                                             "16.23 %", "5.2 [", "22 %", "ESS 23", "13 %"]),
                    ("docs/models/organising.md", ["0.105 [", "0.25 (90%"])],
    "sensitivity": [("docs/sensitivity.md", ["0.00215", "0.045", "nine times", "0.92 [", "0.068", "0.010 [",
                                             "0.35", "a hundredth"]),
                    ("docs/policy.md", ["0.67-1.18", "0.006-0.017"])],
}
TITLES = {
    "quickstart": "A. scripts/quickstart (1,000 vs 10,000 volunteers; paid)",
    "policy_figures": "C. scripts/policy_figures.py --rerun (docs/policy.md, default parameters)",
    "drift": "I. Town baseline drift (208 weeks)",
    "big_society": "H. Big Society programme at 2%",
    "longrun": "E. Long-run behaviour (organising.md), mechanisms off, 0.1.0 line",
    "form_fabric": "F. 7.10: the policy answer under each contagion form and fabric",
    "competition": "G. 7.10: organisers' competition (capacity)",
    "uk": "D. Full UK scale (--uk)",
    "uncertainty": "B. scripts/policy_uncertainty.sh (calibration, posterior sweeps, figure)",
    "sensitivity": "J. Sensitivity: Morris, then Sobol",
}


def quoted_lines(doc, needles):
    path = os.path.join(ROOT, doc)
    if not os.path.exists(path):
        return []
    hits = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            found = [n for n in needles if n in line]
            if found:
                text = line.strip()
                hits.append(f"- {doc}:{i} [{', '.join(found)}]: {text[:220]}{'...' if len(text) > 220 else ''}")
    return hits


def summary(args):
    out = args.out
    mode = "QUICK (plumbing check only: these numbers are NOT figures)" if args.quick else "full"
    print(f"# {'QUICK: ' if args.quick else ''}Re-derived figures ({mode})\n")
    settings = os.path.join(out, "settings.txt")
    if os.path.exists(settings):
        print("```\n" + open(settings).read().rstrip() + "\n```\n")
    print("Each section: where the docs quote the step's figures (file:line, the figures matched, the line), "
          "then the fresh output the figures are read from. Outputs are under this directory.\n")
    for step, title in TITLES.items():
        log = os.path.join(out, step, "log.txt")
        print(f"## {title}\n")
        if not os.path.exists(log):
            print("Not run" + (" (needs --uk)" if step == "uk" else "") + ".\n")
            continue
        print("Quoted in:\n")
        for doc, needles in QUOTES[step]:
            print("\n".join(quoted_lines(doc, needles)))
        print(f"\nFresh output ({os.path.relpath(log, out)}):\n")
        text = open(log, encoding="utf-8", errors="replace").read().rstrip()
        text = "\n".join(l for l in text.splitlines() if not l.startswith("warning: ") or "replicate(s)" not in l)
        print("```\n" + text + "\n```\n")
    print("## Not covered by scripts/rederive\n")
    print("- K. self-calibration test: `ctest --test-dir build -R python.test_calibrate` (calibration.md).")
    print("- L. explorer screenshots: `ctest --test-dir build -R python.test_explore_browser`, then copy "
          "build/artifacts/explorer*.png to docs/images/.")
    print("- N. validation, graph statistics, teaching models: not the organising model; "
          "`scripts/check-bitwise OLD NEW` shows them unchanged.")
    print("- M. performance.md's dynamics counts (need a temporary counter in the code).")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("derive")
    d.add_argument("src")
    d.add_argument("dst")
    d.add_argument("--set", action="append", default=[])
    d.add_argument("--top", action="append", default=[])
    d.add_argument("--output-step", type=int)
    t = sub.add_parser("table")
    t.add_argument("dir")
    t.add_argument("--at", required=True)
    t.add_argument("--from-week", type=int, default=10)
    f = sub.add_parser("final")
    f.add_argument("file")
    f.add_argument("metrics", nargs="+")
    s = sub.add_parser("summary")
    s.add_argument("out")
    s.add_argument("--quick", action="store_true")
    args = p.parse_args()
    {"derive": derive, "table": table, "final": final, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
