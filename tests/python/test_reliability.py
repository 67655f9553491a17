"""Reliability, round two: faults, hostile inputs and concurrent runs end in a
clear message and an exact exit code (0, 1 or 2), never in a signal, a hang
or silent loss. Each test reproduces one defect of the hostile-user review
(docs/reliability.md lists which guarantee each one holds). Exit codes are
compared exactly: a signal (negative return code) never passes.
"""
import os
import resource
import signal
import socket
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


def write_sweep(directory, **scenario):
    """The scenario (write_scenario's arguments) and SWEEP over it in `directory`; the sweep file's path."""
    write_scenario(directory, **scenario)
    path = os.path.join(directory, "sweep.yaml")
    with open(path, "w") as f:
        f.write(SWEEP)
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
            sweep = write_sweep(d, steps=300, replicates=5, compression=0)
            out = os.path.join(d, "out")
            done = self.run_cli("sweep", sweep, "--out-dir", out, "--quiet", preexec_fn=file_size_limit(20000))
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn("no space left on device", done.stderr)
            self.assertEqual([n for n in os.listdir(out) if ".tmp-" in n], [])

    def test_sweep_index(self):
        with tempfile.TemporaryDirectory() as d:
            sweep = write_sweep(d, steps=3, replicates=1)
            out = os.path.join(d, "out")
            self.assertExit(self.run_cli("sweep", sweep, "--out-dir", out, "--quiet"), 0)
            index = os.path.join(out, "index.h5")
            with open(index, "rb") as f:
                before = f.read()
            # The members are complete, so --resume only writes the index (about 12 kB): the limit fails it.
            done = self.run_cli("sweep", sweep, "--out-dir", out, "--quiet", "--resume",
                                preexec_fn=file_size_limit(3000))
            self.check_full(done, index, out, kept=[(index, before)])

    def test_report_data(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=300, replicates=2)
            runs = [os.path.join(d, n) for n in ("a.h5", "b.h5")]
            for out in runs:
                self.assertExit(self.run_cli("run", scenario, "-o", out, "--quiet"), 0)
            report = os.path.join(d, "report")
            done = self.run_cli("report", *runs, "-o", report, preexec_fn=file_size_limit(4000))
            self.assertExit(done, 1, "no space left on device", os.path.join(report, "report-data.json"))
            self.assertEqual(os.listdir(report), [])

    def test_graph_export(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, population=20000)
            out = os.path.join(d, "g.h5")
            done = self.run_cli("graph", scenario, "--export", out, preexec_fn=file_size_limit(20000))
            self.check_full(done, out, d)
            self.assertFalse(os.path.exists(out))

    def test_graph_export_text(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, population=20000)
            out = os.path.join(d, "g.txt")
            done = self.run_cli("graph", scenario, "--export", out, preexec_fn=file_size_limit(20000))
            self.check_full(done, out, d)
            self.assertFalse(os.path.exists(out))


def sanitized():
    """An AddressSanitizer build reserves terabytes of address space: an address-space limit cannot apply."""
    done = subprocess.run(["ldd", EXE], capture_output=True, text=True)
    return "libasan" in done.stdout


