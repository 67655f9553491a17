#!/usr/bin/python3
"""Helpers of scripts/rederive (not meant to be run by hand, though they can be).

    rederive_tools.py derive SRC.yaml DST.yaml [--set PATH=VALUE ...] [--top KEY=VALUE ...] [--output-step N]
        copy a calibration, sweep or sensitivity file with absolute paths, extra
        entries in its set: (applied to every run), top-level keys replaced
        (dotted: samples.n=4) and, with --output-step, every output or target read at week N.
    rederive_tools.py table DIR --at W1,W2 [--from-week N]
        one Markdown row per HDF5 file in DIR: participation at each week, its s.d.
        and leaders at the last, organisers working, one-to-ones per (organiser + leader) week,
        one-to-ones in the last week and mean efficacy.
    rederive_tools.py final FILE.h5 METRIC ... [--scale S]
        each metric's mean over replicates at the last week, divided by S.
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
          f"| organisers working at {last} | one-to-ones per organiser-week (leaders count as organisers), "
          f"weeks {args.from_week}-{last} | one-to-ones in week {last} | mean efficacy at {last} |")
    print("|---|---|" + "---|" * (len(weeks) + 6))
    for path in sorted(glob.glob(os.path.join(args.dir, "*.h5"))):
        with h5py.File(path, "r") as f:
            p = series(f, "participation")
            cells = [f"{100 * p[:, column(f, w)].mean():.2f}%" for w in weeks]
            c = column(f, last)
            sd = 100 * p[:, c].std(ddof=1) if p.shape[0] > 1 else float("nan")
            lead = 100 * series(f, "leaders")[:, c].mean()
            leaders = lead / 100 * int(f.attrs["graph_nodes"])
            last_one_to_ones = series(f, "one_to_ones")[:, c].mean()
            efficacy = series(f, "mean_efficacy")[:, c].mean()
            active = series(f, "organisers_active")
            a, b = column(f, args.from_week), c + 1
            # Leaders hold one-to-ones too: per (organiser + leader) week, as organising.md 7.10 counts them.
            worked = active[:, a:b].sum() + series(f, "leaders")[:, a:b].sum() * int(f.attrs["graph_nodes"])
            rate = series(f, "one_to_ones")[:, a:b].sum() / worked if worked > 0 else float("nan")
            print(f"| {os.path.basename(path)} | {p.shape[0]} | " + " | ".join(cells)
                  + f" | {sd:.2f} | {lead:.3f}% ({leaders:,.0f}) | {active[:, c].mean():.1f} | {rate:.2f} "
                  f"| {last_one_to_ones:,.0f} | {efficacy:.4f} |")


def final(args):
    with h5py.File(args.file, "r") as f:
        for m in args.metrics:
            print(f"{m}: {series(f, m)[:, -1].mean() / args.scale:,.0f}")


def t975(df):
    """Two-sided 95% Student t quantile; Welch's df need not be whole."""
    from scipy.stats import t  # python3-scipy (scripts/deps)
    return float(t.ppf(0.975, df))


def at_week(path, week, metric="participation"):
    with h5py.File(path, "r") as f:
        return series(f, metric)[:, column(f, week)]


def last_week(path):
    with h5py.File(path, "r") as f:
        return int(np.asarray(f["timeseries"]["step"]).max())


def paired(a, b, week):
    d = 100 * (at_week(b, week) - at_week(a, week))
    half = t975(len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
    return f"{d.mean():+.3f} ± {half:.3f}"


def welch(a, b, week):
    x, y = 100 * at_week(a, week), 100 * at_week(b, week)
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1)) if vx + vy > 0 else 1
    half = t975(df) * np.sqrt(vx + vy)
    return f"{y.mean() - x.mean():+.2f} [{y.mean() - x.mean() - half:+.2f}, {y.mean() - x.mean() + half:+.2f}]"


def level(path, week, metric="participation", digits=2):
    v = at_week(path, week, metric)
    sd = f" ({100 * v.std(ddof=1):.2f})" if len(v) > 1 else ""
    return f"{100 * v.mean():.{digits}f}%{sd}"


