#!/usr/bin/env bash
# Run a command against a throwaway one-node SLURM cluster:
#
#   bash .ci/slurm_cluster.sh COMMAND [ARGS...]
#
# The cluster is Debian's SLURM 22.05 (slurmctld, slurmd, client) with munge and no
# accounting database, like a small lab cluster: `sacct` answers "accounting storage is
# disabled". Its config, munge key, state and logs live in a fresh temporary folder;
# COMMAND runs with SLURM_CONF pointing there. munged, slurmctld and slurmd run as
# background processes of this script. On exit (success, failure or signal) COMMAND's
# process group is ended if it still runs, jobs still on the cluster are cancelled, exactly
# the three daemons are stopped, by their process ids, and the folder is removed
# (KEEP_SLURM_DIR=1 keeps it). Ports are picked free, so clusters can run side by side.
#
# Node: SLURM_NODE_CPUS CPUs (default: this machine's) and no GPU, so a job that asks for
# one is refused, as on CPU-only clusters. Partitions `cpu` (default) and `gpu`, named as in
# profiles/slurm/partitions.yaml. CPUs and memory are declared, not detected
# (SlurmdParameters=config_overrides): RealMemory is 128 GB so that the profile's
# paper-scale memory requests are accepted; nothing enforces it (no cgroups), and
# config/test.yaml's jobs need < 2 GB.
# Finished jobs stay visible to `squeue --states=all` for MinJobAge seconds and every job is
# recorded in a job-completion file (`scontrol show config | grep JobCompLoc`).
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
    if ! command -v "$tool" >/dev/null; then
        echo "$0: '$tool' not found; install Debian's SLURM and munge" \
            "(apt-get install slurmctld slurmd slurm-client munge, or make test-slurm)" >&2
        exit 2
    fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/slurm-cluster.XXXXXX")
pids=()   # the daemons, in start order
cmd=""    # the command's pid

stop() {
    local rc=$? pid i
    trap - EXIT INT TERM
    # The command first (on a signal it may still run): its own process group, so Snakemake
    # under pytest stops too. Then its jobs: slurmstepd outlives slurmd, so running jobs are
    # cancelled through SLURM before the daemons stop.
    if [[ -n $cmd ]] && kill -0 -- "-$cmd" 2>/dev/null; then
        kill -TERM -- "-$cmd" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 -- "-$cmd" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$cmd" 2>/dev/null || true
    fi
    [[ -n $cmd ]] && { wait "$cmd" 2>/dev/null || true; }
    if [[ ${#pids[@]} -eq 3 ]] && [[ -n $(squeue -h 2>/dev/null) ]]; then
        scancel --user="$user" 2>/dev/null || true
        for _ in $(seq 100); do
            [[ -z $(squeue -h 2>/dev/null) ]] && break
            sleep 0.2
        done
    fi
    # Then the daemons this script started, newest first, by pid only.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ $rc -ne 0 ]]; then
        for log in "$dir"/log/*.log; do
            [[ -s $log ]] && { echo "--- tail of $log" >&2; tail -n 20 "$log" >&2; }
        done
    fi
    if [[ ${KEEP_SLURM_DIR:-0} == 1 ]]; then
        echo "$0: cluster folder kept: $dir" >&2
    else
        rm -rf "$dir"
    fi
    exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

user=$(id -un)
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir"/munge
host=$(hostname -s)
read -r ctld_port slurmd_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
')

# munge: a fresh key and socket for this cluster only.
head -c 1024 /dev/urandom >"$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged --foreground --force --key-file="$dir/munge/munge.key" \
    --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
    --seed-file="$dir/munge/munged.seed" --log-file="$dir/log/munged.log" \
    >"$dir/log/munged.out" 2>&1 &
pids+=($!)

cpus=${SLURM_NODE_CPUS:-$(nproc)}
cat >"$dir/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SchedulerParameters=batch_sched_delay=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=128000 State=UNKNOWN
PartitionName=cpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$host MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf

# snakemake-executor-plugin-slurm-jobstep (<= 0.6.1) removes SLURM_CONF from the environment
# of the `srun` it runs inside each job, which then cannot find a config that is not at
# SLURM's default path; this `srun`, first on PATH, puts it back.
mkdir -p "$dir/bin"
printf '#!/bin/sh\nSLURM_CONF=%q exec %q "$@"\n' "$SLURM_CONF" "$(command -v srun)" >"$dir/bin/srun"
chmod +x "$dir/bin/srun"
export PATH=$dir/bin:$PATH

for _ in $(seq 50); do [[ -S $dir/munge/munge.socket ]] && break; sleep 0.2; done
slurmctld -D -c -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$dir/log/slurmd.out" 2>&1 &
pids+=($!)

# Ready when the node is idle.
ready=0
for _ in $(seq 120); do
    if [[ $(sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1) == idle ]]; then
        ready=1
        break
    fi
    sleep 0.5
done
if [[ $ready -ne 1 ]]; then
    echo "$0: the SLURM node did not come up within 60 s" >&2
    sinfo >&2 || true
    exit 1
fi
echo "$0: one-node SLURM cluster up ($SLURM_CONF; pids ${pids[*]})" >&2

# In the background and in a process group of its own, so that a signal to this script is
# handled at once and `stop` can end the command with everything it started.
setsid "$@" &
cmd=$!
wait "$cmd"
