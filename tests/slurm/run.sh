#!/usr/bin/env bash
# Runs the Slurm example scripts (scripts/slurm/) under a real single-node
# Slurm started here: slurmctld + slurmd on 127.0.0.1, random free ports,
# auth/none, state in a temporary directory, stopped on exit. Checks that the
# MPI batch job and the job array both produce member files identical to a
# serial sweep, and an index. Needs root (slurmd) and Debian's slurm-wlm
# (installed by scripts/deps when missing). Usage: tests/slurm/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/slurm/run.sh: SKIPPED (slurmd must run as root here)" >&2
  exit 0
fi
"$root/scripts/deps" slurm-wlm
exe=${GROUNDSWELL:-$(BUILD_DIR=${BUILD_DIR:-$root/build} "$root/scripts/build")}
sweep="$root/scenarios/sweeps/small_town.yaml"

work=$(mktemp -d /tmp/gs-slurm-XXXXXX)
stop() {
  for d in slurmd slurmctld; do
    [ -f "$work/$d.pid" ] && kill "$(cat "$work/$d.pid")" 2>/dev/null || true
  done
  sleep 1
  for d in slurmd slurmctld; do
    [ -f "$work/$d.pid" ] && kill -9 "$(cat "$work/$d.pid")" 2>/dev/null || true
  done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap stop EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log "$work"/jobs/*.out; do [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; }; done >&2; exit 1; }

read -r ctl_port node_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
mkdir -p "$work/state" "$work/spool" "$work/jobs"
cat > "$work/slurm.conf" <<CONF
ClusterName=groundswelltest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# Below the small sweep's 6 members, so submit_array.sh must split it into two arrays.
MaxArraySize=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=4 RealMemory=8000 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node did not become idle (state '$state')"

# Reference: the same sweep run serially, outside Slurm.
"$exe" sweep "$sweep" --out-dir "$work/serial" -q >/dev/null
members=$("$exe" sweep "$sweep" --list | awk '{print $2}')

same_as_serial() {
  local dir=$1
  for m in $members; do
    h5diff "$work/serial/$m.h5" "$dir/$m.h5" /timeseries /timeseries >/dev/null || fail "$dir/$m.h5 differs from the serial run"
  done
  [ -f "$dir/index.h5" ] && [ -f "$dir/index.csv" ] || fail "$dir: no index"
  [ "$(grep -c ',done' "$dir/index.csv")" = "$(echo "$members" | wc -l)" ] || fail "$dir/index.csv: not all done"
}

# Memory per member from the scenario: the full UK needs about 7 GiB, not the scripts' 2G.
GROUNDSWELL="$exe" "$root/scripts/slurm/memory_per_member.sh" "$root/scenarios/policy/uk_10000_organisers.yaml" |
  grep -q -- "--mem=8G" || fail "memory_per_member.sh: expected --mem=8G for the full UK"

cd "$work/jobs"
export GROUNDSWELL="$exe" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The batch scripts pass their own checks at submission time too.
sbatch --test-only "$root/scripts/slurm/sweep_mpi.sbatch" x y 2>&1 | grep -q "to start" || fail "sbatch --test-only sweep_mpi.sbatch"

# MPI mode: 3 ranks of 1 CPU.
sbatch --wait --time=5 "$root/scripts/slurm/sweep_mpi.sbatch" "$sweep" "$work/mpi" >/dev/null || fail "MPI batch job failed"
same_as_serial "$work/mpi"
echo "slurm: MPI batch job ok"

# Job-array mode: one task per member (split at MaxArraySize, throttled), then the index job.
read -r -a ids < <(GROUNDSWELL_THROTTLE=2 GROUNDSWELL_INDEX_TIME=5 GROUNDSWELL_INDEX_MEM=500M \
  "$root/scripts/slurm/submit_array.sh" "$sweep" "$work/array" --time=5 --cpus-per-task=1)
[ "${#ids[@]}" = 3 ] || fail "expected two arrays (MaxArraySize=5, 6 members) and the index job, got: ${ids[*]}"
jobs=$(IFS=,; echo "${ids[*]}")
scontrol show job "${ids[0]}" | grep -q "ArrayTaskThrottle=2" || fail "array not throttled (GROUNDSWELL_THROTTLE=2)"
for _ in $(seq 1 240); do
  squeue -h -j "$jobs" 2>/dev/null | grep -q . || break
  sleep 0.5
done
squeue -h -j "$jobs" 2>/dev/null | grep -q . && fail "array jobs still queued or running"
[ "$(ls "$work/jobs"/groundswell-member-*.out | wc -l)" = "$(echo "$members" | wc -l)" ] || fail "one output per array task"
same_as_serial "$work/array"
echo "slurm: job array ok"

# srun instead of mpirun, where this Slurm has a PMIx plugin for Open MPI.
if srun --mpi=list 2>&1 | grep -qw pmix; then
  sbatch --wait --time=5 "$root/scripts/slurm/sweep_srun.sbatch" "$sweep" "$work/srun" >/dev/null ||
    fail "srun batch job failed"
  same_as_serial "$work/srun"
  echo "slurm: srun batch job ok"
else
  echo "slurm: srun variant SKIPPED (no pmix in srun --mpi=list: $(srun --mpi=list 2>&1 | tr '\n' ' '))"
fi
echo "ok"
