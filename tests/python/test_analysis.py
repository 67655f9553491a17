#!/usr/bin/python3
"""groundswell compare / summarize / export / report on small real runs.

Expected numbers are computed here from the HDF5 data with numpy and scipy
(scipy.stats.t), independently of the C++ statistics. The report page is
loaded in headless Chromium, which must find every image.
"""
import importlib.util
import io
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
import pandas as pd
import yaml
from scipy import stats

GS = os.environ["GROUNDSWELL"]
SRC = os.environ["GROUNDSWELL_SOURCE_DIR"]
SMALL = ["--set", "population_scale=0.1", "--set", "steps=20", "--set", "replicates=4", "-q", "--threads", "1"]


def gs(*args, check=0):
    r = subprocess.run([GS, *args], capture_output=True, text=True)
    if check is not None:
        assert r.returncode == check, f"groundswell {' '.join(args)}: exit {r.returncode}, wanted {check}\n{r.stderr}"
    return r


def final_values(path, metric="participation"):
    with h5py.File(path, "r") as f:
        return np.asarray(f["timeseries"][metric][:, -1], dtype=float)


def organisers(path):
    """Organisers the run used: the scenario's count x population_scale, rounded half away from zero."""
    with h5py.File(path, "r") as f:
        y = f.attrs["scenario_yaml"]
    y = y.decode() if isinstance(y, bytes) else y
    scale = float(re.search(r"^population_scale: (\S+)", y, re.M).group(1))
    count = int(re.search(r"^  organisers:\n    count: (\d+)", y, re.M).group(1))
    return math.floor(count * scale + 0.5)


def paired_ci95(xa, xb):
    """B - A replicate by replicate: Student t interval on d_r = xb[r] - xa[r], df = R - 1."""
    d = xb - xa
    h = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return d.mean(), d.mean() - h, d.mean() + h


def welch_ci95(xa, xb):
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    df = (va + vb) ** 2 / (va ** 2 / (len(xa) - 1) + vb ** 2 / (len(xb) - 1))
    d = xb.mean() - xa.mean()
    h = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    return d, d - h, d + h, df


def ci95(x):
    m, s = x.mean(), x.std(ddof=1)
    h = stats.t.ppf(0.975, len(x) - 1) * s / math.sqrt(len(x))
    return m - h, m + h


