#!/usr/bin/env bash
# Reproduce the headline of docs/policy.md from scratch: the Big Society
# calibration's posterior, ten-year town sweeps drawn from it that differ
# only in the organisers (1,000 and 10,000 volunteer organisers at UK
# density, none, and the Big Society design; same members, same seeds), and
# their paired comparisons at weeks 104, 260 and 520 (2, 5 and 10 years).
#
#   scripts/policy_uncertainty.sh [RANKS]     # RANKS MPI processes (default 3: rank 0 hands out the work, 2 simulate); 1 runs serially
#
# Outputs under runs/ (runs/calib/bs/posterior.h5, runs/policy/posterior_1000/,
# runs/policy/posterior_10000/), the comparison in runs/policy/compare.txt and
# .csv, national equivalents in runs/policy/national.txt and the figure
# docs/images/policy_uncertainty.png. Interrupted? Run it again: every step
# resumes. Results are bitwise the same for any RANKS. Build first
# (scripts/build or cmake, see README). On two idle cores about 10 minutes
# for the calibration (1,600 simulations of 570,000 people; 35-41 s a
# generation of 100 on a 2-core AMD EPYC VM, 3 Dec 2026) and a few more for
# the sweeps and the rest (docs/policy.md).
#
# scripts/rederive sets these to run it from fresh directories (defaults as above):
#   RUNS=DIR           outputs under DIR instead of runs/ (DIR/calib/bs, DIR/policy)
#   SCENARIOS=DIR      DIR/calibration/big_society.yaml and DIR/sweeps/policy_posterior_*.yaml
#                      instead of scenarios/ (the sweeps must read DIR's posterior)
#   FIGURE=FILE        the figure instead of docs/images/policy_uncertainty.png
#   AT=W1,W2,W3        horizons instead of 104,260,520
#   RUN_ARGS="..."     extra arguments (e.g. --set a=b) for the two default-parameter runs
set -euo pipefail
cd "$(dirname "$0")/.."
ranks="${1:-3}"
gs=${GROUNDSWELL:-build/groundswell}
runs=${RUNS:-runs}
scen=${SCENARIOS:-scenarios}
figure=${FIGURE:-docs/images/policy_uncertainty.png}
at=${AT:-104,260,520}
steps=${at##*,}
# shellcheck disable=SC2206
run_args=(${RUN_ARGS:-})
launch=()
if [[ "$ranks" -gt 1 ]]; then
  launch=(mpirun --oversubscribe -n "$ranks")
  extra=(--mpi --threads 1)
else
  extra=(--threads 1)
fi
resume_if() { [[ -d "$1" ]] && echo --resume || true; }

mkdir -p "$runs/calib" "$runs/policy"
if [[ ! -f "$runs"/calib/bs/posterior.h5 ]]; then
  # shellcheck disable=SC2046
  "${launch[@]}" "$gs" calibrate "$scen/calibration/big_society.yaml" --out-dir "$runs"/calib/bs \
    "${extra[@]}" $(resume_if "$runs"/calib/bs)
fi
for n in 1000 10000 baseline big_society; do
  # shellcheck disable=SC2046
  "${launch[@]}" "$gs" sweep "$scen/sweeps/policy_posterior_$n.yaml" --out-dir "$runs"/policy/posterior_$n \
    "${extra[@]}" $(resume_if "$runs"/policy/posterior_$n)
done
"$gs" compare "$runs"/policy/posterior_1000 "$runs"/policy/posterior_10000 --at "$at" | tee "$runs"/policy/compare.txt
"$gs" compare "$runs"/policy/posterior_1000 "$runs"/policy/posterior_10000 --at "$at" --format csv \
  > "$runs"/policy/compare.csv
# The default-parameter view at the same horizons: the two town scenarios as
# shipped (same seed, 20 replicates), ten years.
for n in 1000 10000; do
  [[ -f "$runs"/policy/defaults_$n.h5 ]] || "$gs" run scenarios/policy/town_${n}_volunteers.yaml \
    -o "$runs"/policy/defaults_$n.h5 --set steps="$steps" --set replicates=20 "${run_args[@]}" --threads 1 --quiet
done
# The same statistics recomputed from the member files, in people nationally,
# and the figure of docs/policy.md.
/usr/bin/python3 scripts/policy_uncertainty.py "$runs"/policy/posterior_1000 "$runs"/policy/posterior_10000 \
  --at "$at" --figure "$figure" \
  --defaults "$runs"/policy/defaults_1000.h5 "$runs"/policy/defaults_10000.h5 | tee "$runs"/policy/national.txt
# Each design against no organisers (same members and seeds), for the national totals.
for n in 1000 10000 big_society; do
  /usr/bin/python3 scripts/policy_uncertainty.py "$runs"/policy/posterior_baseline "$runs"/policy/posterior_$n --at "$at"
done | tee "$runs"/policy/vs_baseline.txt
