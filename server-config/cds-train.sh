#!/usr/bin/env bash
# Makes the class-data archive (AppCDS, JDK 17's dynamic archive) that start-payara.sh maps at
# start: one training run of the service, started by start-payara.sh itself with
# -XX:ArchiveClassesAtExit, asked a few requests of each kind, then stopped with SIGTERM; the JVM
# writes the classes it loaded to the archive as it exits.
#
#   server-config/cds-train.sh [ARCHIVE]    (default: $CDS_ARCHIVE, else target/cds/app.jsa)
#
# Why: on a simulated 0.5 vCPU Fargate task, Payara Micro's own start took 15-28 s; unconstrained,
# 5.9 s of its 15.1 s went to loading, verifying and linking some 15,000 classes. With the archive
# about 10,000 of them come loaded and verified from it, and the start at 0.5 vCPU was shorter in
# each of 19 pairs of starts, by 2.9 s in the median (docs/benchmarks.md). The archive is valid only for
# the JVM build, JVM flags and payara-micro.jar it was made with: the Docker image makes it in its
# own final stage (docker/Dockerfile), bin/fargate and bin/it-stack make theirs before they start
# the service. With another JVM or jar the JVM says so in a warning and starts without it.
#
# The training instance talks to no database and no memcached: both point at a closed port
# (127.0.0.1:1), so it changes nothing in a running stack, and the archive is the same wherever it
# is made (the image's build has neither). Its requests take the error paths, which load classes
# too. CDS_TRAIN_PORT (18089): where it listens meanwhile; CDS_TRAIN_READY_SECONDS (300): how long
# it may take to become live. Other settings (JAVA_OPTS, HEAP, ...) reach start-payara.sh as usual.
set -euo pipefail
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
archive=${1:-${CDS_ARCHIVE:-$here/../target/cds/app.jsa}}
port=${CDS_TRAIN_PORT:-18089}
ready_seconds=${CDS_TRAIN_READY_SECONDS:-300}
say() { echo "[cds-train] $*"; }

case "$archive" in none | '') say "CDS_ARCHIVE is '$archive': nothing to make"; exit 0 ;; esac
mkdir -p "$(dirname -- "$archive")"
rm -f "$archive"
log=$(mktemp "${TMPDIR:-/tmp}/cds-train.XXXXXX")
# -Xlog:cds=error: the dump warns once per class it leaves out (thousands of lines)
say "starting the service with -XX:ArchiveClassesAtExit=$archive (log: $log)"
CDS_ARCHIVE=none PORT=$port DB_HOST=127.0.0.1 DB_PORT=1 DB_PASS=cds-training CACHE_HOSTS=127.0.0.1:1 \
  JAVA_OPTS="${JAVA_OPTS:-} -XX:ArchiveClassesAtExit=$archive -Xlog:cds=error" \
  "$here/start-payara.sh" >"$log" 2>&1 &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT

# get PATH: the status line of GET PATH, "-" when there is no answer within 15 s. bash's /dev/tcp:
# the image has neither curl nor wget.
get() {
  # shellcheck disable=SC2016 # $1 and $2 are the inner bash's arguments
  timeout 15 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\r\n\r\n" "$2" >&3 &&
    head -n 1 <&3 | tr -d "\r"' _ "$port" "$1" 2>/dev/null || echo -
}

started=$SECONDS
until [[ $(get /health/live) == *" 200 "* ]]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -40 "$log" >&2
    say "the service exited before it was live: no archive"
    exit 1
  fi
  if ((SECONDS - started > ready_seconds)); then
    tail -40 "$log" >&2
    say "not live after ${ready_seconds} s: no archive"
    exit 1
  fi
  sleep 1
done
say "live after $((SECONDS - started)) s; a few requests of each kind"
for path in /health/ready /health/started /health /metrics /openapi /cache/1 /db/1 /cache/2 /cache/x; do
  for _ in 1 2 3; do status=$(get "$path"); done
  say "  GET $path: $status"
done
for _ in $(seq 1 200); do get /cache/1 >/dev/null; done

say "stopping it (SIGTERM); the JVM writes the archive as it exits"
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
if [ ! -s "$archive" ]; then
  tail -40 "$log" >&2
  say "no archive at $archive (the log above says why)"
  exit 1
fi
rm -f "$log"
say "made $archive ($(du -h "$archive" | cut -f1)) in $((SECONDS - started)) s"
