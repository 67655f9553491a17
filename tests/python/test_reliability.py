"""Reliability, round two: faults, hostile inputs and concurrent runs end in a
clear message and an exact exit code (0, 1 or 2), never in a signal, a hang
or silent loss. Each test reproduces one defect of the hostile-user review
(docs/reliability.md lists which guarantee each one holds). Exit codes are
compared exactly: a signal (negative return code) never passes.
"""
import os
import resource
import signal
import stat
import subprocess
import tempfile
import time
import unittest

import h5py
import numpy as np

EXE = os.environ.get("GROUNDSWELL", "groundswell")
TIMEOUT = 60
ENV = dict(os.environ, OMP_NUM_THREADS="1")

SCENARIO = """name: hostile
seed: 5
steps: {steps}
replicates: {replicates}
graph:
  type: community
  population: {population}
  neighbourhood_size: 250
model:
  type: organising
  organisers:
    count: 20
output:
  compression: {compression}
  checkpoint_every: {every}
"""

SWEEP = """name: hostile_sweep
base: s.yaml
sweep:
  model.organisers.count: [10, 20]
"""


def write_scenario(directory, steps=50, replicates=2, population=1000, compression=4, every=0, name="s.yaml"):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(SCENARIO.format(steps=steps, replicates=replicates, population=population, compression=compression,
                                every=every))
    return path


def file_size_limit(limit):
    """preexec_fn: a file-size limit (RLIMIT_FSIZE) acts like a full disk without root. SIGXFSZ is left at its
    default (kill): groundswell itself must ignore it and report the failed write."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


class Base(unittest.TestCase):
    def run_cli(self, *args, timeout=TIMEOUT, **kw):
        try:
            return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=ENV,
                                  **kw)
        except subprocess.TimeoutExpired:
            self.fail(f"groundswell {' '.join(map(str, args))}: no answer within {timeout} s (hang)")

    def assertExit(self, done, code, *texts):
        """Exact exit code (a signal gives a negative code and never passes), one error line, and texts in it."""
        self.assertEqual(done.returncode, code, done.stderr)
        for crash in ("terminate called", "Sanitizer", "Segmentation", "Aborted"):
            self.assertNotIn(crash, done.stderr)
        if code != 0:
            errors = [l for l in done.stderr.splitlines() if l.startswith("error:") or l.startswith("groundswell ")]
            self.assertGreaterEqual(len(errors), 1, done.stderr)
        for text in texts:
            self.assertIn(text, done.stderr)


class DiskFull(Base):
    """Defect 1: a full disk while writing ended in SIGSEGV (HDF5 shutting down on a half-closed file)."""

    def check_full(self, done, target, directory, kept=()):
        self.assertExit(done, 1, "no space left on device", target)
        left = [n for n in os.listdir(directory) if ".tmp-" in n]
        self.assertEqual(left, [], "temporaries left behind")
        for path, content in kept:
            with open(path, "rb") as f:
                self.assertEqual(f.read(), content, f"{path} was changed")

    def test_run_output(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=300, replicates=5, compression=0)
            out = os.path.join(d, "out.h5")
            with open(out, "wb") as f:
                f.write(b"the old file")
            done = self.run_cli("run", scenario, "-o", out, "--quiet", preexec_fn=file_size_limit(20000))
            self.check_full(done, out, d, kept=[(out, b"the old file")])

    def test_checkpoint(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=300, replicates=5, compression=0, every=50)
            out = os.path.join(d, "out.h5")
            done = self.run_cli("run", scenario, "-o", out, "--quiet", preexec_fn=file_size_limit(20000))
            self.check_full(done, out + ".checkpoint", d)
            self.assertFalse(os.path.exists(out))

    def test_sweep_member(self):
        with tempfile.TemporaryDirectory() as d:
            write_scenario(d, steps=300, replicates=5, compression=0)
            sweep = os.path.join(d, "sweep.yaml")
            with open(sweep, "w") as f:
                f.write(SWEEP)
            out = os.path.join(d, "out")
            done = self.run_cli("sweep", sweep, "--out-dir", out, "--quiet", preexec_fn=file_size_limit(20000))
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn("no space left on device", done.stderr)
            self.assertEqual([n for n in os.listdir(out) if ".tmp-" in n], [])

    def test_graph_export(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, population=20000)
            out = os.path.join(d, "g.h5")
            done = self.run_cli("graph", scenario, "--export", out, preexec_fn=file_size_limit(20000))
            self.check_full(done, out, d)
            self.assertFalse(os.path.exists(out))


class Threads(Base):
    """Defect 3: --threads had no upper bound (50,000 aborted in libgomp, 70,000 segfaulted)."""

    def test_too_many_threads_refused(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            for threads in ("50000", "70000", "1025", "0"):
                out = os.path.join(d, "out.h5")
                done = self.run_cli("run", scenario, "-o", out, "--threads", threads, "--quiet")
                self.assertExit(done, 2, "--threads", "1024")
                self.assertFalse(os.path.exists(out))
            done = self.run_cli("graph", scenario, "--threads", "70000")
            self.assertExit(done, 2, "--threads")


if __name__ == "__main__":
    unittest.main(verbosity=2)
