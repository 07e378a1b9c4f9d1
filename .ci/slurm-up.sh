#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (CI runs as root), for test/sweep/slurm.test.ts:
# installs Debian's slurmctld, slurmd, slurm-client and munge when missing, writes a munge key and a
# slurm.conf naming this host as controller and node (with its CPU count and memory), starts munged,
# slurmctld and slurmd, and waits until `sinfo` shows the node idle. Idempotent: safe to run twice.
set -euo pipefail

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
fi

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)

# munge: a key readable by the munge user only, then the daemon.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

CONF_DIR=/etc/slurm
mkdir -p "$CONF_DIR" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat >"$CONF_DIR/slurm.conf" <<EOF
ClusterName=learndyn-ci
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MaxArraySize=10001
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

if ! pgrep -x slurmctld >/dev/null; then slurmctld; fi
if ! pgrep -x slurmd >/dev/null; then slurmd; fi

for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1 || true)
  if [ "$state" = "idle" ]; then
    echo "slurm: node $HOST idle ($CPUS CPUs, ${MEM_MB} MB)"
    exit 0
  fi
  if [ "$state" = "down" ] || [ "$state" = "drained" ] || [ "$state" = "down*" ]; then
    scontrol update nodename="$HOST" state=resume 2>/dev/null || true
  fi
  sleep 1
done
echo "slurm: node $HOST did not become idle; sinfo:" >&2
sinfo >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
