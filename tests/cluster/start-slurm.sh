#!/usr/bin/env bash
# A real single-node SLURM on this machine, for the cluster test (tests/test_cluster.py).
# Installs Debian's slurm-wlm and munge (as root), writes a one-node slurm.conf, starts munged,
# slurmctld and slurmd. No accounting database: the workflow profile asks the executor plugin for
# squeue-based job status (without accounting sacct says "accounting storage is disabled", and
# Snakemake then waits forever). Idempotent: a running cluster is left as it is.
set -euo pipefail

if sinfo -h >/dev/null 2>&1 && [ "$(sinfo -h -o %T | head -1)" = "idle" ]; then
    echo "start-slurm: a cluster is already up"; exit 0
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemAvailable/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
conf=/etc/slurm/slurm.conf
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
cat > "$conf" <<CONF
ClusterName=medroutes
SlurmctldHost=$host
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmUser=root
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# Debian's postinst creates the munge key but starts no daemon
[ -f /etc/munge/munge.key ] || /usr/sbin/mungekey --create >/dev/null 2>&1 || true
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 30); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
    [ "$state" = "idle" ] && { echo "start-slurm: node $host idle ($cpus CPUs, $mem MB)"; exit 0; }
    sleep 1
done
echo "start-slurm: the node did not become idle (state: ${state:-none}); see /var/log/slurm/" >&2
exit 1
