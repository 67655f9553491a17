#!/usr/bin/python3
"""A sweep's tables as a researcher reads them (issue 18, "For researchers"): index.h5's string columns are
UTF-8 variable-length strings, so h5py's .asstr() (and R's rhdf5/hdf5r) give text, and `summarize` fits 120
columns by default even with five varied parameters and long member names."""
import csv
import os
import subprocess
import tempfile
import unittest

import h5py

EXE = os.environ.get("GROUNDSWELL", "groundswell")
SRC = os.environ.get("GROUNDSWELL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

SWEEP = """base: {base}
set:
  population_scale: 0.02
  steps: 3
sweep:
  model.organisers.count: [0, 200]
  model.organisers.one_to_ones_per_step: [5, 15]
  model.weekly_dropout: [0.05]
  model.deprivation_gap: [0.3]
  model.organisers.max_per_neighbourhood: [1000]
replicates: 2
seed: 7
"""


class SweepTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        where = os.path.join(cls.tmp.name, "städte")  # a non-ASCII path, stored in index.h5's sweep_file
        os.mkdir(where)
        cls.sweep = os.path.join(where, "sweep.yaml")
        with open(cls.sweep, "w", encoding="utf-8") as f:
            f.write(SWEEP.format(base=os.path.abspath(os.path.join(SRC, "scenarios", "policy",
                                                                   "town_1000_organisers.yaml"))))
        cls.out = os.path.join(where, "out")
        done = subprocess.run([EXE, "sweep", cls.sweep, "--out-dir", cls.out, "--quiet", "--threads", "1"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_index_strings_read_as_text(self):
        with open(os.path.join(self.out, "index.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with h5py.File(os.path.join(self.out, "index.h5"), "r") as index:
            members = index["members"]
            strings = [k for k in members if members[k].dtype.kind == "O"]
            self.assertEqual(sorted(strings), ["file", "message", "name", "status"])
            for key in strings:
                info = h5py.check_string_dtype(members[key].dtype)
                self.assertIsNotNone(info, key)
                self.assertEqual((info.encoding, info.length), ("utf-8", None), f"{key}: not variable-length UTF-8")
                text = list(members[key].asstr()[()])  # the one-liner documented in docs/cluster.md
                self.assertTrue(all(isinstance(v, str) for v in text), key)
                self.assertEqual(text, [r[key] for r in rows], key)
            # Attributes come back as str without .asstr(), non-ASCII included.
            self.assertIsInstance(index.attrs["sweep_yaml"], str)
            self.assertEqual(index.attrs["sweep_file"], self.sweep)

    def test_summarize_fits_120_columns(self):
        done = subprocess.run([EXE, "summarize", self.out], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = [line for line in done.stdout.splitlines() if self.out not in line]  # the title names the directory
        self.assertLessEqual(max(len(line) for line in lines), 120, done.stdout)
        # Nothing is lost: every varied parameter, every member and every result column is shown.
        for heading in ("count", "one_to_ones_per_step", "weekly_dropout", "deprivation_gap",
                        "max_per_neighbourhood", "organisers", "mean", "95% CI", "status", "member", "seed"):
            self.assertIn(heading, done.stdout)
        self.assertIn("m0000_count-0_one_to_ones_per_step-5", done.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
