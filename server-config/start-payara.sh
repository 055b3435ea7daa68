#!/bin/sh
# Starts Payara Micro the one way bin/run, bin/test and the Docker image all use: the JVM flags
# in jvm.options, the pools from post-boot-commands.asadmin, JSON log lines from
# logging.properties, defaults from defaults.env.
# Paths can be overridden (the image does): PAYARA_MICRO_JAR, APP_WAR, JDBC_DRIVER, CDS_ARCHIVE.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
target="$here/../target"

# shellcheck source=server-config/load-defaults.sh
. "$here/load-defaults.sh"
: "${DB_PASS:?DB_PASS is not set (bin/run generates one for its local database)}"
case "$DB_PASS" in *[[:space:]]*)
  echo "DB_PASS must not contain whitespace (Payara's post-boot command parser splits on it)" >&2
  exit 64 ;;
esac
# Post-boot commands see ${ENV=...} values before parsing "name=value:name=value" lists, so
# the password's \ : = ' " are escaped (an RDS-generated password may contain them).
DB_PASS_ASADMIN=$(printf '%s' "$DB_PASS" | sed 's/[\\:="'"'"']/\\&/g')
export DB_PASS_ASADMIN
: "${PAYARA_MICRO_JAR:=$target/payara-micro.jar}"
: "${APP_WAR:=$target/rds-memcached.war}"
: "${JDBC_DRIVER:=$target/lib/mysql-connector-j.jar}"

jvm_options=$(grep -v -e '^#' -e '^$' "$here/jvm.options" | tr '\n' ' ')

# The CPU this process may use, in thousandths of a CPU, from its cgroup's quota (v2 cpu.max or
# v1 cpu.cfs_quota_us); nothing when there is no quota. The JVM reads the same files.
cpu_quota_millis() {
  if [ -r /sys/fs/cgroup/cpu.max ]; then
    path=$(sed -n 's/^0:://p' /proc/self/cgroup)
    set -- "/sys/fs/cgroup$path/cpu.max" /sys/fs/cgroup/cpu.max
  else
    path=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/self/cgroup 2>/dev/null)
    set -- "/sys/fs/cgroup/cpu$path" /sys/fs/cgroup/cpu /sys/fs/cgroup/cpu,cpuacct
  fi
  for where in "$@"; do
    if [ -f "$where" ] && read -r quota period <"$where"; then
      [ "$quota" = max ] || echo $((quota * 1000 / period))
      return
    elif [ -r "$where/cpu.cfs_quota_us" ]; then
      quota=$(cat "$where/cpu.cfs_quota_us") period=$(cat "$where/cpu.cfs_period_us")
      [ "$quota" -le 0 ] || echo $((quota * 1000 / period))
      return
    fi
  done
}
millis=$(cpu_quota_millis || true)
# JIT: "auto" (the default) compiles with C1 only below one CPU. Measured on a simulated 0.25 vCPU
# Fargate task: C2's compiler threads spent most of the quota for minutes (start to ready 90 s,
# 68 req/s in the first 15 s of load); with C1 only, ready after 54 s and at full speed at once,
# at the same steady throughput. From one CPU up, C2's faster code wins (docs/benchmarks.md).
case "${JIT:-auto}" in
  auto)
    if [ -n "$millis" ] && [ "$millis" -lt 1000 ]; then
      jvm_options="$jvm_options -XX:TieredStopAtLevel=1"
    fi ;;
  c1) jvm_options="$jvm_options -XX:TieredStopAtLevel=1" ;;
  tiered) ;;
  *) echo "JIT must be auto, c1 or tiered (is: $JIT)" >&2; exit 64 ;;
esac
# BIND_CPUS: the CPUs the JVM may run on. "auto" (the default): as many as the cgroup's quota,
# rounded up, when that is fewer than this process may use; a number: that many; "all": no binding.
# Measured on a simulated 1 vCPU Fargate task (2 host cores, docs/benchmarks.md): unbound, the JVM's
# threads ran on both cores at once, spent the period's quota in half of it and then all stopped
# until the next (throttled in 97 % of periods): p99 22 ms, 7,009 req/s. Bound to one core it can
# never run ahead of its quota: throttled in 1 %, p99 5.0 ms, 10,809 req/s.
# cpu_list N: the first N CPUs this process may use as a taskset list; nothing when that is all.
cpu_list() {
  sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | awk -F, -v want="$1" '{
    for (i = 1; i <= NF; i++) {
      split($i, r, "-"); last = (r[2] == "" ? r[1] : r[2])
      for (c = r[1] + 0; c <= last + 0; c++) { if (n < want) list = list (n ? "," : "") c; n++ }
    }
  } END { if (want < n) print list }'
}
case "${BIND_CPUS:-auto}" in
  auto) want=${millis:+$(((millis + 999) / 1000))} ;;
  all) want="" ;;
  0 | *[!0-9]*) echo "BIND_CPUS must be auto, all or a number of CPUs (is: $BIND_CPUS)" >&2; exit 64 ;;
  *) want=$BIND_CPUS ;;
