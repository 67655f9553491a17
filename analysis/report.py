#!/usr/bin/python3
"""Draws the figures and writes index.html for `groundswell report`.

Called by the groundswell executable, which has already computed every
statistic (means, 95% CIs, differences from the first file with a paired CI
when the files share seed, replicates and graph (common random numbers) or
else Welch's, per quintile and national equivalents) in C++ and written them to --data (report-data.json): the
numbers on the page are the numbers `groundswell compare --quintiles
--format json` gives. This script reads the output files only for what needs
no statistics: per-quintile spreads for a figure and each scenario's YAML.
Run with Debian's /usr/bin/python3 (h5py, numpy, yaml and matplotlib from apt).
"""
import argparse
import html
import json
import math
import os
import re
import sys

MISSING_MODULES_EXIT = 3  # sim/cli/cmd_report.cpp relies on this code

try:
    import h5py
    import numpy as np
    import yaml
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt
except ImportError as e:
    sys.stderr.write(
        f"error: groundswell report needs h5py, numpy, yaml and matplotlib for {sys.executable} ({e}).\n"
        "Install them with:\n  sudo apt-get install python3-h5py python3-numpy python3-yaml python3-matplotlib\n")
    sys.exit(MISSING_MODULES_EXIT)

QUINTILES = [f"participation_q{q}" for q in range(1, 6)]
QUINTILE_ROWS = [("q1", "Q1 (most deprived fifth)"), ("q2", "Q2"), ("q3", "Q3"), ("q4", "Q4"),
                 ("q5", "Q5 (least deprived fifth)"), ("gap", "gap: Q5 minus Q1")]
WEEKS_PER_YEAR = 52

# Parameters whose special values mean something else than the number: shown as what they mean.
KIND_FIELDS = {"one_to_ones_per_step": "one-to-ones a week", "training_steps": "weeks of training",
               "turnover_per_year": "leaving per year"}
ZERO_MEANS = {"active_steps": "until the end of the run", "max_per_neighbourhood": "no cap",
              "cost_per_organiser": "unknown", "new_graph_every": "one graph for all replicates",
              "represents_population": "itself"}


def text_attr(f, name):
    value = f.attrs.get(name, "")
    return value.decode() if isinstance(value, bytes) else str(value)


def finite(v):
    return v is not None and not (isinstance(v, float) and not math.isfinite(v))


def fmt(v, digits=4, sign=False):
    if not finite(v):
        return "-"
    if isinstance(v, str):
        return v
    return f"{v:{'+' if sign else ''}.{digits}g}"


def points(v):
    """Percentage points (or percent) with a sign, two decimals (+1.14), or three below 0.1 (+0.038),
    so that small effects and their intervals stay readable."""
    if not finite(v):
        return "-"
    return f"{v:+.2f}" if abs(v) >= 0.1 else f"{v:+.3f}"


def percent(v):
    return f"{v:.2f}%" if finite(v) else "-"


def people(v):
    return f"{abs(round(v)):,}" if finite(v) else "-"


def ci_text(row, key, form):
    lo, hi = row.get(key + "_ci_low"), row.get(key + "_ci_high")
    return f"{form(lo)} to {form(hi)}" if finite(lo) and finite(hi) else "-"


def years(weeks):
    return f"{round(weeks / WEEKS_PER_YEAR, 1):g}"


def three_figures(count):
    """10,002 national equivalents of 20 organisers in a town read as the 10,000 they stand for."""
    return f"{float(f'{count:.3g}'):,.0f}"


def organisers_phrase(row):
    count = row.get("national_organisers", row.get("organisers"))
    kind = row.get("organiser_kinds", "")
    if kind in ("", "none"):
        return "no organisers"
    return f"{three_figures(count)} {kind} organiser{'s' if float(f'{count:.3g}') != 1 else ''}"


