"""Bad sweep files exit with code 2 and name file:line:column and the key:
errors in the sweep file point at its line, errors in the base scenario at
the base file's line. Also zip, samples (Latin hypercube) and inline bases."""
import os
import shutil

from sweep_helpers import expect, sweep, tempdir

work = tempdir()
base = os.path.join(work, "base.yaml")
with open(base, "w") as f:
    f.write("name: tiny\nseed: 5\nsteps: 3\ngraph: {type: community, population: 500}\nmodel:\n  type: organising\n")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def position(text, line_no, needle):
    """1-based line:column of `needle` on line `line_no` (1-based) of text."""
    line = text.splitlines()[line_no - 1]
    return f"{line_no}:{line.index(needle) + 1}"


def fails(path, *messages):
    out = sweep([path, "--list"], check=False)
    expect(out.returncode == 2, f"{path}: exit {out.returncode}, stderr {out.stderr}")
    for m in messages:
        expect(m in out.stderr, f"{path}: expected {m!r} in {out.stderr!r}")


# A swept value out of range: the sweep file's line and column of that value.
text = "base: base.yaml\nsweep:\n  model.organisers.count: [0, 5, -5]\n"
fails(write("range.yaml", text), f"range.yaml:{position(text, 3, '-5')}: model.organisers.count:", "out of range")

# A misspelt parameter path: the sweep file's line, with a suggestion.
text = "base: base.yaml\nsweep:\n  model.organisers.cuont: [1, 2]\n"
fails(write("path.yaml", text), "path.yaml:3:", "model.organisers.cuont", "did you mean")

# A misspelt sweep key.
text = "base: base.yaml\nswep:\n  steps: [1, 2]\n"
fails(write("key.yaml", text), "key.yaml:2:1: swep: unknown key", "did you mean 'sweep'")

# An error in the base file points at the base file's line.
bad_base = write("bad_base.yaml", "name: tiny\nsteps: 3\nstpes: 4\ngraph: {type: community}\nmodel: {type: organising}\n")
fails(write("uses_bad_base.yaml", "base: bad_base.yaml\nsweep:\n  steps: [1, 2]\n"), "bad_base.yaml:3:1: stpes: unknown key")

# An inline base keeps the sweep file's lines and columns.
text = "sweep:\n  steps: [1, 2]\nbase:\n  name: inline\n  graph: {type: community, population: 400}\n  model: {type: organisng}\n"
fails(write("inline.yaml", text), f"inline.yaml:{position(text, 6, 'organisng')}: model.type", "did you mean 'organising'")

# zip lists must have equal lengths; the second list's line is named.
text = "base: base.yaml\nzip:\n  steps: [1, 2, 3]\n  replicates: [1, 2]\n"
fails(write("zip.yaml", text), "zip.yaml:4:", "zip.replicates", "equal lengths")

# A missing base file: the sweep file's line of base:.
fails(write("nobase.yaml", "base: missing.yaml\nsweep: {steps: [1]}\n"), "nobase.yaml:1:7: base:", "cannot read")

# replicates: override validated at its own line.
fails(write("reps.yaml", "base: base.yaml\nreplicates: 0\n"), "reps.yaml:2:13: replicates:", "out of range")

# A parameter both overridden and swept.
fails(write("twice.yaml", "base: base.yaml\nreplicates: 2\nsweep:\n  replicates: [1, 2]\n"), "twice.yaml:4:3: replicates:",
      "given twice")

# A valid file: grid x zip in row-major order (last axis fastest).
text = "base: base.yaml\nsweep:\n  steps: [1, 2]\nzip:\n  replicates: [1, 3]\n  model.organisers.count: [0, 7]\n"
out = sweep([write("ok.yaml", text), "--list"]).stdout.splitlines()
values = [" ".join(w for w in line.split()[2:] if not w.startswith("seed=")) for line in out]
expect(values == ["steps=1 replicates=1 model.organisers.count=0", "steps=1 replicates=3 model.organisers.count=7",
                  "steps=2 replicates=1 model.organisers.count=0", "steps=2 replicates=3 model.organisers.count=7"],
       f"grid x zip order: {values}")
expect([line.split()[0] for line in out] == ["0", "1", "2", "3"], "indices")

# Latin hypercube: n points, exactly one in each of n equal strata per dimension.
text = ("base: base.yaml\nsamples:\n  n: 8\n  method: latin_hypercube\n  seed: 11\n  ranges:\n"
        "    model.reinforcement: [0.2, 0.6]\n    model.weekly_dropout: [0, 0.08]\n")
out = sweep([write("lhs.yaml", text), "--list"]).stdout.splitlines()
expect(len(out) == 8, f"8 samples expected: {out}")
for path, lo, hi in [("model.reinforcement", 0.2, 0.6), ("model.weekly_dropout", 0.0, 0.08)]:
    xs = [float(w.split("=")[1]) for line in out for w in line.split() if w.startswith(path + "=")]
    strata = sorted(int((x - lo) / (hi - lo) * 8) for x in xs)
    expect(strata == list(range(8)), f"{path}: strata {strata} of {xs}")
# Same file, same members (names, values and seeds are stable).
expect(sweep([os.path.join(work, "lhs.yaml"), "--list"]).stdout.splitlines() == out, "listing not stable")
shutil.rmtree(work)
print("ok")
