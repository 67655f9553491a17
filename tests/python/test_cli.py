"""The command line: exit codes, messages naming file, line and key, and no
output file on bad input."""
import os
import sys
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from gs_test import SOURCE_DIR, groundswell, scenario, temp_dir  # noqa: E402

GOOD = """name: cli
steps: 3
graph:
  type: community
  population: 3000
model:
  type: organising
  organisers:
    count: 2
"""

# (description, scenario text, --set arguments, text the message must contain)
BAD = [
    ("unknown key", GOOD.replace("    count: 2", "    cuont: 2"), [], "bad.yaml:9:5: model.organisers.cuont: unknown key (did you mean 'organisers.count'?)"),
    ("wrong type", GOOD.replace("steps: 3", "steps: many"), [], "bad.yaml:2:8: steps: expected an integer"),
    ("out of range", GOOD.replace("count: 2", "count: -5"), [], "bad.yaml:9:12: model.organisers.count: value -5 is out of range"),
    ("missing required", GOOD.replace("name: cli\n", ""), [], "bad.yaml:1:1: name: missing required key"),
    ("unknown model", GOOD.replace("type: organising", "type: organize"), [], "bad.yaml:7:9: model.type: unknown model type 'organize'"),
    ("unknown graph", GOOD.replace("type: community", "type: town"), [], "bad.yaml:4:9: graph.type: unknown graph type 'town'"),
    ("malformed YAML", GOOD.replace("steps: 3", "steps: [3"), [], "bad.yaml:"),
    ("tab indentation", GOOD.replace("  population", "\tpopulation"), [], "bad.yaml:"),
    ("bad override", GOOD, ["--set", "model.organisers.count=lots"], "--set model.organisers.count=lots: model.organisers.count: expected an integer"),
    ("unknown override", GOOD, ["--set", "modle.x=1"], "--set modle.x=1: modle: unknown key (did you mean 'model'?)"),
]


class ExitCodes(unittest.TestCase):
    def test_version_and_help(self):
        self.assertRegex(groundswell("--version").stdout, r"^groundswell \d+\.\d+\.\d+")
        for args in (["--help"], ["run", "--help"], ["validate", "--help"], ["models", "--help"]):
            self.assertEqual(groundswell(*args).returncode, 0)
        self.assertIn("run SCENARIO -o OUT.h5", groundswell("--help").stdout)

    def test_unknown_command_and_option(self):
        r = groundswell("rnu", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("did you mean 'run'", r.stderr)
        r = groundswell("run", scenario("policy", "town_baseline.yaml"), "--bogus", check=False)
        self.assertEqual(r.returncode, 2)
        r = groundswell("run", scenario("policy", "town_baseline.yaml"), check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing -o", r.stderr)

    def test_bad_input_gives_exit_2_message_and_no_file(self):
        with temp_dir() as tmp:
            path = os.path.join(tmp, "bad.yaml")
            out = os.path.join(tmp, "out.h5")
            for what, text, sets, expected in BAD:
                with self.subTest(what):
                    with open(path, "w") as f:
                        f.write(text)
                    for command in (["validate", path], ["run", path, "-o", out, "--quiet"]):
                        r = groundswell(*command, *sets, check=False)
                        self.assertEqual(r.returncode, 2, r.stderr)
                        self.assertIn(expected.replace("bad.yaml", path), r.stderr)
                        self.assertEqual(sorted(os.listdir(tmp)), ["bad.yaml"])

    def test_missing_file(self):
        with temp_dir() as tmp:
            out = os.path.join(tmp, "out.h5")
            r = groundswell("run", os.path.join(tmp, "nope.yaml"), "-o", out, check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn("nope.yaml: cannot read scenario file", r.stderr)
            self.assertFalse(os.path.exists(out))

    def test_existing_output_untouched_on_bad_input(self):
        with temp_dir() as tmp:
            path = os.path.join(tmp, "bad.yaml")
            out = os.path.join(tmp, "out.h5")
            with open(out, "w") as f:
                f.write("previous results")
            with open(path, "w") as f:
                f.write(GOOD.replace("steps: 3", "steps: 0"))
            self.assertEqual(groundswell("run", path, "-o", out, check=False).returncode, 2)
            with open(out) as f:
                self.assertEqual(f.read(), "previous results")

    def test_unwritable_output_directory(self):
        with temp_dir() as tmp:
            path = os.path.join(tmp, "good.yaml")
            with open(path, "w") as f:
                f.write(GOOD)
            r = groundswell("run", path, "-o", os.path.join(tmp, "missing", "out.h5"), check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn("does not exist", r.stderr)

    def test_run_overrides_and_models(self):
        with temp_dir() as tmp:
            path = os.path.join(tmp, "good.yaml")
            out = os.path.join(tmp, "out.h5")
            with open(path, "w") as f:
                f.write(GOOD)
            groundswell("run", path, "-o", out, "--set", "seed=7", "--set", "replicates=2", "--threads", "2", "--quiet")
            with h5py.File(out, "r") as f:
                self.assertEqual(int(f.attrs["seed"]), 7)
                self.assertEqual(f["timeseries/participation"].shape, (2, 4))
        listing = groundswell("models").stdout
        self.assertIn("organising", listing)
        self.assertIn("community", listing)
        detail = groundswell("models", "organising").stdout
        self.assertIn("organisers.count", detail)
        self.assertIn("allowed:", detail)
        self.assertEqual(groundswell("models", "organisng", check=False).returncode, 2)

    def test_validate_prints_resolved(self):
        r = groundswell("validate", scenario("policy", "town_baseline.yaml"), "--resolved")
        self.assertIn("neighbourhood_size: 1670", r.stdout)
        self.assertIn("compression: 4", r.stdout)


if __name__ == "__main__":
    unittest.main()