def per_organiser(base, path, week, organisers):
    with h5py.File(path, "r") as f:
        people = int(f.attrs["graph_nodes"])
    d = (at_week(path, week) - at_week(base, week)).mean() * people / organisers
    return f"{d:.1f}"


def log_value(log, key):
    """The value of a 'key: value' line of a step's log (tools final)."""
    for line in open(log, encoding="utf-8"):
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "not found"


# Headline figures: (label, documented value, doc, a string on the quoting line, files, computation).
# The week arguments are read from the files (quick runs are shorter). The documented values are
# 0.4.0's, typed in here; the "quoted at" line is found afresh, and reads "not found" once the docs
# quote a new value: update the value here when the docs move to a new results version.
def headline(out):
    o = lambda *p: os.path.join(out, *p)  # noqa: E731
    rows = []

    def add(label, documented, doc, needle, files, compute):
        if all(os.path.exists(o(f)) for f in files):
            try:
                value = compute(*[o(f) for f in files])
            except Exception as e:  # a missing week or metric: say so, keep going
                value = f"error: {e}"
            rows.append((label, documented, value, locate(doc, needle)))

    lr = "longrun"
    w = lambda f: last_week(f)  # noqa: E731
    add("quickstart: 10,000 - 1,000 volunteers, week 104, paired", "+0.036 [+0.031, +0.040]", "docs/versions.md",
        "as `scripts/quickstart` prints it", ["quickstart/volunteers_1000.h5", "quickstart/volunteers_10000.h5"],
        lambda a, b: paired(a, b, w(a)))
    add("quickstart: 10,000 - 1,000 paid, week 104, paired", "+0.662 [+0.642, +0.683]", "docs/versions.md",
        "+0.662 [+0.642, +0.683]",
        ["quickstart/paid_1000.h5", "quickstart/paid_10000.h5"], lambda a, b: paired(a, b, w(a)))
    for i, (doc_value, name) in enumerate([("+0.036 ± 0.004", "2 years"), ("+0.129 ± 0.009", "5 years"),
                                           ("+0.250 ± 0.026", "10 years")]):
        add(f"10,000 - 1,000 volunteers, 20 replicates, paired, {name}", doc_value, "docs/models/organising.md",
            doc_value, [f"{lr}/v1000.h5", f"{lr}/v10000.h5"],
            lambda a, b, i=i: paired(a, b, weeks(a)[i]))
    add("no organisers, weeks 104 / 260 / 520 (s.d.)", "16.23 / 16.32 / 16.40 (0.27)", "docs/models/organising.md",
        "| none | 16.23", [f"{lr}/base.h5"], lambda a: " / ".join(level(a, x) for x in weeks(a)))
    add("20 paid, weeks 104 / 260 / 520 (s.d.)", "16.94 / 19.20 / 23.86 (0.43)", "docs/models/organising.md",
        "| 20 paid (`organisers.count=20`)", [f"{lr}/paid20.h5"], lambda a: " / ".join(level(a, x) for x in weeks(a)))
    add("20 paid, leaders at 520", "0.23%", "docs/models/organising.md", "| 20 paid (`organisers.count=20`)",
        [f"{lr}/paid20.h5"], lambda a: level(a, w(a), "leaders", 3))
    add("20 paid minus none at 520, Welch", "+7.46 [+6.91, +8.00]", "docs/models/organising.md", "+7.46 points",
        [f"{lr}/base.h5", f"{lr}/paid20.h5"], lambda a, b: welch(a, b, w(a)))
    add("20 volunteers minus none at 520, Welch", "+0.29 [-0.12, +0.70]", "docs/models/organising.md",
        "+0.29 points", [f"{lr}/base.h5", f"{lr}/vol20.h5"], lambda a, b: welch(a, b, w(a)))
    add("20 paid withdrawn after 104, at 520", "18.81 (0.55)", "docs/models/organising.md",
        "| 20 paid, withdrawn after week 104", [f"{lr}/paid20_stop104.h5"], lambda a: level(a, w(a)))
    add("20 paid, leaders.per_organiser=50, at 520", "26.24 (0.40)", "docs/models/organising.md",
        "`leaders.per_organiser=50` |", [f"{lr}/paid20_L50.h5"], lambda a: level(a, w(a)))
    add("20 paid, no bound on leaders, at 520", "28.11 (0.53)", "docs/models/organising.md",
        "`leaders.per_organiser=0` | 16.94", [f"{lr}/paid20_L0.h5"], lambda a: level(a, w(a)))
    add("0.1.0 line, 20 paid, 3 replicates, at 520 (bit for bit)", "43.57%", "docs/models/organising.md",
        "17.46%, 22.03% and 43.57%", [f"{lr}/paid20_v010_r3.h5"], lambda a: level(a, w(a)))
    add("0.2.0 line, 20 paid, at 520 (bit for bit)", "23.98 (0.31)", "docs/versions.md",
        "| 0.2.0 | 23.98", [f"{lr}/paid20_v020.h5"], lambda a: level(a, w(a)))
    add("0.3.0 line, 20 paid, at 520 (bit for bit)", "24.10 (0.29)", "docs/versions.md",
        "| the same, week 520 | 23.97% (0.31) | 24.10% (0.29)", [f"{lr}/paid20_v030.h5"], lambda a: level(a, w(a)))
    for name, doc_value in [("campaigns", "21.60% (0.29)"), ("leader_one_to_ones", "21.34% (0.46)"),
                            ("leaders", "20.76% (0.46)"), ("leaders_campaigns", "19.28% (0.32)")]:
        add(f"20 paid, {name} off, at 520", doc_value, "docs/models/organising.md", doc_value.split(" ")[0],
            [f"{lr}/off_{name}.h5"], lambda a: level(a, w(a)))
    add("town baseline, weeks 104 / 208", "16.23% / 16.31%", "docs/models/organising.md", "16.31% at week 208",
        ["drift/baseline_208.h5"], lambda a: " / ".join(level(a, x) for x in weeks(a)))
    for metric, doc_value in [("organisers_trained", "450"), ("volunteers_recruited", "3,300"),
                              ("people_listened_paid", "125,750"), ("people_mobilised", "18,850")]:
        add(f"Big Society at 2%, scaled back: {metric}", doc_value, "docs/models/organising.md", doc_value,
            ["big_society/log.txt"], lambda log, m=metric: log_value(log, m))
    ff = "form_fabric"
    for f, c, doc2, doc10 in [("classic", "linear", "+0.042 ± 0.014", "+0.302 ± 0.119"),
                              ("clustered", "linear", "+0.033 ± 0.010", "+0.267 ± 0.063"),
                              ("classic", "complex", "+0.036 ± 0.012", "+0.287 ± 0.111"),
                              ("clustered", "complex", "+0.031 ± 0.014", "+0.311 ± 0.104"),
                              ("clustered", "tieweights", "+0.033 ± 0.010", "+0.256 ± 0.093")]:
        files = [f"{ff}/town_1000_volunteers_{f}_{c}_020.h5", f"{ff}/town_10000_volunteers_{f}_{c}_020.h5"]
        add(f"7.10 {c}, {f}: 10,000 - 1,000 at 2 / 10 years, paired", f"{doc2} / {doc10}",
            "docs/models/organising.md", doc10, files,
            lambda a, b: f"{paired(a, b, weeks(a)[0])} / {paired(a, b, w(a))}")
    add("7.10 complex, clustered: baseline weeks 104 / 520", "16.68% / 17.67%", "docs/models/organising.md",
        "16.76% / 17.70%", [f"{ff}/town_baseline_clustered_complex_020.h5"],
        lambda a: f"{level(a, weeks(a)[0])} / {level(a, w(a))}")
    cp = "competition"
    for n, c, doc_value in [(2000, "0", "53.6"), (2000, "0.1", "41.0"), (2000, "0", "3.1"), (2000, "0.1", "2.9")]:
        kind = "p" if doc_value in ("53.6", "41.0") else "v"
        add(f"competition: {n} {'paid' if kind == 'p' else 'volunteers'}, c = {c}, per organiser", doc_value,
            "docs/models/organising.md", f"| 2,000 {'paid' if kind == 'p' else 'volunteers'} |",
            [f"{cp}/base.h5", f"{cp}/{kind}{n}_c{c}.h5"], lambda a, b, n=n: per_organiser(a, b, w(a), n))
    rows += policy_figures_rows(out) + sensitivity_rows(out) + uncertainty_rows(out)
    return rows


