#!/usr/bin/python3
"""Bar charts of a sensitivity analysis for `groundswell report DIR`, where DIR
holds sensitivity.h5 (written by `groundswell sensitivity`; layout in
docs/sensitivity.md). Every number drawn is read from that file: Sobol S1 and
ST with their 95% bootstrap intervals, or Morris mu* with sigma.
Run with Debian's /usr/bin/python3 (h5py, numpy and matplotlib from apt)."""
import argparse
import html
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


def names(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in ds[()]]


def sobol_figure(params, s1, s1_lo, s1_hi, st, st_lo, st_hi, title, path):
    order = np.argsort(-np.nan_to_num(st, nan=-1))
    y = np.arange(len(params))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(params)))
    for offset, value, lo, hi, label in ((-0.2, st, st_lo, st_hi, "total order ST"),
                                         (0.2, s1, s1_lo, s1_hi, "first order S1")):
        v, l, h = value[order], lo[order], hi[order]
        err = np.vstack([np.clip(v - l, 0, None), np.clip(h - v, 0, None)])
        ax.barh(y + offset, v, height=0.4, xerr=err, capsize=3, label=label)
    ax.set_yticks(y, [params[i] for i in order])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share of the output's variance (bars: estimate; whiskers: 95% bootstrap interval)")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def morris_figure(params, mu_star, sigma, title, path):
    order = np.argsort(-np.nan_to_num(mu_star, nan=-1))
    y = np.arange(len(params))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(params)))
    ax.barh(y - 0.2, mu_star[order], height=0.4, label="mu* (mean |effect|)")
    ax.barh(y + 0.2, sigma[order], height=0.4, label="sigma (spread of effects)")
    ax.set_yticks(y, [params[i] for i in order])
    ax.invert_yaxis()
    ax.set_xlabel("change in the output per whole parameter range")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def table(params, columns, rows_key):
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["parameter"] + list(columns))
    body = []
    for i in np.argsort(-np.nan_to_num(rows_key, nan=-1)):
        cells = "".join(f"<td>{v[i]:.4g}</td>" for v in columns.values())
        body.append(f"<tr><td>{html.escape(params[i])}</td>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dir", help="directory written by groundswell sensitivity")
    ap.add_argument("-o", "--output", required=True, help="report directory")
    args = ap.parse_args()
    parts = []
    with h5py.File(os.path.join(args.dir, "sensitivity.h5"), "r") as f:
        params, outputs = names(f["parameter"]), names(f["output"])
        method = f.attrs["method"]
        method = method.decode() if isinstance(method, bytes) else str(method)
        yaml_text = f.attrs["sensitivity_yaml"]
        yaml_text = yaml_text.decode() if isinstance(yaml_text, bytes) else str(yaml_text)
        samples, replicates = int(f.attrs["samples"]), int(f.attrs["replicates"])
        points = f["design/unit"].shape[0]
        for o, output in enumerate(outputs):
            image = f"sensitivity_{o}.png"
            path = os.path.join(args.output, image)
            if method == "sobol":
                g = {k: f["sobol"][k][o] for k in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")}
                sobol_figure(params, g["S1"], g["S1_low"], g["S1_high"], g["ST"], g["ST_low"], g["ST_high"],
                             output, path)
                caption = (f"Sobol indices of {output}, ranked by total effect; whiskers are 95% bootstrap "
                           "intervals. ST is the share of variance involving the parameter at all, S1 alone.")
                cols = {"ST": g["ST"], "ST low": g["ST_low"], "ST high": g["ST_high"],
                        "S1": g["S1"], "S1 low": g["S1_low"], "S1 high": g["S1_high"]}
                tab = table(params, cols, g["ST"])
            else:
                g = {k: f["morris"][k][o] for k in ("mu_star", "mu", "sigma")}
                morris_figure(params, g["mu_star"], g["sigma"], output, path)
                caption = (f"Morris elementary effects on {output}, ranked by mu*: the mean absolute change in "
                           "the output per whole parameter range; sigma large against mu* means interactions.")
                tab = table(params, {"mu*": g["mu_star"], "mu": g["mu"], "sigma": g["sigma"]}, g["mu_star"])
            parts.append(f"<h2>{html.escape(output)}</h2><figure><img src=\"{image}\" alt=\"{html.escape(caption)}\">"
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>{tab}")
    intro = (f"<p>{html.escape(method.capitalize())} design: {samples} "
             f"{'base samples' if method == 'sobol' else 'trajectories'}, {points} points, {replicates} "
             f"replicate(s) each; {len(params)} parameters, {len(outputs)} output(s). Method and reading: "
             "docs/sensitivity.md.</p>")
    page = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            "<title>Groundswell sensitivity report</title>",
            "<style>body{font-family:sans-serif;max-width:90em;margin:2em auto;padding:0 1em;color:#222}"
            "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:0.2em 0.5em;"
            "text-align:right}td:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}"
            "pre{background:#f6f6f6;padding:0.8em;overflow:auto;font-size:85%}</style></head><body>",
            "<h1>Sensitivity analysis</h1>", intro] + parts + [
            f"<h2>The sensitivity file</h2><pre>{html.escape(yaml_text)}</pre>", "</body></html>"]
    with open(os.path.join(args.output, "index.html"), "w", encoding="utf-8") as out:
        out.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
