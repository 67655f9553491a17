"""Outputs survive failures: a run killed with SIGKILL leaves nothing at the
target, `run --resume` continues it from its checkpoint and writes a file
identical (h5diff) to an uninterrupted run's; stale temporaries of dead
processes are removed by the next run; an unwritable directory or a full disk
gives a clear error before the computation where it can be known, and a clear
error and no file where it cannot.
"""
import os
import resource
import signal
import socket
import subprocess
import tempfile
import time
import unittest

EXE = os.environ.get("GROUNDSWELL", "groundswell")
TIMEOUT = 120
# One thread: the CI machine is shared and results do not depend on threads.
ENV = dict(os.environ, OMP_NUM_THREADS="1")

SCENARIO = """name: safety
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


def write_scenario(directory, steps=300, replicates=2, population=3000, compression=4, every=5):
    path = os.path.join(directory, "s.yaml")
    with open(path, "w") as f:
        f.write(SCENARIO.format(steps=steps, replicates=replicates, population=population,
                                compression=compression, every=every))
    return path


def host():
    return socket.gethostname().replace("/", "_").replace("-", "_")


def mount_tmpfs(directory, options):
    """Mounts a tmpfs (root only); returns False where that is not allowed."""
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", directory], capture_output=True)
    return done.returncode == 0


class OutputSafety(unittest.TestCase):
    def run_cli(self, *args, **kw):
        return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=TIMEOUT, env=ENV, **kw)

    def test_sigkill_then_resume_gives_identical_file(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            full, part = os.path.join(d, "full.h5"), os.path.join(d, "part.h5")
            done = self.run_cli("run", scenario, "-o", full, "--quiet")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertFalse(os.path.exists(full + ".checkpoint"), "a finished run removes its checkpoint")

            # Stale temporaries: one of a dead process on this host (to go),
            # one of a live process and one of another host (to stay).
            dead = subprocess.Popen(["true"])
            dead.wait()
            stale = os.path.join(d, f".part.h5.tmp-{host()}-{dead.pid}")
            live = os.path.join(d, f".part.h5.tmp-{host()}-{os.getpid()}")
            other = os.path.join(d, ".part.h5.tmp-otherhost-1")
            for p in (stale, live, other):
                open(p, "w").close()

            proc = subprocess.Popen([EXE, "run", scenario, "-o", part, "--quiet"], stderr=subprocess.PIPE, env=ENV)
            deadline = time.monotonic() + TIMEOUT
            while not os.path.exists(part + ".checkpoint") and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertIsNone(proc.poll(), "the run ended before it could be killed; make it longer")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            proc.stderr.close()
            self.assertFalse(os.path.exists(part), "a killed run must leave nothing at the target")
            self.assertTrue(os.path.exists(part + ".checkpoint"))

            done = self.run_cli("run", scenario, "-o", part, "--resume")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("resuming after step", done.stderr)
            diff = subprocess.run(["h5diff", full, part], capture_output=True, text=True)
            self.assertEqual(diff.returncode, 0, "resumed file differs:\n" + diff.stdout + diff.stderr)
            self.assertEqual(sorted(os.listdir(d)),
                             sorted(["s.yaml", "full.h5", "part.h5", os.path.basename(live), os.path.basename(other)]))

    def test_resume_with_another_scenario_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            out = os.path.join(d, "out.h5")
            proc = subprocess.Popen([EXE, "run", scenario, "-o", out, "--quiet"], env=ENV)
            while not os.path.exists(out + ".checkpoint") and proc.poll() is None:
                time.sleep(0.01)
            self.assertIsNone(proc.poll())
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            done = self.run_cli("run", scenario, "-o", out, "--resume", "--set", "seed=6")
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertIn("different scenario", done.stderr)
            self.assertFalse(os.path.exists(out))

    def test_unwritable_directory_fails_before_computing(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d)
            target = os.path.join(d, "ro")
            os.mkdir(target)
            mounted = mount_tmpfs(target, "ro,size=64k")
            try:
                if not mounted:
                    if os.geteuid() == 0:
                        self.skipTest("root, and no read-only tmpfs could be mounted")
                    os.chmod(target, 0o555)
                done = self.run_cli("run", scenario, "-o", os.path.join(target, "out.h5"))
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("cannot write in directory", done.stderr)
                self.assertNotIn("building", done.stderr, "the error must come before the computation")
            finally:
                if mounted:
                    subprocess.run(["umount", target])

    def test_too_little_space_fails_before_computing(self):
        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=2000, replicates=10)
            target = os.path.join(d, "small")
            os.mkdir(target)
            if not mount_tmpfs(target, "size=64k"):
                self.skipTest("mounting a small tmpfs needs root")
            try:
                done = self.run_cli("run", scenario, "-o", os.path.join(target, "out.h5"))
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("the output needs about", done.stderr)
                self.assertNotIn("building", done.stderr)
                self.assertEqual(os.listdir(target), [])
            finally:
                subprocess.run(["umount", target])

    def test_disk_full_while_writing_leaves_no_file(self):
        # A file-size limit makes writes fail (EFBIG) as a full disk would,
        # after the up-front space check has passed; works without root.
        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))

        with tempfile.TemporaryDirectory() as d:
            scenario = write_scenario(d, steps=300, replicates=5, population=1000, compression=0, every=0)
            out = os.path.join(d, "out.h5")
            done = subprocess.run([EXE, "run", scenario, "-o", out, "--quiet"], capture_output=True, text=True,
                                  timeout=TIMEOUT, preexec_fn=limit, env=ENV)
            self.assertEqual(done.returncode, 1, done.stderr)  # exactly: a signal must not pass
            self.assertIn("no space left on device", done.stderr)
            self.assertIn(out, done.stderr)
            self.assertIn("nothing was left at", done.stderr)
            self.assertEqual(len([l for l in done.stderr.splitlines() if l.startswith("error:")]), 1, done.stderr)
            self.assertEqual(sorted(os.listdir(d)), ["s.yaml"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
