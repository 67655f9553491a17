#!/bin/bash
# Submits a sweep as Slurm job arrays (one task per member) plus a final job
# that runs once they have ended: it reruns any member that failed or was lost
# and writes OUT_DIR/index.h5 and index.csv. Prints the array job id(s) and
# the final job's id, space-separated (the final id last).
#   scripts/slurm/submit_array.sh SWEEP.yaml OUT_DIR [extra sbatch options for the arrays]
# Environment:
#   GROUNDSWELL_THROTTLE=N     run at most N tasks of an array at once (--array=...%N)
#   GROUNDSWELL_INDEX_TIME     --time of the final job (default 02:00:00: it may rerun lost members)
#   GROUNDSWELL_INDEX_MEM      --mem of the final job (default 4G; raise it to one member's memory
#                              when members are large, see docs/cluster.md)
# Sweeps with more members than the site's MaxArraySize allows in one array
# are split into several arrays (each task adds its array's offset).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sweep=${1:?usage: submit_array.sh SWEEP.yaml OUT_DIR [sbatch options]}
out=${2:?usage: submit_array.sh SWEEP.yaml OUT_DIR [sbatch options]}
shift 2
groundswell=${GROUNDSWELL:-groundswell}
members=$("$groundswell" sweep "$sweep" --list | wc -l)
[ "$members" -gt 0 ] || { echo "submit_array.sh: $sweep has no members" >&2; exit 2; }
# Array indices must stay below MaxArraySize (Slurm's default 1001).
max=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" {print $3}')
max=${max:-1001}
chunk=$((max - 1))
throttle=${GROUNDSWELL_THROTTLE:+%$GROUNDSWELL_THROTTLE}
mkdir -p "$out"
arrays=()
for ((offset = 0; offset < members; offset += chunk)); do
  last=$((members - offset < chunk ? members - offset - 1 : chunk - 1))
  arrays+=("$(sbatch --parsable --array=0-"$last$throttle" --export=ALL,GROUNDSWELL_MEMBER_OFFSET="$offset" \
    "$@" "$here/sweep_array.sbatch" "$sweep" "$out")")
done
dependency=afterany$(printf ':%s' "${arrays[@]}")
final=$(sbatch --parsable --dependency="$dependency" --job-name=groundswell-index --ntasks=1 \
  --cpus-per-task=1 --time="${GROUNDSWELL_INDEX_TIME:-02:00:00}" --mem="${GROUNDSWELL_INDEX_MEM:-4G}" \
  --output="groundswell-index-%j.out" \
  --wrap="HDF5_USE_FILE_LOCKING=FALSE OMP_NUM_THREADS=1 '$groundswell' sweep '$sweep' --out-dir '$out' --resume")
echo "${arrays[*]} $final"
