#!/usr/bin/python3
"""Draws the figures and writes index.html for `groundswell report`.

Called by the groundswell executable, which has already computed every
statistic (means, 95% CIs, Welch differences) in C++ and written them to
--data (report-data.json). This script reads the output files only for what
needs no statistics: per-quintile values and each scenario's parameters.
Run with Debian's /usr/bin/python3 (h5py, numpy and matplotlib from apt).
"""
import argparse
import html
import json
import math
import os
import sys

MISSING_MODULES_EXIT = 3  # sim/cli/cmd_report.cpp relies on this code

try:
    import h5py
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt
except ImportError as e:
    sys.stderr.write(
        f"error: groundswell report needs h5py, numpy and matplotlib for {sys.executable} ({e}).\n"
        "Install them with:\n  sudo apt-get install python3-h5py python3-numpy python3-matplotlib\n")
    sys.exit(MISSING_MODULES_EXIT)

QUINTILES = [f"participation_q{q}" for q in range(1, 6)]


def text_attr(f, name):
    value = f.attrs.get(name, "")
    return value.decode() if isinstance(value, bytes) else str(value)


def fmt(v, digits=4, sign=False, percent=False):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    if isinstance(v, str):
        return v
    if percent:
        return f"{100 * v:+.{digits - 1}g}%"
    return f"{v:{'+' if sign else ''}.{digits}g}"


def interval(row, lo, hi, digits=4, sign=False):
    if row.get(lo) is None or row.get(hi) is None:
        return "-"
    return f"[{fmt(row[lo], digits, sign)}, {fmt(row[hi], digits, sign)}]"


def figure_over_time(series, metric, units, path):
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for s in series:
        mean = np.array([np.nan if v is None else v for v in s["mean"]])
        lo = np.array([np.nan if v is None else v for v in s["ci_low"]])
        hi = np.array([np.nan if v is None else v for v in s["ci_high"]])
        steps = np.arange(len(mean))
        line, = ax.plot(steps, mean, label=f"{s['scenario']} (n={s['replicates']})")
        ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    ax.set_xlabel("step (week)")
    ax.set_ylabel(f"{metric} ({units})" if units else metric)
    ax.set_title(f"{metric} over time: mean and 95% CI over replicates")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def figure_against_organisers(rows, metric, path):
    points = sorted((r["organisers"], r) for r in rows if r.get("organisers") is not None)
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    x = [p[0] for p in points]
    y = [p[1]["mean"] for p in points]
    err_lo = [p[1]["mean"] - p[1]["ci_low"] if p[1].get("ci_low") is not None else 0 for p in points]
    err_hi = [p[1]["ci_high"] - p[1]["mean"] if p[1].get("ci_high") is not None else 0 for p in points]
    ax.errorbar(x, y, yerr=[err_lo, err_hi], fmt="o-", capsize=4)
    ax.set_xlabel("organisers")
    ax.set_ylabel(f"final {metric}")
    ax.set_title(f"final {metric} against organiser count (95% CI)")
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
        parts = ax.boxplot(per_q, positions=positions, widths=width * 0.9, patch_artist=True, manage_ticks=False)
        colour = f"C{i % 10}"
        for box in parts["boxes"]:
            box.set_facecolor(colour)
            box.set_alpha(0.6)
        ax.plot([], [], color=colour, linewidth=8, alpha=0.6, label=name)
    ax.set_xticks(range(1, 6))
    ax.set_xticklabels(["Q1\nmost deprived", "Q2", "Q3", "Q4", "Q5\nleast deprived"])
    ax.set_ylabel("participation at the final step")
    ax.set_title("participation by deprivation quintile (spread over replicates)")
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