def represented(row):
    """Where the people counted live: nationally when the run stands for a larger population."""
    if row.get("national_population") and row.get("graph_nodes") and row["national_population"] != row["graph_nodes"]:
        return "nationally", f"the {round(row['national_population']):,} people the scenario stands for"
    return f"in this population of {round(row.get('graph_nodes', 0)):,}", "the people simulated"


PAIRED = "paired 95% CI (common random numbers)"
WELCH = "95% Welch CI"


def paired(row):
    """compare's method for this row's difference: paired over replicates (common random numbers) or Welch."""
    return row.get("difference_method") == "paired"


def method_label(rows):
    """What the difference CIs of rows (all but the first) are: one method, or which row has which."""
    methods = {paired(r) for r in rows[1:] if r.get("difference_method")}
    if methods == {True}:
        return PAIRED
    if methods == {False}:
        return WELCH
    return "95% CI: paired (common random numbers) where a scenario shares the first one's seed, replicates and " \
           "graph, else Welch (see the CI method column)"


def headline(first, row, meta):
    """One sentence a policy adviser can quote; every number from compare's JSON."""
    if not finite(row.get("difference_points")):
        return None
    diff = row["difference_points"]
    what = (f"{organisers_phrase(row)} instead of {organisers_phrase(first)}" if "organisers" in row
            else f"{row['label']} instead of {first['label']}")
    lo, hi = row.get("difference_points_ci_low"), row.get("difference_points_ci_high")
    verb = "raise" if finite(lo) and lo > 0 else "lower" if finite(hi) and hi < 0 else "change"
    text = (f"{what[0].upper() + what[1:]} {verb} {meta['metric']} by "
            f"{points(diff)} percentage points ({'paired ' if paired(row) else ''}95% CI "
            f"{ci_text(row, 'difference_points', points)}{', common random numbers' if paired(row) else ''}) "
            f"after {years(row['step'])} years")
    extra = row.get("national_additional_participants")
    if finite(extra):
        where, _ = represented(row)
        text += (f": about {people(extra)} {'more' if extra >= 0 else 'fewer'} people taking part {where} "
                 f"(95% CI {ci_text(row, 'national_additional_participants', people_signed)})")
        q1 = row.get("q1_additional_people")
        if finite(q1):
            text += (f", {people(q1)} {'more' if q1 >= 0 else 'fewer'} in the most deprived fifth "
                     f"(95% CI {ci_text(row, 'q1_additional_people', people_signed)})")
    if finite(lo) and finite(hi) and lo <= 0 <= hi:
        text += ". The interval includes no change: the runs cannot tell these scenarios apart"
    return text + "."


def people_signed(v):
    return f"{round(v):+,}" if finite(v) else "-"


def plain_value(key, value, tree):
    """A resolved value shown as what it means: -1 in a cohort is its kind's value, 0 often 'none'."""
    m = re.match(r"model\.organisers\.cohorts\[(\d+)\]\.(\w+)$", key)
    name = key.rsplit(".", 1)[-1]
    try:
        number = float(value)
    except ValueError:
        return value
    if m and m.group(2) in KIND_FIELDS and number == -1:
        cohort = tree["model"]["organisers"]["cohorts"][int(m.group(1))]
        kind = cohort.get("kind", "paid")
        kind_value = tree["model"].get("kinds", {}).get(kind, {}).get(m.group(2))
        return f"the {kind} kind's value: {kind_value} {KIND_FIELDS[m.group(2)]}"
    if name in ZERO_MEANS and number == 0:
        return f"0 ({ZERO_MEANS[name]})"
    return value


