"""The bad-input catalogue (tests/data/bad/MANIFEST.tsv): every entry, given to
`groundswell validate` and to `groundswell run -o`, must exit with code 2 and
one error message naming the file (or --set argument), the line and the key,
without crashing, hanging or leaving an output file. Two hostile inputs are
made at test time rather than committed: a 100 MB file and 10,000-deep nesting.
"""
import os
import shlex
import subprocess
import sys
import tempfile
import unittest

EXE = os.environ.get("GROUNDSWELL", "groundswell")
SOURCE = os.environ.get("GROUNDSWELL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BAD = os.path.join(SOURCE, "tests", "data", "bad")
TIMEOUT = 30  # seconds; a hang is a failure, not a slow pass
OUT_FLAG = {"sweep": "--out-dir"}  # a command's output option, when not -o


def read_manifest():
    entries = []
    with open(os.path.join(BAD, "MANIFEST.tsv"), encoding="utf-8") as f:
        header = None
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if header is None:
                header = fields
                continue
            entries.append(dict(zip(header, fields)))
    return entries


def feature_available(feature):
    """'command:sweep' or 'graph:edgelist': registered in this build?"""
    kind, name = feature.split(":", 1)
    args = [EXE, name, "--help"] if kind == "command" else [EXE, "models", name]
    done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    return done.returncode == 0


class BadInput(unittest.TestCase):
    def check_rejected(self, args, path, key, line, expect_file=None, outdir=None):
        """Runs args; checks exit code 2, one clear message and no output."""
        try:
            done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"{shlex.join(args)}: no answer within {TIMEOUT} s (hang)")
        err = done.stderr.decode("utf-8", "replace")
        where = f"{shlex.join(args)}\nstderr: {err}"
        self.assertEqual(done.returncode, 2, where)
        messages = [l for l in err.splitlines() if l.startswith("error:") or l.startswith("groundswell")]
        self.assertEqual(len(messages), 1, "expected exactly one error message\n" + where)
        message = messages[0]
        for crash in ("terminate called", "Assertion", "Sanitizer", "Segmentation", "Traceback"):
            self.assertNotIn(crash, err, where)
        if "--set" in args:
            self.assertIn("--set", message, where)
        else:
            named = expect_file or os.path.basename(path)
            self.assertIn(named, message, where)
            if line != "-":
                self.assertIn(f"{named}:{line}:", message, where)
        if key != "-":
            self.assertIn(key, message, where)
        if outdir is not None:
            self.assertEqual(sorted(os.listdir(outdir)), [], "files left in the output directory\n" + where)

    def run_both(self, path, key, line, extra=(), expect_file=None, commands="both"):
        if commands == "both":
            self.check_rejected([EXE, "validate", path, *extra], path, key, line, expect_file)
        with tempfile.TemporaryDirectory() as out:
            args = [EXE, "run", path, "-o", os.path.join(out, "out.h5"), "--quiet", *extra]
            self.check_rejected(args, path, key, line, expect_file, outdir=out)

    def test_catalogue(self):
        entries = read_manifest()
        self.assertGreaterEqual(len(entries), 40)
        cache = {}
        skipped = []
        for e in entries:
            with self.subTest(file=e["file"]):
                path = os.path.join(BAD, e["file"])
                feature = e["feature"]
                if feature != "-":
                    if feature not in cache:
                        cache[feature] = feature_available(feature)
                    if not cache[feature]:
                        skipped.append(e["file"])
                        print(f"skip {e['file']}: needs {feature}, not registered in this build", file=sys.stderr)
                        continue
                extra = shlex.split(e["args"]) if e["args"] != "-" else []
                expect_file = e["expect_file"] if e["expect_file"] != "-" else None
                if feature.startswith("command:"):
                    command = feature.split(":", 1)[1]
                    with tempfile.TemporaryDirectory() as out:
                        target = os.path.join(out, "out")
                        args = [EXE, command, path, OUT_FLAG.get(command, "-o"), target, *extra]
                        self.check_rejected(args, path, e["key"], e["line"], expect_file, outdir=out)
                else:
                    self.run_both(path, e["key"], e["line"], extra, expect_file, e.get("commands", "both"))
        print(f"{len(entries) - len(skipped)} of {len(entries)} catalogue entries checked", file=sys.stderr)

    def test_100_megabyte_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "huge.yaml")
            with open(path, "w") as f:
                f.write("name: huge\ndescription: ")
                chunk = "x" * (1 << 20)
                for _ in range(100):
                    f.write(chunk)
                f.write("\n")
            self.run_both(path, "-", "-")

    def test_10000_deep_flow_nesting(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deep_flow.yaml")
            with open(path, "w") as f:
                f.write("name: deep\nsteps: " + "[" * 10000 + "]" * 10000 + "\n")
            self.run_both(path, "steps", 2)

    def test_10000_deep_block_nesting(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deep_block.yaml")
            with open(path, "w") as f:
                f.write("name: deep\nmodel:\n")
                for depth in range(1, 10001):
                    f.write(" " * depth + f"k{depth}:\n")
            self.run_both(path, "-", "-")  # 50 MB of indentation: refused for its size

    def test_3000_deep_block_nesting(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deep_block.yaml")
            with open(path, "w") as f:
                f.write("name: deep\nmodel:\n")
                for depth in range(1, 3001):
                    f.write(" " * depth + f"k{depth}:\n")
            # Line 2 is level 1, so line 66 is the first deeper than the 64 allowed.
            self.run_both(path, "model.k1.k2", 66)

    def test_10000_deep_compact_sequences(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deep_dash.yaml")
            with open(path, "w") as f:
                f.write("name: deep\nsteps:\n  " + "- " * 10000 + "1\n")
            self.run_both(path, "steps", 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
