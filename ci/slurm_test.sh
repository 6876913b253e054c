#!/usr/bin/env bash
# Real SLURM test: a one-node cluster on this machine (munged, slurmctld, slurmd from Debian's munge and
# slurm-wlm, configuration in a temporary folder, loopback only), bench/slurm/score_array.sbatch as a
# 3-task array over sample-images/test with a tiny model, `stad merge-scores`, and a check that
# scores.csv and the maps equal those of one unsharded run, byte for byte. Then a lost shard: the merge
# must name it, and resubmitting that one task must repair the set.
# Every wait is bounded; the daemons are stopped on any exit. Run as root (the daemons run as root).
# Usage: ci/slurm_test.sh [work-dir]     Exit code 0 = passed.
set -uo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/stad-slurm.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
wait_s="${STAD_SLURM_TIMEOUT:-600}"   # the longest wait for the array job
cd "$home"
started=$(date +%s)
say() { echo "slurm-test: $*"; }

for tool in munged munge slurmctld slurmd sbatch squeue sinfo scancel java; do
  command -v "$tool" >/dev/null || { say "$tool is not installed (apt-get install slurm-wlm munge)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { say "must run as root (the test cluster's daemons run as root)"; exit 2; }
if ! ls target/student-teacher-anomaly-detection-*.jar >/dev/null 2>&1 || [ ! -d target/lib ]; then
  say "building the plugin"; mvn -q -B -DskipTests package || exit 1
fi

conf="$work/slurm"
mkdir -p "$conf/state" "$conf/spool" "$work/logs"
chmod 700 "$conf"  # munged refuses a key in a folder others can write
pids=() names=()
jobs_submitted=()
show_logs() {
  for f in "$conf"/munged.out "$conf"/slurmctld.log "$conf"/slurmctld.out "$conf"/slurmd.log "$conf"/slurmd.out "$work"/logs/*.log; do
    [ -s "$f" ] && { echo "----- $f (last 25 lines)"; tail -n 25 "$f"; }
  done
}
cleanup() {
  [ ${#jobs_submitted[@]} -gt 0 ] && timeout 10 scancel --quiet "${jobs_submitted[@]}" >/dev/null 2>&1
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { say "FAIL $*"; show_logs; exit 1; }
stad() { timeout -k 10 600 bin/stad "$@"; }

# One thread everywhere: the shards run with --cpus-per-task=1, and the unsharded run must do the same
# arithmetic for a byte-for-byte comparison.
one_thread="-Xmx2g -XX:ActiveProcessorCount=1 -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
model="$work/model.zip"
say "training a tiny model and scoring sample-images/test unsharded"
STAD_JAVA_OPTS="$one_thread" stad train --normal sample-images/normal --validation sample-images/validation --out "$model" \
  --patch-sizes 17 --students 2 --epochs 1 --crop 32 --batch 4 --width 8 --descriptor-dim 8 --random-teacher --cpu > "$work/train.log" 2>&1 \
  || { tail -20 "$work/train.log"; fail "training the tiny model"; }
STAD_JAVA_OPTS="$one_thread" stad score --model "$model" --input sample-images/test --out "$work/single" --cpu > "$work/single.log" 2>&1 \
  || { tail -20 "$work/single.log"; fail "the unsharded run"; }

# ---- the cluster: munge key and slurm.conf in $conf, daemons in the foreground as our children
host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
port="${STAD_SLURM_PORT:-16817}"  # not 6817: a site slurmctld may be installed on the machine
dd if=/dev/urandom of="$conf/munge.key" bs=1024 count=1 status=none && chmod 400 "$conf/munge.key"
cat > "$conf/slurm.conf" <<EOF
ClusterName=stadci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$conf/munge.socket
StateSaveLocation=$conf/state
SlurmdSpoolDir=$conf/spool
SlurmctldPidFile=$conf/slurmctld.pid
SlurmdPidFile=$conf/slurmd.pid
SlurmctldLogFile=$conf/slurmctld.log
SlurmdLogFile=$conf/slurmd.log
# no cgroups (containers, CI machines): plain process tracking, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# no slurmdbd, so no sacct: each finished task is a line here, with its state and exit code
JobCompType=jobcomp/filetxt
JobCompLoc=$conf/jobcomp.txt
MinJobAge=3600
ReturnToService=2
SlurmdTimeout=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=60 State=UP
EOF
export SLURM_CONF="$conf/slurm.conf"

say "starting munged, slurmctld and slurmd on $host (127.0.0.1, ports $port-$((port + 1)))"
munged --foreground --force --key-file="$conf/munge.key" --socket="$conf/munge.socket" --log-file="$conf/munged.log" \
  --pid-file="$conf/munged.pid" --seed-file="$conf/munged.seed" > "$conf/munged.out" 2>&1 &
pids+=($!) names+=(munged)
for _ in $(seq 20); do munge -S "$conf/munge.socket" -n 2>/dev/null | unmunge -S "$conf/munge.socket" >/dev/null 2>&1 && break; sleep 0.5; done
munge -S "$conf/munge.socket" -n 2>/dev/null | unmunge -S "$conf/munge.socket" >/dev/null 2>&1 || fail "munged did not come up in 10 s"
slurmctld -D -f "$SLURM_CONF" > "$conf/slurmctld.out" 2>&1 &
pids+=($!) names+=(slurmctld)
slurmd -D -f "$SLURM_CONF" -N "$host" > "$conf/slurmd.out" 2>&1 &
pids+=($!) names+=(slurmd)
state=""
for _ in $(seq 60); do
  state="$(timeout 5 sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  case "$state" in idle|idle*|mixed*|allocated*) break ;; esac
  for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null || fail "${names[$i]} exited while the cluster came up (its log is below)"; done
  sleep 1
done
case "$state" in idle|idle*|mixed*|allocated*) say "cluster up after $(( $(date +%s) - started )) s since the test started (node $state)" ;;
  *) fail "the cluster did not come up in 60 s (node state: '${state:-no answer from slurmctld}')" ;; esac

# ---- the array job, and a bounded wait for it
submit() {  # array spec -> job id
  sbatch --parsable --array="$1" --cpus-per-task=1 --mem=2G --time=00:15:00 --output="$work/logs/task-%A_%a.log" \
    bench/slurm/score_array.sbatch "$model" "$home/sample-images/test" "$work/sharded" 3 --cpu
}
wait_for() {  # job id, task count
  local job="$1" tasks="$2" deadline=$(( $(date +%s) + wait_s )) done_n
  while [ -n "$(timeout 10 squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { squeue -j "$job"; fail "job $job not finished after ${wait_s}s"; }
    sleep 2
  done
  # squeue forgets a job it never heard of too: the completion log must have every task
  for _ in $(seq 10); do
    done_n=$(grep -c "ArrayJobId=$job " "$conf/jobcomp.txt" 2>/dev/null || true)
    [ "${done_n:-0}" -ge "$tasks" ] && break; sleep 1
  done
  grep "ArrayJobId=$job " "$conf/jobcomp.txt" 2>/dev/null | sed -E 's/.*(JobState=[A-Z_]+).*(ArrayTaskId=[0-9]+).*(ExitCode=[0-9:]+).*/    \2 \1 \3/'
  [ "${done_n:-0}" -ge "$tasks" ] || fail "job $job: $done_n of $tasks task(s) in the completion log"
  if grep "ArrayJobId=$job " "$conf/jobcomp.txt" | grep -v -q "JobState=COMPLETED"; then fail "job $job: a task did not complete"; fi
}
compare() {
  cmp "$work/single/scores.csv" "$work/sharded/scores.csv" || { diff "$work/single/scores.csv" "$work/sharded/scores.csv" | head; fail "scores.csv differs from the unsharded run"; }
  local a b
  a="$(cd "$work/single" && find . -type f ! -name 'scores*' | sort)"
  b="$(cd "$work/sharded" && find . -type f ! -name 'scores*' | sort)"
  [ "$a" = "$b" ] || { diff <(echo "$a") <(echo "$b"); fail "the sharded run wrote other files than the unsharded one"; }
  [ "$(echo "$a" | grep -c '\.tif$')" -eq 6 ] || fail "expected 6 maps, got: $a"
  for f in $(echo "$a" | grep -E '\.tif$|_overlay\.png$'); do cmp -s "$work/single/$f" "$work/sharded/$f" || fail "$f differs from the unsharded run"; done
}

say "submitting a 3-task array"
job="$(submit 1-3)" || fail "sbatch refused the job"
jobs_submitted+=("$job")
wait_for "$job" 3
for k in 1 2 3; do
  log="$work/logs/task-${job}_$k.log"
  grep -q "PyTorch CPU threads: 1 intra-op" "$log" || fail "task $k: its log does not show 1 PyTorch thread ($log)"
  grep -q "Wrote .*scores-$k-of-3.csv: 2 image(s)" "$log" || fail "task $k did not write its shard ($log)"
done
stad merge-scores "$work/sharded" > "$work/merge.log" 2>&1 || { cat "$work/merge.log"; fail "merge-scores"; }
compare
say "3 shards merged: scores.csv and the 6 maps and overlays equal the unsharded run"

# ---- a lost shard: named by the merge, repaired by resubmitting that task alone
rm "$work/sharded/scores-2-of-3.done" "$work/sharded/scores.csv"
if stad merge-scores "$work/sharded" > "$work/merge-missing.log" 2>&1; then fail "merge-scores accepted a set without shard 2"; fi
grep -q "shard 2/3: not finished.*Resubmit array task(s) 2" "$work/merge-missing.log" || { cat "$work/merge-missing.log"; fail "merge-scores did not name shard 2"; }
job2="$(submit 2)" || fail "sbatch refused the resubmission"
jobs_submitted+=("$job2")
wait_for "$job2" 1
stad merge-scores "$work/sharded" --overwrite > "$work/merge2.log" 2>&1 || { cat "$work/merge2.log"; fail "merge-scores after resubmitting shard 2"; }
compare
say "PASS in $(( $(date +%s) - started )) s (a lost shard was named and resubmitting task 2 alone repaired it)"
