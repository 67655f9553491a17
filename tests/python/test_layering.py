#!/usr/bin/python3
"""The layers of cmake/layers.txt hold, and an upward include fails the build.

The source tree must pass scripts/check-layers. A copy of the tree with a graph
generator including the CLI (or the scenario layer) must be refused, by the
checker and by the build itself (the `layering` target every layer library
depends on), naming the file, the line and the layers. The configured copy
also shows each layer compiled only with its own external dependencies: the
graph layer never sees HDF5's headers, the io layer does.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = pathlib.Path(os.environ.get("GROUNDSWELL_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
CHECKER = SRC / "scripts" / "check-layers"
TREE = ["CMakeLists.txt", "cmake", "sim", "models", "analysis", "scripts", "web"]


def check(root):
    return subprocess.run([sys.executable, str(CHECKER), "--root", str(root)], capture_output=True, text=True)


def copy_tree(into):
    for name in TREE:
        source = SRC / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, into / name)


def add_include(path, header):
    """Insert an include after the file's first line; returns its line number."""
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(1, f'#include "{header}"\n')
    path.write_text("".join(lines))
    return 2


class Layering(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = pathlib.Path(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fresh_copy(self, name):
        root = self.root / name
        root.mkdir()
        copy_tree(root)
        return root

    def test_source_tree_keeps_to_its_layers(self):
        r = check(SRC)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("every include within its layer or below", r.stdout)

    def test_graph_including_cli_or_scenario_is_refused(self):
        for header, layer in [("sim/cli/command.hpp", "cli"), ("sim/scenario/scenario.hpp", "scenario"),
                              ("sim/io/output.hpp", "io")]:
            with self.subTest(header=header):
                root = self.fresh_copy(layer)
                self.assertEqual(check(root).returncode, 0, "the untouched copy must pass")
                line = add_include(root / "sim" / "graph" / "ring.cpp", header)
                r = check(root)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn(f"sim/graph/ring.cpp:{line}: layer 'graph' may not include {header} (layer '{layer}')",
                              r.stderr)
                self.assertIn("'graph' may include: core, graph", r.stderr)

    def test_model_including_scenario_and_sweep_including_cli_are_refused(self):
        root = self.fresh_copy("above")
        add_include(root / "models" / "bass.cpp", "sim/scenario/scenario.hpp")
        add_include(root / "sim" / "sweep" / "runner.cpp", "sim/cli/command.hpp")
        r = check(root)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("models/bass.cpp:2: layer 'models' may not include sim/scenario/scenario.hpp", r.stderr)
        self.assertIn("sim/sweep/runner.cpp:2: layer 'sweep' may not include sim/cli/command.hpp", r.stderr)

    def test_wrong_include_fails_the_build(self):
        root = self.fresh_copy("build")
        build = root / "build"
        configure = subprocess.run(["cmake", "-S", str(root), "-B", str(build), "-DGROUNDSWELL_TESTS=OFF",
                                    "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], capture_output=True, text=True)
        self.assertEqual(configure.returncode, 0, configure.stderr)

        # Each layer is compiled with only what it may use: HDF5 is io's.
        commands = json.loads((build / "compile_commands.json").read_text())
        hdf5 = [c["file"] for c in commands if "hdf5" in c["command"]]
        self.assertTrue(any(f.endswith("sim/io/output.cpp") for f in hdf5))
        self.assertFalse([f for f in hdf5 if "/sim/graph/" in f or "/sim/engine/" in f or "/models/" in f])

        ok = subprocess.run(["cmake", "--build", str(build), "--target", "layering"], capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        line = add_include(root / "sim" / "graph" / "erdos_renyi.cpp", "sim/cli/command.hpp")
        # The graph layer's library depends on the check: nothing compiles.
        broken = subprocess.run(["cmake", "--build", str(build), "--target", "layer_graph"], capture_output=True,
                                text=True)
        self.assertNotEqual(broken.returncode, 0)
        self.assertIn(f"sim/graph/erdos_renyi.cpp:{line}: layer 'graph' may not include sim/cli/command.hpp",
                      broken.stdout + broken.stderr)
        self.assertNotIn("Building CXX", broken.stdout)


if __name__ == "__main__":
    unittest.main()