class Analysis(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="gs_test_analysis_")
        policy = os.path.join(SRC, "scenarios", "policy")
        cls.a = os.path.join(cls.dir, "town_1000.h5")
        cls.b = os.path.join(cls.dir, "town_10000.h5")
        cls.c = os.path.join(cls.dir, "town_30000.h5")
        # At population_scale 0.1 the towns get 1, 2 and 6 organisers.
        gs("run", os.path.join(policy, "town_1000_organisers.yaml"), "-o", cls.a, *SMALL, "--set", "model.organisers.count=10")
        gs("run", os.path.join(policy, "town_10000_organisers.yaml"), "-o", cls.b, *SMALL)
        gs("run", os.path.join(policy, "town_10000_organisers.yaml"), "-o", cls.c, *SMALL, "--set", "model.organisers.count=60")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def compare_json(self, *args):
        r = gs("compare", *args, "--format", "json")
        return json.loads(r.stdout), r.stderr

    def test_compare_matches_scipy(self):
        data, err = self.compare_json(self.a, self.b)
        rows = data["rows"]
        self.assertEqual([r["scenario"] for r in rows], ["town_1000_organisers", "town_10000_organisers"])
        xa, xb = final_values(self.a), final_values(self.b)
        for r, x in zip(rows, [xa, xb]):
            self.assertEqual(r["replicates"], 4)
            self.assertEqual(r["step"], 20)
            self.assertAlmostEqual(r["mean"], x.mean(), places=14)
            self.assertAlmostEqual(r["sd"], x.std(ddof=1), places=14)
            lo, hi = ci95(x)
            self.assertAlmostEqual(r["ci_low"], lo, places=10)
            self.assertAlmostEqual(r["ci_high"], hi, places=10)
        # Both towns have seed, replicates and graph in common: replicate r of each ran with the same
        # draws (common random numbers), so the difference is paired, as scipy's related-samples test.
        r = rows[1]
        d, lo, hi = paired_ci95(xa, xb)
        self.assertEqual(r["difference_method"], "paired")
        self.assertEqual(r["difference_df"], 3)
        self.assertAlmostEqual(r["difference"], d, places=14)
        self.assertAlmostEqual(r["difference_ci_low"], lo, places=10)
        self.assertAlmostEqual(r["difference_ci_high"], hi, places=10)
        scipy_ci = stats.ttest_rel(xb, xa).confidence_interval(0.95)
        self.assertAlmostEqual(scipy_ci.low, lo, places=10)
        self.assertAlmostEqual(scipy_ci.high, hi, places=10)
        self.assertAlmostEqual(r["difference_points_ci_low"], 100 * lo, places=8)
        self.assertAlmostEqual(r["relative_change"], d / xa.mean(), places=12)
        # welch_df stays Welch-Satterthwaite's (earlier readers); --unpaired reports Welch's interval.
        dw, wlo, whi, df = welch_ci95(xa, xb)
        self.assertAlmostEqual(r["welch_df"], df, places=9)
        u = self.compare_json(self.a, self.b, "--unpaired")[0]["rows"][1]
        self.assertEqual(u["difference_method"], "welch")
        self.assertAlmostEqual(u["difference_df"], df, places=9)
        self.assertAlmostEqual(u["difference_ci_low"], wlo, places=10)
        self.assertAlmostEqual(u["difference_ci_high"], whi, places=10)
        t_scipy = stats.ttest_ind(xb, xa, equal_var=False).statistic
        self.assertAlmostEqual(dw / ((whi - wlo) / 2 / stats.t.ppf(0.975, df)), t_scipy, places=9)
        h = hi - d
        self.assertIsNone(rows[0]["difference"])
        # Extra participants per extra organiser: share difference x citizens / organiser difference.
        with h5py.File(self.a, "r") as f:
            nodes = int(f.attrs["graph_nodes"])
        oa, ob = organisers(self.a), organisers(self.b)
        self.assertEqual((oa, ob), (1, 2))
        self.assertEqual((rows[0]["organisers"], rows[1]["organisers"]), (oa, ob))
        self.assertAlmostEqual(r["participants_per_organiser"], d * nodes / (ob - oa), places=6)
        self.assertAlmostEqual(r["additional_participants_ci_low"], (d - h) * nodes, places=6)
        self.assertNotIn("cost_per_additional_participant", r)  # no cost in these scenarios
        self.assertIn("fewer than 10", err)
        self.assertEqual(len(data["meta"]["warnings"]), 2)

    def test_paired_only_with_common_random_numbers(self):
        """Same seed, replicates and graph: compare's CI is scipy's paired t interval on the replicate
        differences, per quintile too; another seed or another graph: Welch's, as scipy computes it."""
        scenario = os.path.join(SRC, "scenarios", "policy", "town_10000_organisers.yaml")
        other_seed = os.path.join(self.dir, "seed_7.h5")
        other_graph = os.path.join(self.dir, "scale_012.h5")
        gs("run", scenario, "-o", other_seed, *SMALL, "--set", "seed=7")
        gs("run", scenario, "-o", other_graph, *SMALL, "--set", "population_scale=0.12")
        data, err = self.compare_json(self.a, self.b, other_seed, other_graph, "--quintiles")
        rows = data["rows"]
        self.assertEqual([r.get("difference_method") for r in rows], [None, "paired", "welch", "welch"])
        xa = final_values(self.a)
        d, lo, hi = paired_ci95(xa, final_values(self.b))
        self.assertAlmostEqual(rows[1]["difference_ci_low"], lo, places=10)
        self.assertAlmostEqual(rows[1]["difference_ci_high"], hi, places=10)
        for row, path in zip(rows[2:], [other_seed, other_graph]):
            xo = final_values(path)
            d, wlo, whi, df = welch_ci95(xa, xo)
            self.assertAlmostEqual(row["difference"], d, places=14)
            self.assertAlmostEqual(row["difference_df"], df, places=9)
            self.assertAlmostEqual(row["difference_ci_low"], wlo, places=10)
            self.assertAlmostEqual(row["difference_ci_high"], whi, places=10)
        for key, metric in [("q1", "participation_q1"), ("gap", "participation_gap")]:
            qa, qb = final_values(self.a, metric), final_values(self.b, metric)
            _, lo, hi = paired_ci95(qa, qb)
            self.assertAlmostEqual(rows[1][f"{key}_difference_points_ci_low"], 100 * lo, places=8)
            self.assertAlmostEqual(rows[1][f"{key}_difference_points_ci_high"], 100 * hi, places=8)
            _, wlo, whi, _ = welch_ci95(qa, final_values(other_seed, metric))
            self.assertAlmostEqual(rows[2][f"{key}_difference_points_ci_low"], 100 * wlo, places=8)
            self.assertAlmostEqual(rows[2][f"{key}_difference_points_ci_high"], 100 * whi, places=8)
        # Same seed on another graph is said to be unpaired; another seed needs no word.
        self.assertIn(f"{other_graph} has the seed of {self.a} but a graph of a different size", err)
        self.assertNotIn(other_seed + " has the seed", err)
        self.assertIn("paired over replicates (common random numbers: same seed, graph), else Welch",
                      gs("compare", self.a, self.b, other_seed).stdout)

    def test_compare_table_text_and_csv(self):
        text = gs("compare", self.a, self.b).stdout
        for word in ["town_1000_organisers", "town_10000_organisers", "95% CI", "per extra organiser",
                     "paired over replicates (common random numbers: same seed)", "CI method", "paired"]:
            self.assertIn(word, text)
        self.assertNotIn("Welch", text)
        text = gs("compare", self.a, self.b, "--unpaired").stdout
        self.assertIn("CI of the difference: Welch", text)
        self.assertIn("welch", text)
        csv = pd.read_csv(io.StringIO(gs("compare", self.a, self.b, "--format", "csv").stdout))
        self.assertEqual(list(csv["scenario"]), ["town_1000_organisers", "town_10000_organisers"])
        self.assertAlmostEqual(csv["mean"][1], final_values(self.b).mean(), places=14)

    def test_compare_at_step_and_reach(self):
        data, _ = self.compare_json(self.a, self.b, "--at", "5", "--reach", "0.02", "--metric", "reached")
        with h5py.File(self.b, "r") as f:
            series = np.asarray(f["timeseries"]["reached"][:, :], dtype=float)
        row = data["rows"][1]
        self.assertEqual(row["step"], 5)
        self.assertAlmostEqual(row["mean"], series[:, 5].mean(), places=14)
        self.assertNotIn("organisers", row)  # extra participants only make sense for participation
        first = [next((i for i, v in enumerate(s) if v >= 0.02), None) for s in series]
        self.assertEqual(row["reached"], f"{sum(v is not None for v in first)}/{len(first)}")
        if all(v is not None for v in first):
            self.assertAlmostEqual(row["reach_step_mean"], np.mean(first), places=12)
        r = gs("compare", self.a, "--at", "21", check=2)
        self.assertIn("--at 21", r.stderr)

    def with_organiser_keys(self, src, prefix, keys):
        """A copy of src whose stored scenario has model.organisers updated with `keys` (a dict)."""
        dst = os.path.join(self.dir, prefix + os.path.basename(src))
        shutil.copy(src, dst)
        with h5py.File(dst, "r+") as f:
            y = f.attrs["scenario_yaml"]
            scenario = yaml.safe_load(y.decode() if isinstance(y, bytes) else y)
            scenario["model"]["organisers"].update(keys)
            del f.attrs["scenario_yaml"]
            f.attrs.create("scenario_yaml", yaml.safe_dump(scenario), dtype=h5py.string_dtype("utf-8"))
        return dst

    def test_organiser_cohorts_add_to_the_count(self):
        # organisers.cohorts (organising model): each cohort's count x population_scale adds to the total.
        cohorts = self.with_organiser_keys(self.b, "cohorts_", {"cohorts": [{"count": 30, "kind": "paid"},
                                                                         {"count": 14, "kind": "volunteer"}]})
        data, _ = self.compare_json(self.a, cohorts)
        self.assertEqual(data["rows"][1]["organisers"], 2 + 3 + 1)  # 20, 30, 14 at scale 0.1

    def test_cost_per_additional_participant(self):
        # The cost comes from model.organisers.cost_per_organiser in the stored scenario.
        costed = [self.with_organiser_keys(src, "cost_", {"cost_per_organiser": 40000}) for src in (self.a, self.b)]
        data, _ = self.compare_json(*costed)
        r = data["rows"][1]
        extra = r["additional_participants"]
        self.assertEqual(r["cost_per_organiser"], 40000)
        if extra > 0:  # 2 organisers instead of 1: 40,000 GBP more
            self.assertAlmostEqual(r["cost_per_additional_participant"], 40000 * (2 - 1) / extra, places=6)
        else:
            self.assertIsNone(r["cost_per_additional_participant"])
        self.assertIn("GBP per extra participant", gs("compare", *costed).stdout)

    def test_bad_files_are_clear_errors(self):
        text = os.path.join(self.dir, "notes.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        foreign = os.path.join(self.dir, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["x"] = np.arange(3)
        cut = os.path.join(self.dir, "cut.h5")
        with open(self.a, "rb") as f:
            blob = f.read()
        with open(cut, "wb") as f:
            f.write(blob[: len(blob) * 2 // 3])
        for bad in [text, foreign, cut, os.path.join(self.dir, "absent.h5")]:
            for cmd in (["compare", self.a, bad], ["export", bad], ["report", bad, "-o", os.path.join(self.dir, "r")]):
                r = gs(*cmd, check=2)
                self.assertIn(bad, r.stderr)
                self.assertNotIn("HDF5-DIAG", r.stderr)
                self.assertEqual(r.stdout, "")
        r = gs("compare", self.a, "--metric", "partcipation", check=2)
        self.assertIn("did you mean 'participation'", r.stderr)

    def test_export_round_trips_through_pandas(self):
        out = gs("export", self.a, "--format", "csv").stdout
        # round_trip: pandas' default fast parser may be off by one unit in the last place.
        df = pd.read_csv(io.StringIO(out), float_precision="round_trip")
        self.assertEqual(list(df.columns), ["replicate", "step", "metric", "value"])
        with h5py.File(self.a, "r") as f:
            ts = f["timeseries"]
            metrics = sorted(k for k in ts if k not in ("step", "replicate"))
            self.assertEqual(sorted(df["metric"].unique()), metrics)
            for m in metrics:
                wide = df[df.metric == m].pivot(index="replicate", columns="step", values="value")
                np.testing.assert_array_equal(wide.to_numpy(), ts[m][:, :])  # exact: 17 digits
        only = pd.read_csv(io.StringIO(gs("export", self.a, "--metric", "leaders").stdout))
        self.assertEqual(set(only["metric"]), {"leaders"})
        self.assertEqual(len(only), 4 * 21)
        gs("export", self.a, "--format", "json", check=2)

    def test_summarize_directory_without_and_with_index(self):
        sweep = os.path.join(self.dir, "sweep")
        os.makedirs(sweep, exist_ok=True)
        for p in (self.a, self.b, self.c):
            shutil.copy(p, sweep)
        data = json.loads(gs("summarize", sweep, "--format", "json").stdout)
        rows = data["rows"]
        self.assertEqual([r["name"] for r in rows], ["town_1000", "town_10000", "town_30000"])
        self.assertIn("model.organisers.count", data["meta"]["varied"])
        self.assertEqual([r["model.organisers.count"] for r in rows], [10, 20, 60])
        self.assertEqual([r["organisers"] for r in rows], [1, 2, 6])
        for r, p in zip(rows, (self.a, self.b, self.c)):
            x = final_values(p)
            self.assertAlmostEqual(r["mean"], x.mean(), places=14)
            self.assertAlmostEqual(r["ci_low"], ci95(x)[0], places=10)
        # With an index (as sweeps write it): its columns, a failed member kept as a row.
        with open(os.path.join(sweep, "index.csv"), "w") as f:
            f.write("index,name,model.organisers.count,seed,file,status,wall_seconds,message\n"
                    "0,low,10,2011,town_1000.h5,done,1.5,\n1,mid,20,2011,town_10000.h5,done-earlier,1.25,\n"
                    "2,high,60,2011,gone.h5,failed,,\"killed, out of memory\"\n")
        r = gs("summarize", sweep, "--format", "csv")
        df = pd.read_csv(io.StringIO(r.stdout))
        self.assertEqual(list(df["name"]), ["low", "mid", "high"])
        self.assertEqual(list(df["status"]), ["done", "done-earlier", "failed"])
        self.assertEqual(list(df["seed"]), [2011] * 3)
        self.assertIn("killed, out of memory", r.stderr)
        self.assertAlmostEqual(df["mean"][1], final_values(self.b).mean(), places=14)
        self.assertTrue(math.isnan(df["mean"][2]))
        self.assertEqual(list(df["wall_seconds"][:2]), [1.5, 1.25])
        self.assertIn("gone.h5", r.stderr)
        gs("summarize", os.path.join(self.dir, "nowhere"), check=2)

    def test_export_sweep_directory_as_one_tidy_table(self):
        sweep = os.path.join(self.dir, "export_sweep")
        os.makedirs(sweep, exist_ok=True)
        for p in (self.a, self.b):
            shutil.copy(p, sweep)
        with open(os.path.join(sweep, "index.csv"), "w") as f:
            f.write("index,name,model.organisers.count,seed,file,status,wall_seconds,message\n"
                    "0,low,10,2011,town_1000.h5,done,1.5,\n1,mid,20,2011,town_10000.h5,done,1.25,\n"
                    "2,high,60,2011,gone.h5,failed,,killed\n")
        r = gs("export", sweep, "--format", "csv")
        df = pd.read_csv(io.StringIO(r.stdout), float_precision="round_trip")
        self.assertEqual(list(df.columns), ["member", "model.organisers.count", "replicate", "step", "metric", "value"])
        self.assertEqual(sorted(df["member"].unique()), ["low", "mid"])
        self.assertIn("high", r.stderr)  # the failed member is named, not silently dropped
        for member, count, path in (("low", 10, self.a), ("mid", 20, self.b)):
            part = df[(df.member == member) & (df.metric == "participation")]
            self.assertEqual(set(part["model.organisers.count"]), {count})
            wide = part.pivot(index="replicate", columns="step", values="value")
            with h5py.File(path, "r") as f:
                np.testing.assert_array_equal(wide.to_numpy(), f["timeseries/participation"][:, :])
        only = pd.read_csv(io.StringIO(gs("export", sweep, "--metric", "leaders").stdout))
        self.assertEqual(set(only["metric"]), {"leaders"})
        self.assertEqual(len(only), 2 * 4 * 21)
        # summarize's text fits 120 columns, with the full parameter paths in CSV.
        text = gs("summarize", sweep).stdout
        table = [line for line in text.splitlines() if sweep not in line]  # the title names the directory
        self.assertLessEqual(max(len(line) for line in table), 120, text)
        self.assertIn("count", text)

    def test_compare_in_points_per_quintile_and_national(self):
        data, _ = self.compare_json(self.a, self.b, "--quintiles")
        r0, r1 = data["rows"]
        xa, xb = final_values(self.a), final_values(self.b)
        self.assertAlmostEqual(r1["difference_points"], 100 * (xb.mean() - xa.mean()), places=10)
        self.assertAlmostEqual(r1["difference_points_ci_low"], 100 * r1["difference_ci_low"], places=10)
        for q in ["q1", "q2", "q3", "q4", "q5", "gap"]:
            metric = "participation_gap" if q == "gap" else f"participation_{q}"
            qa, qb = final_values(self.a, metric), final_values(self.b, metric)
            self.assertAlmostEqual(r1[f"{q}_percent"], 100 * qb.mean(), places=10)
            self.assertAlmostEqual(r0[f"{q}_percent_ci_low"], 100 * ci95(qa)[0], places=8)
            self.assertAlmostEqual(r1[f"{q}_difference_points"], 100 * (qb.mean() - qa.mean()), places=10)
        # The towns declare represents_population (the UK): national equivalents use it.
        uk = 68_265_209
        with h5py.File(self.a, "r") as f:
            nodes = int(f.attrs["graph_nodes"])
        self.assertEqual(r1["national_population"], uk)
        self.assertAlmostEqual(r1["national_organisers"], 2 * uk / nodes, places=6)
        self.assertAlmostEqual(r1["national_additional_participants"], (xb.mean() - xa.mean()) * uk, delta=1e-6 * uk)
        q1a, q1b = final_values(self.a, "participation_q1"), final_values(self.b, "participation_q1")
        self.assertAlmostEqual(r1["q1_additional_people"], (q1b.mean() - q1a.mean()) * uk / 5, delta=1e-6 * uk)
        self.assertEqual((r0["organiser_kinds"], r1["organiser_kinds"]), ("paid", "paid"))
        text = gs("compare", self.a, self.b, "--quintiles").stdout
        for words in ["Q1 (most deprived) %", "gap Q5 - Q1", "diff (points)", "extra participants (national)"]:
            self.assertIn(words, text)
        self.assertTrue(all(len(line) <= 120 for line in gs("compare", self.a, self.b).stdout.splitlines()))

    def test_rows_are_labelled_by_what_differs(self):
        # b and c are both town_10000_organisers; only the organiser count differs.
        data, _ = self.compare_json(self.b, self.c)
        self.assertEqual([r["label"] for r in data["rows"]],
                         ["town_10000_organisers (model.organisers.count=20)",
                          "town_10000_organisers (model.organisers.count=60)"])
        self.assertEqual(data["meta"]["differences"], [{"key": "model.organisers.count", "values": ["20", "60"]}])
        self.assertIn("model.organisers.count=60", gs("compare", self.b, self.c).stdout)

    def test_compare_refuses_unlike_runs(self):
        shorter = os.path.join(self.dir, "shorter.h5")
        gs("run", os.path.join(SRC, "scenarios", "policy", "town_1000_organisers.yaml"), "-o", shorter, *SMALL,
           "--set", "steps=10", "--set", "model.organisers.count=10")
        other_model = os.path.join(self.dir, "bass.h5")
        gs("run", os.path.join(SRC, "scenarios", "validation", "bass_dense_er.yaml"), "-o", other_model,
           "--set", "steps=20", "--set", "replicates=2", "--set", "graph.nodes=200", "--set", "graph.mean_degree=8", "-q")
        r = gs("compare", self.a, shorter, check=2)
        self.assertIn("steps (20 vs 10)", r.stderr)
        self.assertIn("--allow-mismatch", r.stderr)
        self.assertEqual(r.stdout, "")
        r = gs("compare", self.a, other_model, check=2)
        self.assertIn("model (organising vs bass)", r.stderr)
        self.assertIn("metrics (only in one of them:", r.stderr)
        r = gs("compare", self.a, shorter, "--allow-mismatch")
        self.assertIn("compared anyway", r.stderr)
        gs("report", self.a, shorter, "-o", os.path.join(self.dir, "unlike"), check=2)

    def test_report_page_shows_its_figures_in_chromium(self):
        out = os.path.join(self.dir, "report")
        r = gs("report", self.a, self.b, self.c, "-o", out)
        self.assertIn("index.html", r.stdout)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            page = f.read()
        for png in ["over_time.png", "difference_over_time.png", "against_organisers.png", "quintiles.png"]:
            path = os.path.join(out, png)
            self.assertIn(f'src="{png}"', page)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(path), 5000)
        for word in ["town_1000_organisers", "town_10000_organisers", "95%", "one_to_ones_per_step"]:
            self.assertIn(word, page)
        broken, dom = self.load_in_chromium(out, "index.html", screenshot=True)
        self.assertEqual(broken, 0)
        # The headline, as the browser renders it, holds the numbers compare gives.
        row = self.compare_json(self.a, self.b, "--quintiles")[0]["rows"][1]
        m = re.search(r'<p class="headline" id="headline">(.*?)</p>', dom, re.S)
        self.assertIsNotNone(m, dom[:2000])
        head = m.group(1)
        self.assertEqual(row["difference_method"], "paired")
        def points(v):  # the report's rule: two decimals, three below 0.1 points
            return f"{v:+.2f}" if abs(v) >= 0.1 else f"{v:+.3f}"
        expected = [f"{points(row['difference_points'])} percentage points",
                    f"(paired 95% CI {points(row['difference_points_ci_low'])} to "
                    f"{points(row['difference_points_ci_high'])}, common random numbers)",
                    "after 0.4 years",  # 20 weeks
                    f"{abs(round(row['national_additional_participants'])):,} ",
                    f"{abs(round(row['q1_additional_people'])):,} ", "nationally", "most deprived fifth"]
        for words in expected:
            self.assertIn(words, head)
        self.assertIn("paired 95% CI (common random numbers)", dom)
        for welch in ["95% Welch", "(Welch)", ">Welch<"]:
            self.assertNotIn(welch, dom)
        with open(os.path.join(out, "report-data.json"), encoding="utf-8") as f:
            series = json.load(f)["series"]
        self.assertEqual([s.get("difference_method") for s in series], [None, "paired", "paired"])
        self.assertIn("Deprivation", dom)
        self.assertIn("What differs", dom)
        # The script is found through GROUNDSWELL_SOURCE_DIR when set; a wrong one is a clear error.
        r = subprocess.run([GS, "report", self.a, "-o", os.path.join(self.dir, "report2")], capture_output=True, text=True,
                           env={**os.environ, "GROUNDSWELL_SOURCE_DIR": os.path.join(self.dir, "nowhere")})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("report script not found", r.stderr)
        # The check can fail: a page with a missing image is caught.
        with open(os.path.join(out, "broken.html"), "w") as f:
            f.write('<html><body><img src="over_time.png"><img src="missing.png"></body></html>')
        self.assertEqual(self.load_in_chromium(out, "broken.html")[0], 1)

    def test_report_shows_defaults_as_what_they_mean(self):
        # Issue 18: "-1 becomes 'the kind's rate: 1 a week'", and 0 where it means none, not the sentinel.
        spec = importlib.util.spec_from_file_location("report", os.path.join(SRC, "analysis", "report.py"))
        report = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(report)
        tree = {"model": {"organisers": {"cohorts": [{"count": 5, "kind": "volunteer"}]},
                          "kinds": {"volunteer": {"one_to_ones_per_step": 1}}}}
        self.assertEqual(report.plain_value("model.organisers.cohorts[0].one_to_ones_per_step", "-1", tree),
                         "the volunteer kind's value: 1 one-to-ones a week")
        self.assertEqual(report.plain_value("model.organisers.max_per_neighbourhood", "0", tree), "0 (no cap)")
        self.assertEqual(report.plain_value("model.organisers.count", "20", tree), "20")

    def load_in_chromium(self, directory, page, screenshot=False):
        """Loads the page in headless Chromium (and keeps a screenshot); returns how many images did not load
        (not complete, or naturalWidth 0) and the DOM as rendered."""
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        self.assertTrue(os.path.exists(chromium), "chromium missing: sudo apt-get install chromium")
        with open(os.path.join(directory, page), encoding="utf-8") as f:
            html = f.read()
        probe = os.path.join(directory, "probe-" + page)
        script = ("<script>window.addEventListener('load', () => document.body.setAttribute('data-broken', "
                  "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length));</script>")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", script + "</body>"))
        profile = tempfile.mkdtemp(prefix="gs_chromium_")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}"]
        try:
            dom = subprocess.run([chromium, *flags, "--virtual-time-budget=10000", "--dump-dom",
                                  "file://" + os.path.abspath(probe)], capture_output=True, text=True, timeout=120).stdout
            if screenshot:
                shot = os.path.join(directory, page + ".screenshot.png")
                subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,2000",
                                "file://" + os.path.abspath(os.path.join(directory, page))], capture_output=True, timeout=120)
                self.assertGreater(os.path.getsize(shot), 10000)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        m = re.search(r'data-broken="(\d+)"', dom)
        self.assertIsNotNone(m, "chromium did not run the page's load handler:\n" + dom[:500])
        return int(m.group(1)), dom


if __name__ == "__main__":
    unittest.main(verbosity=2)
