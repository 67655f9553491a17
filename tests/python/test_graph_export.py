#!/usr/bin/python3
"""`groundswell graph --export` files read back with h5py and numpy, as a
NetworkX or igraph user would, and checked against the edge-list export and
against `--stats` (clustering recomputed here independently)."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

EXE = os.environ.get("GROUNDSWELL", "groundswell")

SCENARIO = """name: export_test
seed: 5
graph:
  type: {graph}
{params}
model:
  type: organising
"""


def write_scenario(directory, graph, params):
    path = os.path.join(directory, graph + ".yaml")
    body = "\n".join("  %s: %s" % kv for kv in params.items())
    with open(path, "w") as f:
        f.write(SCENARIO.format(graph=graph, params=body))
    return path


def run(*args, expect=0):
    p = subprocess.run([EXE, *args], capture_output=True, text=True)
    if p.returncode != expect:
        raise AssertionError("%s exited %d, expected %d\n%s%s" % (args, p.returncode, expect, p.stdout, p.stderr))
    return p.stdout


def read_csr(path):
    with h5py.File(path, "r") as f:
        return f["graph/offsets"][:], f["graph/targets"][:], dict(f.attrs)


def mean_clustering(offsets, targets):
    n = len(offsets) - 1
    rows = [set(targets[offsets[v]:offsets[v + 1]].tolist()) for v in range(n)]
    total = 0.0
    for v in range(n):
        d = len(rows[v])
        if d < 2:
            continue
        closed = sum(len(rows[v] & rows[u]) for u in rows[v])  # each triangle twice
        total += closed / (d * (d - 1))
    return total / n


class GraphExport(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_csr_matches_edge_list_and_stats(self):
        scenario = write_scenario(self.dir, "erdos_renyi", {"nodes": 3000, "mean_degree": 8})
        h5 = os.path.join(self.dir, "g.h5")
        txt = os.path.join(self.dir, "g.txt")
        run("graph", scenario, "--export", h5)
        run("graph", scenario, "--export", txt)
        stats = run("graph", scenario, "--stats")
        offsets, targets, attrs = read_csr(h5)
        n = len(offsets) - 1
        self.assertEqual(n, 3000)
        self.assertEqual(attrs["nodes"], n)
        self.assertEqual(attrs["edges"] * 2, len(targets))
        self.assertEqual(offsets[0], 0)
        self.assertEqual(offsets[-1], len(targets))
        source = np.repeat(np.arange(n), np.diff(offsets).astype(np.int64))
        self.assertFalse(np.any(source == targets), "no self loops")
        # Rows strictly increasing: sorted, no duplicates.
        same_row = source[1:] == source[:-1]
        self.assertTrue(np.all(targets[1:][same_row] > targets[:-1][same_row]))
        # Symmetric: the set of (u, v) equals the set of (v, u).
        forward = np.sort(source.astype(np.int64) * n + targets)
        backward = np.sort(targets.astype(np.int64) * n + source)
        self.assertTrue(np.array_equal(forward, backward))
        # The text export lists each tie once with u < v: the same ties.
        pairs = np.loadtxt(txt, dtype=np.int64, comments="#").reshape(-1, 2)
        self.assertTrue(np.all(pairs[:, 0] < pairs[:, 1]))
        upper = source < targets
        self.assertTrue(np.array_equal(np.sort(pairs[:, 0] * n + pairs[:, 1]),
                                       np.sort(source[upper].astype(np.int64) * n + targets[upper])))
        # --stats agrees with an independent computation from the file.
        value = lambda key: float(re.search(r"^%s\s+([0-9.]+)" % key, stats, re.M).group(1))
        self.assertEqual(value("nodes"), n)
        self.assertEqual(value("edges"), len(targets) // 2)
        self.assertAlmostEqual(value("degree mean"), len(targets) / n, places=4)
        self.assertAlmostEqual(value("mean local clustering"), mean_clustering(offsets, targets), places=6)

    def test_community_attributes(self):
        scenario = write_scenario(self.dir, "community", {"population": 20000, "neighbourhoods_per_region": 4})
        h5 = os.path.join(self.dir, "c.h5")
        run("graph", scenario, "--export", h5)
        with h5py.File(h5, "r") as f:
            n = len(f["graph/offsets"]) - 1
            for name in ("group", "neighbourhood", "region", "household", "deprivation"):
                self.assertEqual(len(f["nodes/" + name]), n, name)
            start = f["neighbourhoods/start"][:]
            hood = f["nodes/neighbourhood"][:]
            self.assertTrue(np.array_equal(hood, np.repeat(np.arange(len(start) - 1), np.diff(start).astype(np.int64))))
            self.assertTrue(np.array_equal(f["nodes/region"][:], f["neighbourhoods/region"][:][hood]))
            hstart = f["households/start"][:]
            self.assertTrue(np.array_equal(f["nodes/household"][:],
                                           np.repeat(np.arange(len(hstart) - 1), np.diff(hstart).astype(np.int64))))
            self.assertTrue(set(np.unique(f["nodes/group"][:])) <= {0, 1, 2, 3})
            self.assertEqual(f.attrs["graph"], "community")
            self.assertIn("population: 20000", f.attrs["scenario_yaml"])

    def test_bad_extension_writes_nothing(self):
        scenario = write_scenario(self.dir, "ring_lattice", {"nodes": 100, "k": 4})
        run("graph", scenario, "--export", os.path.join(self.dir, "g.csv"), expect=2)
        self.assertEqual(sorted(os.listdir(self.dir)), ["ring_lattice.yaml"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