def markdown_rows(path):
    """First cell -> cells, for every Markdown table row of a log."""
    rows = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8", errors="replace"):
            if line.startswith("| "):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                rows.setdefault(cells[0], cells)
    return rows


def policy_figures_rows(out):
    log = os.path.join(out, "policy_figures", "log.txt")
    table = markdown_rows(log)
    rows = []
    pm = "docs/policy.md"
    for label, col, documented, needle in [
            ("baseline", 1, "16.167%", "| baseline | 0 | 16.167%"),
            ("1,000 volunteer organisers", 2, "+0.004 points (±0.002)", "+0.004 points (±0.002)"),
            ("10,000 volunteer organisers", 2, "+0.039 points (±0.004)", "+0.039 points (±0.004)"),
            ("Big Society design (500 paid + 4,500 volunteer)", 2, "+0.062 points (±0.006)", "+0.062 points"),
            ("paid, full-time", 2, "+0.739 points (±0.016)", "+0.739 points"),
            ("none (baseline)", 5, "4.13 points", "| none (baseline) |"),
            ("most_deprived_first", 2, "+0.041", "| most_deprived_first |"),
            ("most_deprived_first", 5, "3.98 points", "| most_deprived_first |")]:
        if label in table and len(table[label]) > col:
            rows.append((f"policy_figures: {label} ({'gap' if col == 5 else 'change' if col == 2 else 'level'})",
                         documented, table[label][col], locate(pm, needle)))
    if os.path.exists(log):
        for line in open(log, encoding="utf-8"):
            if line.startswith("10,000 - 1,000 = "):
                rows.append(("policy_figures: 10,000 - 1,000 volunteers, town, week 104", "+0.036 points (±0.004)",
                             line.split("= ", 1)[1].strip(), locate(pm, "10,000 - 1,000 = +0.036")))
            if line.startswith("- uk_big_society_5000:"):
                rows.append(("policy_figures: Big Society, UK at 1%", "+0.065 points; about GBP 337 a participant",
                             line.split(": ", 1)[1].strip(), locate(pm, "GBP 337")))
    return rows