def compare_tables(rows):
    """The compare table as HTML: the statistics, then (organising model) what the organisers buy."""
    head = ["scenario", "file", "n", "step", "mean", "s.d.", "95% CI", "difference vs first", "95% CI (Welch)", "change"]
    body = [[r["scenario"], os.path.basename(r["file"]), fmt(r["replicates"]), fmt(r["step"]), fmt(r["mean"]),
             fmt(r["sd"], 2), interval(r, "ci_low", "ci_high"), fmt(r["difference"], sign=True),
             interval(r, "difference_ci_low", "difference_ci_high", sign=True),
             fmt(r["relative_change"], 3, percent=True)] for r in rows]
    parts = [html_table(head, body, "main")]
    if any(r.get("organisers") is not None for r in rows):
        costs = any("cost_per_additional_participant" in r for r in rows)
        head = ["scenario", "citizens", "organisers", "extra participants", "95% CI", "per extra organiser", "95% CI"]
        if costs:
            head += ["GBP per organiser", "GBP per extra participant", "95% CI"]
        body = []
        for r in rows:
            cells = [r["scenario"], fmt(r.get("graph_nodes"), 9), fmt(r.get("organisers"), 9),
                     fmt(r.get("additional_participants"), sign=True),
                     interval(r, "additional_participants_ci_low", "additional_participants_ci_high", sign=True),
                     fmt(r.get("participants_per_organiser")),
                     interval(r, "participants_per_organiser_ci_low", "participants_per_organiser_ci_high")]
            if costs:
                cells += [fmt(r.get("cost_per_organiser"), 9), fmt(r.get("cost_per_additional_participant")),
                          interval(r, "cost_per_additional_participant_ci_low", "cost_per_additional_participant_ci_high")]
            body.append(cells)
        parts.append("<p>Extra participants: participation difference from the first scenario times the number of "
                     "citizens; per extra organiser: divided by the difference in organisers.</p>")
        parts.append(html_table(head, body))
    return "\n".join(parts)


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

    scenarios, quintiles = [], []
    for path in args.files:
        with h5py.File(path, "r") as f:
            name = text_attr(f, "scenario_name") or os.path.splitext(os.path.basename(path))[0]
            scenarios.append((name, path, text_attr(f, "software"), text_attr(f, "scenario_yaml")))
            ts = f["timeseries"]
            if all(q in ts for q in QUINTILES):
                quintiles.append((name, [ts[q][:, -1] for q in QUINTILES]))

    figures = []  # (file name, caption)
    figure_over_time(series, metric, meta.get("units", ""), os.path.join(args.output, "over_time.png"))
    figures.append(("over_time.png", f"{metric} over time for each scenario: the line is the mean over replicates, "
                    "the band its 95% confidence interval (Student t)."))
    organiser_counts = {r["organisers"] for r in rows if r.get("organisers") is not None}
    if metric == "participation" and len(organiser_counts) >= 3:
        figure_against_organisers(rows, metric, os.path.join(args.output, "against_organisers.png"))
        figures.append(("against_organisers.png", "Final participation against the number of organisers, "
                        "with 95% confidence intervals."))
    if quintiles and len(quintiles) == len(args.files):
        figure_quintiles(quintiles, os.path.join(args.output, "quintiles.png"))
        figures.append(("quintiles.png", "Participation at the final step in each deprivation quintile "
                        "(Q1 = most deprived fifth of neighbourhoods); boxes show the spread over replicates."))

    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in meta.get("warnings", []))
    at = "the final step" if meta["at"] == "final" else f"step {meta['at']}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Groundswell report</title>",
        "<style>body{font-family:sans-serif;max-width:90em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:0.2em 0.5em;text-align:right}"
        "td:first-child,th:first-child,.main td:nth-child(2){text-align:left}td{white-space:nowrap}img{max-width:100%;border:1px solid #eee}"
        "pre{background:#f6f6f6;padding:0.8em;overflow:auto;font-size:85%}.warn{color:#a04000}</style>",
        "</head><body>", "<h1>Groundswell report</h1>",
        f"<p>{len(args.files)} scenario(s): " + ", ".join(html.escape(s[0]) for s in scenarios) + ".</p>",
        "<h2>Comparison</h2>",
        f"<p>{html.escape(metric)} ({html.escape(meta.get('description', ''))}) at {at}: mean over replicates "
        "with a 95% confidence interval (Student t); difference from the first scenario with a 95% Welch "
        "confidence interval. n is the number of replicates.</p>",
        compare_tables(rows),
    ]
    if warnings:
        parts.append(f'<ul class="warn">{warnings}</ul>')
    parts.append("<h2>Figures</h2>")
    for name, caption in figures:
        parts.append(f'<figure><img src="{name}" alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}'
                     "</figcaption></figure>")
    parts.append("<h2>Scenarios</h2><p>Each scenario as resolved by Groundswell (every default filled in; counts "
                 "before population_scale). Save one as a .yaml file to rerun it.</p>")
    for name, path, software, yaml_text in scenarios:
        parts.append(f"<h3>{html.escape(name)}</h3><p>{html.escape(path)}, written by {html.escape(software)}</p>"
                     f"<pre>{html.escape(yaml_text)}</pre>")
    parts.append("</body></html>")
    with open(os.path.join(args.output, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
