#!/bin/bash
# Suggests the memory one member needs, from a scenario (and any --set
# overrides), for sbatch --mem (job arrays) or --mem-per-cpu x --cpus-per-task
# (MPI ranks). For a sweep, give its base scenario with the sweep's largest
# population. Peak memory is about 30 MB plus 100 bytes per person with the
# community graph's defaults (measured: town 136,500 about 30-40 MB, UK at 1%
# 79 MB, full UK 6.3 GiB; docs/cluster.md); this adds 10% and rounds up to
# whole GiB.
#   scripts/slurm/memory_per_member.sh scenarios/policy/uk_10000_organisers.yaml [--set key=value ...]
set -euo pipefail
scenario=${1:?usage: memory_per_member.sh SCENARIO.yaml [--set key=value ...]}
shift
groundswell=${GROUNDSWELL:-groundswell}
"$groundswell" validate "$scenario" "$@" --resolved | /usr/bin/python3 -c '
import math, sys, yaml
s = yaml.safe_load(sys.stdin)
graph = s.get("graph", {})
people = graph.get("population", graph.get("nodes"))
if people is None:
    sys.exit("memory_per_member.sh: the graph has no population or nodes (an edge list?): measure a run with /usr/bin/time -v")
people = round(people * s.get("population_scale", 1.0))
need = (30e6 + 100 * people) * 1.1
gib = max(1, math.ceil(need / 2**30))
print(f"{people} people: about {need / 2**30:.2f} GiB per member; ask for --mem={gib}G")
'