def sensitivity_rows(out):
    """Morris mu* and Sobol ST of the parameters the docs single out."""
    rows = []
    sm = "docs/sensitivity.md"
    for name, section, documented, needle in [
            ("town_morris", "minus", "0.00274", "**0.00274**"),
            ("town_morris", "", "0.040 (campaigns.threshold)", "**0.040**"),
            ("town_sobol", "minus", "0.96 [0.70, 1.22]", "**0.96** [0.70, 1.22]"),
            ("town_sobol", "minus", "0.013 [0.007, 0.021] (social_influence)", "0.013 [0.007, 0.021]")]:
        path = os.path.join(out, "sensitivity", name + ".txt")
        if not os.path.exists(path):
            continue
        parameter = ("model.campaigns.threshold" if "threshold" in documented else
                     "model.social_influence" if "social" in documented else
                     "model.kinds.volunteer.one_to_ones_per_step")
        current, value = None, "not found"
        for line in open(path, encoding="utf-8", errors="replace"):
            if line.startswith("participation@"):
                current = "minus" if "-minus-" in line else ""
            parts = line.split()
            if current == section and parts and parts[0] == parameter:
                m = re.match(r"\s*\S+\s+(\S+)\s+(\[[^\]]*\])?", line)
                interval = re.sub(r"\[\s+", "[", re.sub(r",\s+", ", ", m.group(2))) if m.group(2) else ""
                value = f"{m.group(1)} {interval}".strip()
        label = f"{name} {'mu*' if name == 'town_morris' else 'ST'} of {parameter}, " + \
            ("10,000 - 1,000" if section else "participation")
        rows.append((label, documented, value, locate(sm, needle)))
    return rows


