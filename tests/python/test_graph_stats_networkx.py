#!/usr/bin/python3
"""`groundswell graph --stats` against NetworkX: the clustered community
fabric is exported to HDF5, read back with h5py into a NetworkX graph, and
every figure --stats prints (clustering, degree summary, assortativity, tie
layers, homophily) is recomputed there and compared."""
import os
import re
import subprocess
import tempfile
import unittest

import h5py
import networkx as nx
import numpy as np

EXE = os.environ.get("GROUNDSWELL", "groundswell")

SCENARIO = """name: stats_networkx
seed: 16
graph:
  type: community
  population: 6000
  neighbourhood_size: 500
  neighbourhoods_per_region: 3
  fabric: {fabric}
model:
  type: threshold
"""


def run(*args):
    p = subprocess.run([EXE, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("%s exited %d\n%s%s" % (args, p.returncode, p.stdout, p.stderr))
    return p.stdout


def stat(text, key):
    return float(re.search(r"^%s\s+(-?[0-9.]+)" % re.escape(key), text, re.M).group(1))


def mixing(text, key):
    m = re.search(r"^%s\s+([0-9.]+)%% \(random mixing ([0-9.]+)%%, assortativity (-?[0-9.]+)\)" % re.escape(key),
                  text, re.M)
    return float(m.group(1)) / 100, float(m.group(2)) / 100, float(m.group(3))


class GraphStatsAgainstNetworkX(unittest.TestCase):
    def check(self, fabric):
        with tempfile.TemporaryDirectory() as d:
            scenario = os.path.join(d, "s.yaml")
            with open(scenario, "w") as f:
                f.write(SCENARIO.format(fabric=fabric))
            h5 = os.path.join(d, "g.h5")
            run("graph", scenario, "--export", h5)
            text = run("graph", scenario, "--stats")
            with h5py.File(h5, "r") as f:
                offsets = f["graph/offsets"][:]
                targets = f["graph/targets"][:]
                layer = f["graph/layer"][:] if "layer" in f["graph"] else None
                group = f["nodes/group"][:]
                hood = f["nodes/neighbourhood"][:]
                hood_deprivation = f["neighbourhoods/deprivation"][:]
        n = len(offsets) - 1
        source = np.repeat(np.arange(n), np.diff(offsets).astype(np.int64))
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(source.tolist(), targets.tolist()))
        self.assertEqual(g.number_of_edges() * 2, len(targets))

        degrees = np.array([d for _, d in sorted(g.degree())], dtype=float)
        self.assertAlmostEqual(stat(text, "degree mean"), degrees.mean(), places=4)
        self.assertAlmostEqual(stat(text, "degree variance"), degrees.var(), places=4)
        self.assertAlmostEqual(stat(text, "degree variance/mean"), degrees.var() / degrees.mean(), places=4)
        lo, hi = re.search(r"^degree min / max\s+(\d+) / (\d+)", text, re.M).groups()
        self.assertEqual((int(lo), int(hi)), (int(degrees.min()), int(degrees.max())))
        # Quantile q: the smallest degree d with at least q * n nodes of degree <= d.
        quantiles = dict(re.findall(r"([0-9.]+)%:(\d+)", re.search(r"^degree quantiles(.*)$", text, re.M).group(1)))
        ordered = np.sort(degrees)
        for q, d in quantiles.items():
            index = max(int(np.ceil(float(q) / 100 * n - 1e-9)) - 1, 0)
            self.assertEqual(int(d), int(ordered[index]), "quantile " + q)

        self.assertAlmostEqual(stat(text, "mean local clustering"), nx.average_clustering(g), places=5)
        self.assertAlmostEqual(stat(text, "global clustering"), nx.transitivity(g), places=5)
        self.assertAlmostEqual(stat(text, "degree assortativity"), nx.degree_assortativity_coefficient(g), places=5)

        # Homophily: NetworkX's mixing matrix of the attribute, normalised.
        quintile = np.minimum((hood_deprivation[hood] * np.float32(5)).astype(int), 4)
        for key, values in (("same group", group), ("same deprivation q.", quintile)):
            nx.set_node_attributes(g, {v: int(values[v]) for v in range(n)}, "c")
            e = nx.attribute_mixing_matrix(g, "c")
            within, expected = np.trace(e), float((e.sum(axis=0) * e.sum(axis=1)).sum())
            ours = mixing(text, key)
            self.assertAlmostEqual(ours[0], within, places=5, msg=key)
            self.assertAlmostEqual(ours[1], expected, places=5, msg=key)
            self.assertAlmostEqual(ours[2], nx.attribute_assortativity_coefficient(g, "c"), places=5, msg=key)

        if layer is None:
            self.assertNotIn("layer household", text)
            return None
        names = ["household", "close", "friends", "acquaintance"]
        for i, name in enumerate(names):
            self.assertAlmostEqual(stat(text, "layer " + name), np.count_nonzero(layer == i) / n, places=3)
        return g, source, targets, layer

    def test_classic_fabric(self):
        self.check("classic")

    def test_clustered_fabric(self):
        g, source, targets, layer = self.check("clustered")
        # The documented ranges, recomputed by NetworkX.
        self.assertGreaterEqual(nx.average_clustering(g), 0.15)
        self.assertLessEqual(nx.average_clustering(g), 0.3)
        # A tie's layer is the same seen from either end.
        n = g.number_of_nodes()
        forward = dict(zip((source.astype(np.int64) * n + targets).tolist(), layer.tolist()))
        for u, v, l in zip(source.tolist(), targets.tolist(), layer.tolist()):
            self.assertEqual(forward[v * n + u], l)
        # Close circles are complete: a person's close contacts are all tied
        # to each other (by a close or a household tie).
        close = {}
        for u, v, l in zip(source.tolist(), targets.tolist(), layer.tolist()):
            if l == 1:
                close.setdefault(u, []).append(v)
        self.assertGreater(len(close), n // 2)
        for u, contacts in close.items():
            for a in contacts:
                for b in contacts:
                    self.assertTrue(a == b or g.has_edge(a, b), (u, a, b))

if __name__ == "__main__":
    unittest.main(verbosity=2)
