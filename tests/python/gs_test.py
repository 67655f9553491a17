"""Shared helpers for the Python tests: where the executable and sources are,
and running it on a small version of a shipped scenario."""
import os
import subprocess
import tempfile

SOURCE_DIR = os.environ.get("GROUNDSWELL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXE = os.environ.get("GROUNDSWELL", os.path.join(SOURCE_DIR, "build", "groundswell"))


def scenario(*parts):
    return os.path.join(SOURCE_DIR, "scenarios", *parts)


def groundswell(*args, check=True, timeout=600):
    """Run the executable; return the CompletedProcess (text mode)."""
    result = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"groundswell {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr}")
    return result


def temp_dir():
    return tempfile.TemporaryDirectory(prefix="gs-test-")