def uncertainty_rows(out):
    """The posterior (calibrate's table) and the answer with parameter uncertainty (national.txt)."""
    rows = []
    log = os.path.join(out, "uncertainty", "log.txt")
    national = os.path.join(out, "uncertainty", "runs", "policy", "national.txt")
    documented = {"model.one_to_one.recruit_chance": "0.140 [0.107, 0.184]",
                  "model.kinds.volunteer.one_to_ones_per_step": "0.10 [0.053, 0.19]",
                  "model.multiplication.recruit_chance": "0.66 [0.24, 0.86]",
                  "model.deprivation_gap": "0.39 [0.36, 0.44]",
                  "model.organisers.neighbourhood_capacity": "0.13 [0.034, 0.24]"}
    if os.path.exists(log):
        seen = set()
        for line in open(log, encoding="utf-8", errors="replace"):
            m = re.match(r"(\S+)\s+\S+\s+\[[^\]]*\]\s+(\S+)\s+(\[[^\]]*\])", line)
            if m and m.group(1) in documented and m.group(1) not in seen:
                name = m.group(1)
                seen.add(name)
                rows.append((f"posterior median [90%]: {name}", documented[name], f"{m.group(2)} {m.group(3)}",
                             locate("docs/calibration.md", "| " + documented[name].replace(" [", " | [") + " |")))
    if os.path.exists(national):
        doc = {0: ("+0.018 [+0.005, +0.038]; about 12,000 people", "README.md", "+0.005, +0.038"),
               1: ("about 39,000 people", "docs/policy.md", "39,000"),
               2: ("about 73,000 people (22,000-172,000)", "docs/policy.md", "73,000")}
        table = 0
        for line in open(national, encoding="utf-8"):
            if line.startswith("| week |"):
                table += 1
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            # The second table is the posterior answer (the first is the default parameters').
            if table == 2 and len(cells) >= 10 and cells[0].isdigit():
                i = len([r for r in rows if r[0].startswith("10,000 - 1,000 with parameter")])
                if i in doc:
                    rows.append((f"10,000 - 1,000 with parameter uncertainty, week {cells[0]}: points [95%]; people",
                                 doc[i][0], f"{cells[2]} {cells[3]}; {cells[7]} {cells[8]}",
                                 locate(doc[i][1], doc[i][2])))
    return rows


def weeks(path):
    """The horizons a long run is read at: 2, 5 and 10 years, or the quick run's."""
    last = last_week(path)
    return [104, 260, 520] if last >= 520 else ([104, 208] if last == 208 else [8, 12, 16][: 3 if last >= 16 else 2])


def locate(doc, needle):
    path = os.path.join(ROOT, doc)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if needle in line:
                    return f"{doc}:{i}"
    return f"{doc} (not found: {needle})"