def address_space_limit(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


class OutOfMemory(Base):
    """Defect 2: out of memory while building a graph aborted (std::bad_alloc escaping an OpenMP region)."""

    def setUp(self):
        if sanitized():
            self.skipTest("AddressSanitizer build: address-space limits do not apply")

    def test_too_large_a_graph_is_refused_before_allocating(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = os.path.join(d, "er.yaml")
            with open(scenario, "w") as f:
                f.write("name: er\nsteps: 1\ngraph:\n  type: erdos_renyi\n  nodes: 3000000000\nmodel:\n  type: bass\n")
            for args in (("run", scenario, "-o", os.path.join(d, "o.h5")), ("graph", scenario)):
                done = self.run_cli(*args, preexec_fn=address_space_limit(3_000_000_000))
                self.assertExit(done, 1, "out of memory", "96.0 GB", "ulimit -v")
            self.assertEqual(sorted(os.listdir(d)), ["er.yaml"])

    def test_allocation_failing_inside_a_parallel_region_is_reported(self):
        # Each passes the up-front estimate (a lower bound) but not the real build: the std::bad_alloc is thrown
        # inside a parallel region on two threads (checked with gdb's `catch throw`: erdos_renyi's block loop,
        # ring_lattice_edges, rewire_endpoints), which aborted (SIGABRT) before gs::ParallelErrors carried it out.
        graphs = {"erdos_renyi": "  nodes: 20000000\n  mean_degree: 8\n",
                  "ring_lattice": "  nodes: 20000000\n  k: 40\n",
                  "watts_strogatz": "  nodes: 20000000\n  k: 40\n"}
        with tempfile.TemporaryDirectory() as d:
            for graph, params in graphs.items():
                scenario = os.path.join(d, graph + ".yaml")
                with open(scenario, "w") as f:
                    f.write(f"name: g\nsteps: 1\ngraph:\n  type: {graph}\n{params}model:\n  type: bass\n")
                done = self.run_cli("graph", scenario, "--threads", "2", preexec_fn=address_space_limit(1_000_000_000))
                self.assertExit(done, 1, "out of memory (groundswell graph)")


    def test_reader_out_of_memory_does_not_suggest_population_scale(self):
        # A file declaring 2 x 4 billion values (stored sparsely: a few hundred bytes) makes compare and summarize
        # run out of memory while reading; the message says so, exit 1, and does not suggest population_scale,
        # which a reader cannot use.
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=3, replicates=2)
            runs = os.path.join(d, "runs")
            os.mkdir(runs)
            a, b = os.path.join(runs, "a.h5"), os.path.join(runs, "b.h5")
            for out in (a, b):
                self.assertExit(self.run_cli("run", scenario, "-o", out, "--quiet"), 0)
            with h5py.File(b, "r+") as f:
                del f["timeseries/participation"]
                f["timeseries"].create_dataset("participation", shape=(2, 4_000_000_000), dtype="f8",
                                               chunks=(1, 1_000_000))
                f.attrs["steps"] = np.int64(3_999_999_999)
            limit = address_space_limit(2_000_000_000)
            for args, command in (((a, b, "--allow-mismatch"), "compare"), ((runs,), "summarize")):
                done = self.run_cli(command, *args, preexec_fn=limit)
                self.assertExit(done, 1, f"out of memory (groundswell {command})")
                self.assertNotIn("population_scale", done.stderr)


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


class Locks(Base):
    """Defect 6: a second process on one sweep member deleted the first's live temporary; two sweeps started
    together into one empty directory both ran everything."""

    def start_long(self, d, *args):
        sweep = write_sweep(d, steps=100000, replicates=1, population=3000)
        out = os.path.join(d, "out")
        proc = subprocess.Popen([EXE, "sweep", sweep, "--out-dir", out, "--quiet", *args], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            if os.path.isdir(out) and any(n.endswith(".h5.lock") for n in os.listdir(out)):
                break
            time.sleep(0.01)
        self.assertIsNone(proc.poll(), "the first sweep ended before the second started")
        return sweep, out, proc

    def stop(self, proc):
        proc.kill()
        proc.wait()

    def test_second_process_on_a_member_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            sweep, out, first = self.start_long(d, "--member", "0")
            try:
                before = sorted(os.listdir(out))
                second = self.run_cli("sweep", sweep, "--out-dir", out, "--member", "0", "--quiet")
                self.assertEqual(second.returncode, 1, second.stderr)
                self.assertIn(f"pid {first.pid} on host {socket.gethostname()}", second.stderr)
                self.assertIn("in use by another groundswell process", second.stderr)
                self.assertEqual(sorted(os.listdir(out)), before, "the second process touched the first's files")
                self.assertIsNone(first.poll(), "the first process failed")
            finally:
                self.stop(first)

    def test_second_sweep_into_the_same_directory_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            sweep, out, first = self.start_long(d)
            try:
                second = self.run_cli("sweep", sweep, "--out-dir", out, "--quiet", "--resume")
                self.assertEqual(second.returncode, 2, second.stderr)
                self.assertIn(f"pid {first.pid} on host {socket.gethostname()}", second.stderr)
                self.assertIn(out, second.stderr)
            finally:
                self.stop(first)
            # Locks and temporaries left by the killed sweep are taken over and cleaned up.
            write_scenario(d, steps=5, replicates=1)
            again = self.run_cli("sweep", sweep, "--out-dir", out, "--quiet", "--resume")
            self.assertExit(again, 0)
            self.assertEqual(sorted(os.listdir(out)), ["index.csv", "index.h5", "m0000_count-10.h5",
                                                       "m0001_count-20.h5"])

class DamagedCheckpoint(Base):
    """Defect 5: one flipped bit in a checkpoint gave silently wrong results, exit 0, and the checkpoint was
    deleted."""

    def killed_run(self, d):
        scenario = write_scenario(d, steps=100000, replicates=1, population=1000, every=5)
        out = os.path.join(d, "out.h5")
        proc = subprocess.Popen([EXE, "run", scenario, "-o", out, "--quiet"], env=ENV, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(out + ".checkpoint") and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.kill()
        proc.wait()
        self.assertTrue(os.path.exists(out + ".checkpoint"))
        return scenario, out

    def check_refused(self, damage):
        with tempfile.TemporaryDirectory() as d:
            scenario, out = self.killed_run(d)
            checkpoint = out + ".checkpoint"
            with h5py.File(checkpoint, "r+") as f:
                damage(f)
            with open(checkpoint, "rb") as f:
                damaged = f.read()
            done = self.run_cli("run", scenario, "-o", out, "--resume", "--quiet")
            self.assertExit(done, 2, checkpoint, "damaged")
            self.assertFalse(os.path.exists(out))
            with open(checkpoint, "rb") as f:
                self.assertEqual(f.read(), damaged, "the damaged checkpoint must be kept as it was")

    def test_flipped_bit_in_values(self):
        def flip(f):
            values = f["value_0"][()]
            values.view(np.uint64)[1] ^= np.uint64(1 << 40)
            f["value_0"][...] = values
        self.check_refused(flip)

    def test_flipped_bit_in_state(self):
        def flip(f):
            state = f["state/0/bytes"][()]
            state[len(state) // 2] ^= 0x10
            f["state/0/bytes"][...] = state
        self.check_refused(flip)

    def test_changed_step_counter(self):
        def change(f):
            f.attrs["step"] = np.int64(f.attrs["step"] - 1)
        self.check_refused(change)


class OutputPaths(Base):
    """Defect 4: whatever the output path was, it was replaced: the scenario itself, a device or FIFO, a
    read-only file."""

    def test_output_that_is_the_scenario_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            with open(scenario, "rb") as f:
                before = f.read()
            for out in (scenario, os.path.join(d, ".", "s.yaml")):
                done = self.run_cli("run", scenario, "-o", out, "--quiet")
                self.assertExit(done, 2, "is the scenario file itself")
            with open(scenario, "rb") as f:
                self.assertEqual(f.read(), before)

    def test_non_regular_output_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            fifo = os.path.join(d, "fifo.h5")
            os.mkfifo(fifo)
            device = os.path.join(d, "null.h5")  # a link to /dev/null: the target a rename would replace
            os.symlink("/dev/null", device)
            for out in (fifo, device):
                done = self.run_cli("run", scenario, "-o", out, "--quiet")
                self.assertExit(done, 2, out, "not a regular file")
            self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
            self.assertTrue(stat.S_ISCHR(os.stat(device).st_mode))
            done = self.run_cli("graph", scenario, "--export", fifo)
            self.assertExit(done, 2, "not a regular file")

    def test_read_only_output_needs_force(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            out = os.path.join(d, "out.h5")
            with open(out, "wb") as f:
                f.write(b"keep me")
            os.chmod(out, 0o444)
            done = self.run_cli("run", scenario, "-o", out, "--quiet")
            self.assertExit(done, 2, out, "read-only", "--force")
            with open(out, "rb") as f:
                self.assertEqual(f.read(), b"keep me")
            done = self.run_cli("run", scenario, "-o", out, "--quiet", "--force")
            self.assertExit(done, 0)
            with h5py.File(out, "r") as f:
                self.assertEqual(f.attrs["complete"], 1)


class NonRegularInputs(Base):
    """Defect 12: a FIFO as scenario or compare input blocked forever; an edge list of /dev/zero grew without
    bound; summarize on a stored alias bomb ran out of memory."""

    def test_fifo_and_directory_inputs_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            fifo = os.path.join(d, "fifo.yaml")
            os.mkfifo(fifo)
            for args in (("validate", fifo), ("run", fifo, "-o", os.path.join(d, "o.h5")), ("compare", fifo, fifo),
                         ("sweep", fifo, "--list")):
                self.assertExit(self.run_cli(*args, timeout=20), 2, fifo, "FIFO")
            done = self.run_cli("validate", d, timeout=20)
            self.assertExit(done, 2, "is a directory")
            self.assertNotIn("9223372036854775807", done.stderr)

    def test_edge_list_reads_are_bounded(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = os.path.join(d, "e.yaml")
            with open(scenario, "w") as f:
                f.write("name: e\nsteps: 2\ngraph:\n  type: edgelist\n  path: /dev/zero\nmodel:\n  type: bass\n")
            out = os.path.join(d, "o.h5")
            self.assertExit(self.run_cli("run", scenario, "-o", out, timeout=20), 2, "/dev/zero", "character device")
            one_line = os.path.join(d, "one_line.txt")
            with open(one_line, "wb") as f:
                f.write(b"1 " * 200000)
            done = self.run_cli("run", scenario, "-o", out, "--set", "graph.path=" + one_line, timeout=20)
            self.assertExit(done, 2, one_line + ":1:", "line longer than")
            self.assertFalse(os.path.exists(out))

    def test_stored_alias_bomb_is_bounded(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=3, replicates=1)
            out = os.path.join(d, "runs")
            os.mkdir(out)
            for name in ("a.h5", "b.h5"):
                self.assertExit(self.run_cli("run", scenario, "-o", os.path.join(out, name), "--quiet"), 0)
            bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            for level in "bcdefghi":
                previous = chr(ord(level) - 1)
                bomb += f"{level}: &{level} " + "{" + ", ".join(f"k{i}: *{previous}" for i in range(10)) + "}\n"
            with h5py.File(os.path.join(out, "a.h5"), "r+") as f:
                f.attrs["scenario_yaml"] = bomb
            start = time.monotonic()
            done = self.run_cli("summarize", out, timeout=30)
            self.assertExit(done, 0)
            self.assertLess(time.monotonic() - start, 30)


class Summarize(Base):
    """Defect 10: summarize trusted index.csv over the member files."""

    def test_swapped_member_files_show_their_own_values(self):
        with tempfile.TemporaryDirectory() as d:
            sweep = write_sweep(d, steps=3, replicates=1)
            out = os.path.join(d, "out")
            self.assertExit(self.run_cli("sweep", sweep, "--out-dir", out, "--quiet"), 0)
            a, b = os.path.join(out, "m0000_count-10.h5"), os.path.join(out, "m0001_count-20.h5")
            os.rename(a, a + ".swap")
            os.rename(b, a)
            os.rename(a + ".swap", b)
            done = self.run_cli("summarize", out, "--format", "csv")
            self.assertExit(done, 0, "was the file replaced")
            rows = [line.split(",") for line in done.stdout.splitlines() if line.strip()]
            header = rows[0]
            column = header.index("model.organisers.count")
            by_name = {r[header.index("name")]: r[column] for r in rows[1:]}
            self.assertEqual(float(by_name["m0000_count-10"]), 20, done.stdout)
            self.assertEqual(float(by_name["m0001_count-20"]), 10, done.stdout)


class SetStrictness(Base):
    """Defect 7 (with tests/data/bad set_flow_duplicate_key, set_trailing_content): --set values were parsed
    more loosely than files. Defect 11 (seed_fraction_*): a fractional seed was rounded silently."""

    def test_second_document_in_a_set_value_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            for value in ("steps=7\n---\n9", "steps=7\n--- 9", "model.organisers.count=[1]\n--- x"):
                done = self.run_cli("validate", scenario, "--set", value)
                self.assertExit(done, 2, "--set", "more than one YAML value")

    def test_legal_set_values_still_pass(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            for value in ("steps=7", "steps= 7 ", "seed=1e3", "seed=4503599627370496", "steps=7 # a comment",
                          "model.organisers.cohorts=[{count: 3, kind: paid}]", "name='a b'"):
                self.assertExit(self.run_cli("validate", scenario, "--set", value), 0)


class Messages(Base):
    """Defect 13: misleading messages."""

    def test_tiny_number_is_not_called_infinite(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            done = self.run_cli("validate", scenario, "--set", "model.weekly_dropout=4e-320")
            self.assertExit(done, 2, "too close to zero")
            self.assertNotIn("not a finite number", done.stderr)
            done = self.run_cli("validate", scenario, "--set", "model.weekly_dropout=1e400")
            self.assertExit(done, 2, "too large")

    def test_long_legal_output_name_is_written(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=2, replicates=1)
            out = os.path.join(d, "a" * 240 + ".h5")  # 243 characters: legal, but not with the temporary's suffix
            self.assertExit(self.run_cli("run", scenario, "-o", out, "--quiet"), 0)
            self.assertTrue(os.path.exists(out))

    def test_sweep_path_with_equals_sign(self):
        with tempfile.TemporaryDirectory() as d:
            where = os.path.join(d, "dir=eq")
            os.mkdir(where)
            sweep = write_sweep(where, steps=2, replicates=1)
            done = self.run_cli("sweep", sweep, "--list")
            self.assertExit(done, 0)
            self.assertIn("model.organisers.count=20", done.stdout)

    def test_non_finite_values_name_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=3, replicates=3)
            a, b = os.path.join(d, "a.h5"), os.path.join(d, "b.h5")
            for out in (a, b):
                self.assertExit(self.run_cli("run", scenario, "-o", out, "--quiet"), 0)
            with h5py.File(b, "r+") as f:
                f["timeseries/participation"][1, 2] = np.nan
            done = self.run_cli("compare", a, b)
            self.assertExit(done, 2, b, "not a finite number")
            self.assertNotIn("t_cdf", done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