def figure_over_time(series, meta, path):
    share = meta.get("share")
    scale = 100 if share else 1
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for s in series:
        mean = scale * np.array([np.nan if v is None else v for v in s["mean"]])
        lo = scale * np.array([np.nan if v is None else v for v in s["ci_low"]])
        hi = scale * np.array([np.nan if v is None else v for v in s["ci_high"]])
        weeks = np.arange(len(mean))
        line, = ax.plot(weeks, mean, label=f"{s['scenario']} (n={s['replicates']})")
        ax.fill_between(weeks, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    ax.set_xlabel("weeks since the start")
    ax.set_ylabel(f"{meta['metric']} (% of people)" if share else f"{meta['metric']} ({meta.get('units', '')})")
    bottom = ax.get_ylim()[0]
    ax.set_title(f"{meta['metric']} over time: mean and 95% CI band over replicates"
                 + (f"\n(vertical axis starts at {bottom:.3g}, not 0)" if bottom > 0 else ""), fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return bottom


def figure_difference_over_time(series, meta, path):
    share = meta.get("share")
    scale = 100 if share else 1
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for i, s in enumerate(series[1:], start=1):
        d = scale * np.array([np.nan if v is None else v for v in s["difference"]])
        lo = scale * np.array([np.nan if v is None else v for v in s["difference_ci_low"]])
        hi = scale * np.array([np.nan if v is None else v for v in s["difference_ci_high"]])
        weeks = np.arange(len(d))
        line, = ax.plot(weeks, d, color=f"C{i % 10}", label=f"{s['scenario']} minus {series[0]['scenario']}")
        ax.fill_between(weeks, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("weeks since the start")
    ax.set_ylabel("difference (percentage points)" if share else f"difference ({meta.get('units', '')})")
    ax.set_title(f"difference from the first scenario: mean and {method_label(series)} band", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def figure_against_organisers(rows, path):
    national = any(r.get("national_population") != r.get("graph_nodes") for r in rows)
    key = "national_organisers" if national else "organisers"
    pts = sorted((r[key], r) for r in rows if r.get(key) is not None)
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    x = [p[0] for p in pts]
    y = [100 * p[1]["mean"] for p in pts]
    err_lo = [100 * (p[1]["mean"] - p[1]["ci_low"]) if finite(p[1].get("ci_low")) else 0 for p in pts]
    err_hi = [100 * (p[1]["ci_high"] - p[1]["mean"]) if finite(p[1].get("ci_high")) else 0 for p in pts]
    ax.errorbar(x, y, yerr=[err_lo, err_hi], fmt="o-", capsize=4)
    ax.set_xlabel("organisers (national equivalent)" if national else "organisers")
    ax.set_ylabel("final participation (% of people)")
    ax.set_title("final participation against organisers (95% CI)", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def figure_quintiles(quintile_data, path):
    """quintile_data: [(scenario, [values at the final step per replicate] x 5)]"""
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    k = len(quintile_data)
    width = 0.8 / k
    for i, (name, per_q) in enumerate(quintile_data):
        positions = [q + 1 - 0.4 + width * (i + 0.5) for q in range(5)]
        parts = ax.boxplot([100 * v for v in per_q], positions=positions, widths=width * 0.9, patch_artist=True,
                           manage_ticks=False)
        colour = f"C{i % 10}"
        for box in parts["boxes"]:
            box.set_facecolor(colour)
            box.set_alpha(0.6)
        ax.plot([], [], color=colour, linewidth=8, alpha=0.6, label=name)
    ax.set_xticks(range(1, 6))
    ax.set_xticklabels(["Q1\nmost deprived", "Q2", "Q3", "Q4", "Q5\nleast deprived"])
    ax.set_xlabel("deprivation quintile of the neighbourhood")
    ax.set_ylabel("participation at the final step (% of people)")
    ax.set_title("participation by deprivation quintile (spread over replicates; axis not from 0)", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def html_table(head, body, css_class="numbers"):
    out = [f'<table class="{css_class}">', "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for cells in body:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def compare_tables(rows, meta):
    """The compare table as HTML: levels and differences (points for shares), then what the organisers buy."""
    share = meta.get("share")
    level = percent if share else (lambda v: fmt(v))
    scaled = (lambda v: 100 * v if finite(v) else v) if share else (lambda v: v)
    head = ["scenario", "file", "n", "week", "mean" + (" (%)" if share else ""), "95% CI",
            "difference vs first" + (" (points)" if share else ""), "95% CI", "CI method", "relative change"]
    body = []
    for r in rows:
        lo, hi = scaled(r.get("ci_low")), scaled(r.get("ci_high"))
        dkey = "difference_points" if share else "difference"
        body.append([r["label"], os.path.basename(r["file"]), fmt(r["replicates"]), fmt(r["step"]),
                     level(scaled(r["mean"])), f"{level(lo)} to {level(hi)}" if finite(lo) else "-",
                     points(r.get(dkey)) if share else fmt(r.get(dkey), sign=True),
                     ci_text(r, dkey, points if share else (lambda v: fmt(v, sign=True))),
                     ("paired (common random numbers)" if paired(r) else "Welch") if r.get("difference_method")
                     else "-",
                     f"{100 * r['relative_change']:+.3g}%" if finite(r.get("relative_change")) else "-"])
    parts = [html_table(head, body, "main")]
    if any(r.get("organisers") is not None for r in rows):
        national = any(r.get("national_population") != r.get("graph_nodes") for r in rows)
        costs = any("cost_per_additional_participant" in r for r in rows)
        head = ["scenario", "kind", "people simulated", "organisers", "extra participants", "95% CI",
                "per extra organiser", "95% CI"]
        if national:
            head += ["people represented", "organisers (national equivalent)", "extra participants (national)",
                     "95% CI"]
        if costs:
            head += ["GBP per organiser", "GBP per extra participant", "95% CI"]
        body = []
        for r in rows:
            cells = [r["label"], r.get("organiser_kinds", ""), f"{round(r['graph_nodes']):,}",
                     f"{round(r['organisers']):,}", fmt(r.get("additional_participants"), sign=True),
                     ci_text(r, "additional_participants", lambda v: fmt(v, sign=True)),
                     fmt(r.get("participants_per_organiser")),
                     ci_text(r, "participants_per_organiser", fmt)]
            if national:
                cells += [f"{round(r['national_population']):,}", three_figures(r["national_organisers"]),
                          people_signed(r.get("national_additional_participants")),
                          ci_text(r, "national_additional_participants", people_signed)]
            if costs:
                cells += [fmt(r.get("cost_per_organiser"), 9), fmt(r.get("cost_per_additional_participant")),
                          ci_text(r, "cost_per_additional_participant", fmt)]
            body.append(cells)
        parts.append("<p>Extra participants: the participation difference from the first scenario times the number "
                     "of people; per extra organiser: divided by the difference in organisers."
                     + (" National equivalents apply the same shares to the population each scenario stands for "
                        "(its <code>represents_population</code>, or its population before "
                        "<code>population_scale</code>); organisers scale with it, keeping their density." if national
                        else "") + "</p>")
        parts.append(html_table(head, body))
    return "\n".join(parts)


def quintile_section(rows):
    """Participation per deprivation quintile, differences, and the gap between the most and least deprived."""
    head = ["quintile"]
    for i, r in enumerate(rows):
        head += [f"{r['label']} (%)", "95% CI"]
        if i > 0:
            head += ["difference (points)", "paired 95% CI" if paired(r) else "95% CI (Welch)"]
    body = []
    for key, name in QUINTILE_ROWS:
        cells = [name]
        for i, r in enumerate(rows):
            cells += [percent(r.get(f"{key}_percent")), ci_text(r, f"{key}_percent", percent)]
            if i > 0:
                cells += [points(r.get(f"{key}_difference_points")), ci_text(r, f"{key}_difference_points", points)]
        body.append(cells)
    first = rows[0]
    text = [f"In {html.escape(first['label'])} the least deprived fifth of neighbourhoods takes part "
            f"{points(first.get('gap_percent'))} percentage points more than the most deprived fifth "
            f"(95% CI {ci_text(first, 'gap_percent', points)})."]
    for r in rows[1:]:
        change = r.get("gap_difference_points")
        if finite(change):
            text.append(f"In {html.escape(r['label'])} the gap is {points(r.get('gap_percent'))} points, a change of "
                        f"{points(change)} points (95% CI {ci_text(r, 'gap_difference_points', points)}); "
                        f"{'narrower' if change < 0 else 'wider'} means the extra participation goes "
                        f"{'more' if change < 0 else 'less'} to the most deprived.")
    return ("<h2>Deprivation</h2><p>Participation at the final week in each fifth of neighbourhoods ranked by "
            "deprivation (Q1 = most deprived), mean over replicates with a 95% CI; differences from the first "
            f"scenario in percentage points with a {html.escape(method_label(rows))}.</p>"
            + html_table(head, body, "main")
            + "<p>" + " ".join(text) + "</p>")


def differences_section(meta, rows, scenarios):
    """Only the parameters that differ, side by side, shown as what they mean."""
    names = [r["label"] for r in rows]
    trees = [yaml.safe_load(s["yaml"]) or {} for s in scenarios]
    body = [["description"] + [s["description"] or "-" for s in scenarios]]
    kinds = [r.get("organiser_kinds") for r in rows]
    if len(set(kinds)) > 1 and None not in kinds:
        body.append(["organiser kinds"] + kinds)
    for d in meta.get("differences", []):
        body.append([d["key"]] + [plain_value(d["key"], v, t) if v != "" else "(absent)"
                                  for v, t in zip(d["values"], trees)])
    note = ("<p>Only the parameters whose values differ are listed; everything else is the same in every "
            "scenario (full scenarios at the end).</p>" if meta.get("differences") else
            "<p>The scenarios have the same parameters (they differ only in name or seed).</p>")
    return "<h2>What differs</h2>" + note + html_table(["parameter"] + names, body, "diff")


def read_scenarios(files):
    scenarios, quintiles = [], []
    for path in files:
        with h5py.File(path, "r") as f:
            name = text_attr(f, "scenario_name") or os.path.splitext(os.path.basename(path))[0]
            y = text_attr(f, "scenario_yaml")
            tree = yaml.safe_load(y) or {}
            scenarios.append({"name": name, "path": path, "software": text_attr(f, "software"), "yaml": y,
                              "description": tree.get("description", "")})
            ts = f["timeseries"]
            if all(q in ts for q in QUINTILES):
                quintiles.append((name, [ts[q][:, -1] for q in QUINTILES]))
    return scenarios, quintiles


STYLE = ("<style>body{font-family:sans-serif;max-width:90em;margin:2em auto;padding:0 1em;color:#222}"
         ".headline{font-size:130%;background:#eef5ee;border-left:6px solid #2a7a2a;padding:0.6em 1em}"
         "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:0.2em 0.5em;"
         "text-align:right}td:first-child,th:first-child{text-align:left}td{white-space:nowrap}"
         ".diff td{white-space:normal;text-align:left;max-width:40em}img{max-width:100%;border:1px solid #eee}pre{background:#f6f6f6;padding:0.8em;overflow:auto;"
         "font-size:85%}.warn{color:#a04000}</style>")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="report-data.json written by groundswell report")
    ap.add_argument("-o", "--output", required=True, help="report directory")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    with open(args.data) as f:
        data = json.load(f)
    meta, rows, series = data["compare"]["meta"], data["compare"]["rows"], data["series"]
    metric = meta["metric"]
    scenarios, quintiles = read_scenarios(args.files)

    figures = []  # (file name, caption)
    bottom = figure_over_time(series, meta, os.path.join(args.output, "over_time.png"))
    figures.append(("over_time.png", f"{metric} over time for each scenario: the line is the mean over replicates, "
                    "the band its 95% confidence interval (Student t)"
                    + (f"; the vertical axis starts at {bottom:.3g}, not at 0." if bottom > 0 else ".")))
    if len(series) > 1:
        figure_difference_over_time(series, meta, os.path.join(args.output, "difference_over_time.png"))
        figures.append(("difference_over_time.png", f"Difference in {metric} from the first scenario at every week"
                        + (" in percentage points" if meta.get("share") else "")
                        + f", with its {method_label(series)} band; the black line is no difference."))
    organiser_counts = {r["organisers"] for r in rows if r.get("organisers") is not None}
    if metric == "participation" and len(organiser_counts) >= 3:
        figure_against_organisers(rows, os.path.join(args.output, "against_organisers.png"))
        figures.append(("against_organisers.png", "Final participation (% of people) against the number of "
                        "organisers, with 95% confidence intervals."))
    if quintiles and len(quintiles) == len(args.files):
        figure_quintiles(quintiles, os.path.join(args.output, "quintiles.png"))
        figures.append(("quintiles.png", "Participation (% of people) at the final week in each deprivation quintile "
                        "(Q1 = most deprived fifth of neighbourhoods); boxes show the spread over replicates."))

    sentences = [h for h in (headline(rows[0], r, meta) for r in rows[1:]) if h]
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in meta.get("warnings", []))
    at = "the final week" if meta["at"] == "final" else f"week {meta['at']}"
    population = ""
    if rows and "graph_nodes" in rows[0]:
        population = (f"<p>Applies to {represented(rows[-1])[1]}; {rows[-1]['graph_nodes']:,.0f} were simulated, "
                      f"{rows[-1]['replicates']} replicate runs per scenario, horizon {years(rows[-1]['step'])} "
                      f"years ({rows[-1]['step']} weeks). People counts in the most deprived fifth take that fifth "
                      "as a fifth of the population.</p>")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', "<title>Groundswell report</title>",
        STYLE, "</head><body>", "<h1>Groundswell report</h1>",
        "".join(f'<p class="headline" id="headline">{html.escape(h)}</p>' for h in sentences[:1])
        + "".join(f'<p class="headline">{html.escape(h)}</p>' for h in sentences[1:]),
        population,
        f"<p>{len(args.files)} scenario(s): " + ", ".join(html.escape(r["label"]) for r in rows) + ".</p>",
        "<h2>Comparison</h2>",
        f"<p>{html.escape(metric)} ({html.escape(meta.get('description', ''))}) at {at}: mean over replicates "
        "with a 95% confidence interval (Student t); difference from the first scenario"
        + (" in percentage points" if meta.get("share") else "") + f" with a {html.escape(method_label(rows))}. "
        "n is the number of replicates. Scenarios with the same seed, replicates and graph run replicate r with "
        "the same random draws (common random numbers), so their difference is taken replicate by replicate "
        "(paired Student t interval on the differences); otherwise the replicates are independent and the "
        "interval is Welch's.</p>",
        compare_tables(rows, meta),
    ]
    if warnings:
        parts.append(f'<ul class="warn">{warnings}</ul>')
    if meta.get("quintiles"):
        parts.append(quintile_section(rows))
    parts.append(differences_section(meta, rows, scenarios))
    parts.append("<h2>Figures</h2>")
    for name, caption in figures:
        parts.append(f'<figure><img src="{name}" alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}'
                     "</figcaption></figure>")
    parts.append("<h2>Scenarios in full</h2><p>Each scenario as resolved by Groundswell (every default filled in; "
                 "counts before population_scale). Save one as a .yaml file to rerun it.</p>")
    for s in scenarios:
        parts.append(f"<details><summary>{html.escape(s['name'])}: {html.escape(s['path'])}, written by "
                     f"{html.escape(s['software'])}</summary><pre>{html.escape(s['yaml'])}</pre></details>")
    parts.append("</body></html>")
    with open(os.path.join(args.output, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