# Per step: the docs that quote its figures, and strings that pick out the
# quoting lines (figures as the docs print them). Lines are found afresh each
# time, so the file:line stays right as the docs change.
QUOTES = {
    "quickstart": [("README.md", ["+0.036", "+0.66", "about 50 extra"]),
                   ("docs/analysis.md", ["+0.66 percentage", "450,350"]),
                   ("docs/versions.md", ["+0.036 [+0.032", "+0.660"])],
    "policy_figures": [("docs/policy.md", ["16.147", "16.150", "16.185", "16.209", "+0.038 points (±0.004)",
                                           "26,000", "16.883", "nineteen", "+0.077", "GBP 285", "16.221", "4.21",
                                           "4.06"])],
    "drift": [("docs/models/organising.md", ["16.11% to 16.20%", "16.30%"]),
              ("docs/policy.md", ["16.20% at week 104", "16.30%"])],
    "big_society": [("docs/models/organising.md", ["126,100", "3,200", "19,400"])],
    "longrun": [("docs/models/organising.md", ["24.10", "16.93", "+7.68", "18.97", "26.62", "28.50",
                                               "33 leaders", "+0.29 points", "+0.246", "21.68", "21.33",
                                               "20.70", "19.33", "+5.26", "+2.55", "43.57", "1,008 leaders", "2.09%"]),
                ("docs/policy.md", ["24.1%", "43.6"]),
                ("docs/versions.md", ["24.10", "16.20", "16.93", "18.97", "+0.246", "26.66", "+0.122"])],
    "form_fabric": [("docs/models/organising.md", ["+0.302", "+0.299", "17.67%", "+0.155 [", "+0.322"]),
                    ("docs/policy.md", ["+0.302", "+0.299", "17.7"]),
                    ("docs/graphs.md", ["+0.302", "+0.155", "3.1", "23.6"]),
                    ("docs/sources.md", ["17.7"]),
                    ("docs/versions.md", ["17.7"])],
    "competition": [("docs/models/organising.md", ["53.6", "41.2", "8.46 / - / 5.23", "6.7 of 10", "95%"])],
    "uk": [("docs/policy.md", ["16.13%", "372,241", "5,040", "+0.064"]),
           ("docs/models/organising.md", ["16.03"])],
    "uncertainty": [("README.md", ["+0.005, +0.038", "73,000"]),
                    ("docs/policy.md", ["12,000", "39,000", "73,000", "172,000", "+0.018", "0.10 a week",
                                        "1.6 to 2.2", "ESS 34", "+13,100", "+49,800"]),
                    ("docs/calibration.md", ["| 0.140 |", "| 0.10 |", "| 0.66 |", "| 0.39 |", "| 0.13 |", "| 5,300 |",
                                             "155,600", "26,200", "ESS of 100"]),
                    ("docs/models/organising.md", ["0.140 [", "0.10 (90%", "155,600", "0.13 [0.034"])],
    "forms": [("docs/calibration.md", ["10.25", "14.37", "4.75, 4.30", "0.0038 [", "0.00106 [", "16.17% [16.02%",
                                       "16.44% [16.19%", "75 and 77"]),
              ("docs/models/organising.md", ["16.17% [16.02%", "4.75"])],
    "sensitivity": [("docs/sensitivity.md", ["0.00274", "0.040**", "five times", "0.00008", "0.96**", "0.050 [",
                                             "0.51**", "a few hundredths"]),
                    ("docs/policy.md", ["0.70-1.22", "0.007-0.021"])],
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
    "forms": "O. Simple or complex contagion: two calibrations (calibration.md)",
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
    if args.quick:
        print("# QUICK: re-derived figures (a plumbing check: these numbers are NOT figures)\n")
    else:
        print("# Re-derived figures\n")
    settings = os.path.join(out, "settings.txt")
    if os.path.exists(settings):
        print("```\n" + open(settings).read().rstrip() + "\n```\n")
    print("## Headline figures\n")
    print("Computed from the fresh files (paired: mean difference ± 95% t half-width; Welch: [95% interval]; "
          "levels: mean (s.d.) over replicates). The sections below have every output and every quoting line.\n")
    print("| figure | documented (0.4.0) | fresh | quoted at |")
    print("|---|---|---|---|")
    for label, documented, value, where in headline(out):
        print(f"| {label} | {documented} | {value} | {where} |")
    print("\n## Every step: where the docs quote its figures, and the fresh outputs\n")
    print("Each section: the quoting lines (file:line, the figures matched, the line), then the output the "
          "figures are read from. Outputs are under this directory.\n")
    for step, title in TITLES.items():
        log = os.path.join(out, step, "log.txt")
        print(f"### {title}\n")
        if not os.path.exists(log):
            print("Not run" + (" (needs --uk)" if step == "uk" else "") + ".\n")
            continue
        print("Quoted in:\n")
        for doc, needles in QUOTES[step]:
            print("\n".join(quoted_lines(doc, needles)))
        print(f"\nFresh output ({os.path.relpath(log, out)}):\n")
        text = open(log, encoding="utf-8", errors="replace").read().rstrip()
        noise = re.compile(r"^(\[ *\d+%\]|wrote |warning: .*replicate\(s\))")
        text = "\n".join(line for line in text.splitlines() if not noise.match(line))
        print("```\n" + text + "\n```\n")
    print("### Not covered by scripts/rederive\n")
    print("- K. self-calibration test: `ctest --test-dir build -R python.test_calibrate` (calibration.md).")
    print("- L. explorer screenshots: `/usr/bin/python3 scripts/explorer_screenshot.py` (docs/images/explorer.png), "
          "then `ctest --test-dir build -R python.test_explore_browser` and copy build/artifacts/explorer-map.png "
          "and explorer-network.png to docs/images/.")
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
    f.add_argument("--scale", type=float, default=1.0, help="divide by this population_scale (national figures)")
    s = sub.add_parser("summary")
    s.add_argument("out")
    s.add_argument("--quick", action="store_true")
    args = p.parse_args()
    {"derive": derive, "table": table, "final": final, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
