#!/usr/bin/python3
"""Runs the Python snippets of docs/analysis.md, in order and sharing one
namespace as a reader would in a notebook, on two small real runs named as in
the document. Also checks that report.py names the apt packages when h5py or
matplotlib is missing."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

GS = os.environ["GROUNDSWELL"]
SRC = os.environ["GROUNDSWELL_SOURCE_DIR"]
SMALL = ["--set", "population_scale=0.3", "--set", "steps=10", "--set", "replicates=3", "-q", "--threads", "1"]


def main():
    with open(os.path.join(SRC, "docs", "analysis.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) >= 5, f"expected the Python snippets in docs/analysis.md, found {len(blocks)}"
    work = tempfile.mkdtemp(prefix="gs_test_docs_")
    try:
        for n in ("1000", "10000"):
            subprocess.run([GS, "run", os.path.join(SRC, "scenarios", "policy", f"town_{n}_organisers.yaml"),
                            "-o", os.path.join(work, f"town_{n}.h5"), *SMALL], check=True)
        with open(os.path.join(work, "town_1000.csv"), "w") as out:
            subprocess.run([GS, "export", os.path.join(work, "town_1000.h5"), "--format", "csv"], stdout=out, check=True)
        os.chdir(work)
        namespace = {}
        for i, block in enumerate(blocks, 1):
            print(f"--- snippet {i}", flush=True)
            exec(compile(block, f"docs/analysis.md python snippet {i}", "exec"), namespace)

        # report.py without site packages (so without h5py): a clear message with the apt command, exit 3.
        r = subprocess.run([sys.executable, "-S", os.path.join(SRC, "analysis", "report.py"), "--data", "x", "-o", "x", "y"],
                           capture_output=True, text=True)
        assert r.returncode == 3, (r.returncode, r.stderr)
        assert "apt-get install python3-h5py" in r.stderr, r.stderr
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
