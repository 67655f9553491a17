#!/bin/bash
# Submits a sweep as a Slurm job array (one task per member) plus a final job
# that runs once the array has ended: it reruns any member that failed or
# was lost and writes OUT_DIR/index.h5 and index.csv. Prints both job ids.
#   scripts/slurm/submit_array.sh SWEEP.yaml OUT_DIR [extra sbatch options for the array]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sweep=${1:?usage: submit_array.sh SWEEP.yaml OUT_DIR [sbatch options]}
out=${2:?usage: submit_array.sh SWEEP.yaml OUT_DIR [sbatch options]}
shift 2
groundswell=${GROUNDSWELL:-groundswell}
members=$("$groundswell" sweep "$sweep" --list | wc -l)
mkdir -p "$out"
array=$(sbatch --parsable --array=0-$((members - 1)) "$@" "$here/sweep_array.sbatch" "$sweep" "$out")
final=$(sbatch --parsable --dependency=afterany:"$array" --job-name=groundswell-index --ntasks=1 \
  --cpus-per-task=1 --output="groundswell-index-%j.out" \
  --wrap="HDF5_USE_FILE_LOCKING=FALSE OMP_NUM_THREADS=1 '$groundswell' sweep '$sweep' --out-dir '$out' --resume")
echo "$array $final"
