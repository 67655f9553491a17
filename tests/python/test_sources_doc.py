#!/usr/bin/python3
"""docs/sources.md covers every parameter of the organising model and the
community graph (by its full name or its group, such as `model.leaders.*`),
and every shipped policy scenario cites it instead of a file outside the
repository."""
import glob
import os
import re
import subprocess
import unittest

GS = os.environ["GROUNDSWELL"]
SRC = os.environ["GROUNDSWELL_SOURCE_DIR"]


def parameter_names(kind):
    """Parameter names as `groundswell models KIND` lists them (metrics excluded)."""
    text = subprocess.run([GS, "models", kind], capture_output=True, text=True, check=True).stdout
    names = []
    for line in text.splitlines():
        m = re.match(r"  ([a-z_][a-z0-9_.\[\]]*) \((integer|number|choice|boolean|text|list|path|records)", line)
        if m:
            names.append(m.group(1))
    return names


class SourcesDoc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SRC, "docs", "sources.md"), encoding="utf-8") as f:
            cls.doc = f.read()

    def covered(self, name):
        if f"`{name}`" in self.doc or f"{name}`" in self.doc or f"`model.{name}`" in self.doc:
            return True
        group = name.split(".")[0].replace("[]", "")
        return f"model.{group}.*" in self.doc or f"{group}.*" in self.doc

    def test_every_parameter_has_a_row(self):
        for kind in ("organising", "community"):
            names = parameter_names(kind)
            self.assertGreater(len(names), 5, f"could not read the parameters of {kind}")
            # A cohort's fields (organisers.cohorts[].kind) are listed by their own name.
            missing = [n for n in names if not self.covered(n.replace("organisers.cohorts[].", ""))]
            self.assertEqual(missing, [], f"{kind}: parameters without a source in docs/sources.md")

    def test_the_check_can_fail(self):
        self.assertFalse(self.covered("no_such_parameter_anywhere"))

    def test_scenarios_cite_the_repository(self):
        for path in glob.glob(os.path.join(SRC, "scenarios", "policy", "*.yaml")):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertIn("docs/sources.md", text, path)
            self.assertNotIn("PARAMETERS.md", text, path)
            self.assertNotIn("/work/", text, path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