esac
bind=""
if [ -n "$want" ] && cpus=$(cpu_list "$want") && [ -n "$cpus" ]; then
  if command -v taskset >/dev/null 2>&1; then
    bind="taskset -c $cpus"
  else
    echo "start-payara.sh: BIND_CPUS wants CPU $cpus, but taskset (util-linux) is not installed: unbound" >&2
  fi
fi
# HEAP: the Java heap, fixed (-Xms = -Xmx). "auto" (the default): half the memory limit of this
# process's cgroup, at least 128m; 256m (the original 512 MiB task's) when there is none, as for
# bin/run and the tests; a size (e.g. 512m, 1g): that size. Measured on a simulated 0.5 vCPU / 1 GiB
# task, hits beside 256 connections of misses: p99 293-309 ms with the 512 MiB task's heap
# (128-256m), 112-170 ms with 512m, two runs each (docs/benchmarks.md). Terraform sets it from the
# task's memory, like JIT and BIND_CPUS.
# memory_limit_mib: the lowest memory limit of this process's cgroup and its parents, in MiB;
# nothing when none is below the machine's memory.
memory_limit_mib() {
  if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
    dir=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
    while :; do
      [ ! -r "$dir/memory.max" ] || cat "$dir/memory.max"
      case "$dir" in /sys/fs/cgroup | /sys/fs/cgroup/ | /sys/fs | '') break ;; esac
      dir=${dir%/*}
    done
  else
    path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup 2>/dev/null)
    for where in "/sys/fs/cgroup/memory$path" /sys/fs/cgroup/memory; do
      if [ -r "$where/memory.stat" ]; then
        # v1: the limit in force, its parents' included
        awk '$1 == "hierarchical_memory_limit" { print $2 }' "$where/memory.stat"
        break
      fi
    done
  fi | awk -v total="$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)" '
    $1 ~ /^[0-9]+$/ && $1 + 0 < total + 0 && (low == "" || $1 + 0 < low + 0) { low = $1 }
    END { if (low != "") print int(low / 1048576) }'
}
case "${HEAP:-auto}" in
  auto)
    limit=$(memory_limit_mib || true)
    if [ -z "$limit" ]; then heap=256m
    elif [ "$limit" -ge 256 ]; then heap=$((limit / 2))m
    else heap=128m
    fi ;;
  *) heap=$HEAP ;;
esac
case "$heap" in
  [1-9]*[mMgG]) case "${heap%?}" in *[!0-9]*) heap="" ;; esac ;;
  *) heap="" ;;
esac
[ -n "$heap" ] || { echo "HEAP must be auto or a size such as 512m or 1g (is: $HEAP)" >&2; exit 64; }
jvm_options="-Xms$heap -Xmx$heap $jvm_options"
# CDS_ARCHIVE: the class-data archive server-config/cds-train.sh makes (default target/cds/app.jsa,
# the image's is made in its build), mapped when it exists; "none": no archive. Measured on a
# simulated 0.5 vCPU task: Payara Micro's own start shorter in each of 19 pairs of starts, by 2.9 s
# in the median; 7-8 s at 0.25 vCPU (docs/benchmarks.md). One made by another JVM or for another
# payara-micro.jar is refused by the JVM with a warning, and it starts without. A missing archive
# is said only when CDS_ARCHIVE names it (bin/run makes none).
cds_named=${CDS_ARCHIVE:+yes}
: "${CDS_ARCHIVE:=$target/cds/app.jsa}"
case "$CDS_ARCHIVE" in
  none) ;;
  *[[:space:]]*) echo "CDS_ARCHIVE must not contain whitespace (is: $CDS_ARCHIVE)" >&2; exit 64 ;;
  *)
    if [ -r "$CDS_ARCHIVE" ]; then
      jvm_options="$jvm_options -XX:SharedArchiveFile=$CDS_ARCHIVE"
    elif [ -n "$cds_named" ]; then
      echo "start-payara.sh: no class-data archive at $CDS_ARCHIVE, starting without it (server-config/cds-train.sh makes one)" >&2
    fi ;;
esac
# --maxHttpThreads: a post-boot "set" of the http-thread-pool's size was silently not applied (a
# thread dump showed Payara's 200 workers with HTTP_THREADS=32).
# shellcheck disable=SC2086 # word splitting of the binding and option lists is intended
exec $bind java $jvm_options ${JAVA_OPTS:-} -jar "$PAYARA_MICRO_JAR" \
  --nohazelcast --disablephonehome \
  --port "$PORT" --contextroot / \
  --maxHttpThreads "$HTTP_THREADS" \
  --postbootcommandfile "$here/post-boot-commands.asadmin" \
  --logproperties "$here/logging.properties" \
  --addlibs "$JDBC_DRIVER" \
  --deploy "$APP_WAR" ${PAYARA_OPTS:-}
