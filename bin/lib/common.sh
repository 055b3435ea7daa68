# shellcheck shell=bash
# What several bin/ scripts need, written once: sourced as . "$(dirname "$0")/lib/common.sh", it
# sets $root (the project root); the functions run from there (cd "$root") and use the caller's
# say() (its own progress prefix).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# start_fresh_services: bin/services' MariaDB (general log on, to count slow queries) and memcached
# nodes of $STATE_DIR, started from nothing, the database migrated (schema, demo rows, the app's
# user DB_USER with the password in $STATE_DIR/db-pass)
start_fresh_services() {
  bin/services stop >/dev/null 2>&1 || true
  rm -rf "$STATE_DIR"
  MARIADB_EXTRA_ARGS="--general-log=1 --log-output=TABLE" bin/services start >/dev/null
  build_service_if_stale
  DB_HOST=127.0.0.1 DB_PASS=$(cat "$STATE_DIR/db-pass") DB_MIGRATION_PASS=$(cat "$STATE_DIR/db-admin-pass") \
    server-config/migrate.sh migrate >"$STATE_DIR/migrate.log" 2>&1 || {
    cat "$STATE_DIR/migrate.log" >&2
    return 1
  }
}

# stale FILE PATH...: FILE is missing or older than anything under the PATHs
stale() {
  local file=$1
  shift
  [ ! -e "$file" ] || [ -n "$(find "$@" -newer "$file" -print -quit)" ]
}

# Builds target/rds-memcached.war (and target/migrate/) when it is missing or older than its
# sources (the formatting gate is bin/test's job).
build_service_if_stale() {
  if stale target/rds-memcached.war src pom.xml || [ ! -d target/migrate/lib ]; then
    say "building the service (./mvnw package -DskipTests)"
    ./mvnw -q -B -ntp package -DskipTests -Dspotless.check.skip=true
  fi
}

# build_ref REF DIR: the service as committed at git ref REF, exported into DIR (made afresh) and
# built there: DIR/target/rds-memcached.war beside that commit's own server-config/, so a build
# from before a change starts the way it started then.
build_ref() {
  local short
  short=$(git rev-parse --short "$1")
  say "building $1$([ "$short" = "$1" ] || echo " ($short)") in ${2#"$root"/}"
  rm -rf "$2"
  mkdir -p "$2"
  git archive "$1" | tar -x -C "$2"
  (cd "$2" && ./mvnw -q -B -ntp package -DskipTests -Dspotless.check.skip=true)
}

# require_tools TOOL...: exits with the apt-get line for the first tool missing
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$(basename "$0") needs $tool (apt-get install $tool)" >&2; exit 1; }
  done
}

# apt_install PACKAGE...: installs them with apt-get (one `apt-get update` per script); as a user
# other than root it says what to install and returns 1
apt_install() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing $*: install them (apt-get install $*) or run as root" >&2
    return 1
  fi
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${apt_updated:-}" ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  apt-get install -y -qq "$@" >/dev/null
}

# take_load_lock SECONDS: waits at most SECONDS for the lock every load run takes (LOAD_LOCK,
# /tmp/rds-memcached-load.lock; none: no lock), so that no two runs skew each other. Held on
# descriptor 9 of the calling shell rather than by a flock parent, so a signal to the script
# reaches the process that cleans up; released when the script exits. A script started under
# the lock (LOAD_LOCKED) does not wait for it again.
take_load_lock() {
  local lock=${LOAD_LOCK:-/tmp/rds-memcached-load.lock} notice
  [ "$lock" != none ] && [ -z "${LOAD_LOCKED:-}" ] || return 0
  exec 9>>"$lock"
  if ! flock -n 9; then
    say "waiting for $lock: another load run holds it"
    # a line every 30 s while flock waits (without the lock's descriptor, which would hold the lock)
    (while sleep 30 && kill -0 $$ 2>/dev/null; do say "still waiting for $lock: another load run holds it"; done) 9>&- &
    notice=$!
    flock -w "$1" 9 || { kill "$notice" 2>/dev/null; echo "$(basename "$0"): gave up waiting for $lock after $1 s" >&2; exit 1; }
    kill "$notice" 2>/dev/null || true
  fi
  export LOAD_LOCKED=1
}

# local_cache_hosts PORT...: "127.0.0.1:PORT,..." for CACHE_HOSTS
local_cache_hosts() {
  local hosts
  hosts=$(printf '127.0.0.1:%s,' "$@")
  echo "${hosts%,}"
}

# alive PID: still running (a child that has exited stays a zombie until it is waited for, and
# kill -0 still finds it)
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != Z ]
}

# wait_http URL PID SECONDS: until URL answers 200 (status 0), or PID has exited or SECONDS have
# passed (status 1). Polls every 0.1 s.
wait_http() {
  local url=$1 pid=$2 deadline=$(($(date +%s) + $3))
  until [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]; do
    alive "$pid" || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# stop_process PID: SIGTERM, up to 60 s to exit, then SIGKILL; reaps it when it is our child
stop_process() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 600); do alive "$pid" || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# wrk_stats FILE [DECIMALS]: the output of `wrk --latency` as one line, "req_per_s p50_ms p99_ms
# errors requests seconds non2xx socket_errors" (errors = the last two; latencies with DECIMALS,
# default 2).
wrk_stats() {
  awk -v decimals="${2:-2}" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
      if (v ~ /m$/) return v * 60000; if (v ~ /h$/) return v * 3600000; return v
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    / requests in / { requests = $1; d = $4; sub(",", "", d); secs = ms(d) / 1000 }
    /Non-2xx/ { non2xx += $NF } /Socket errors/ { gsub(",", ""); socket += $4 + $6 + $8 + $10 }
    /^Requests\/sec/ { rps = $2 }
    END {
      f = "%." decimals "f"
      printf "%.0f " f " " f " %d %d %.2f %d %d\n", rps, p50, p99, non2xx + socket, requests, secs, non2xx, socket
    }' "$1"
}

# slow_query_count_sql [ID]: SQL counting how often the database has run the slow query so far (of
# one id, or of all), from MariaDB's general log (MARIADB_EXTRA_ARGS="--general-log=1
# --log-output=TABLE"). Query is a client-side prepared statement (mysql-connector-j), Execute a
# server-side one (Go's driver, which also logs a Prepare).
slow_query_count_sql() {
  local of_id=""
  [ -z "${1:-}" ] || of_id=" AND argument LIKE '% WHERE id = $1'"
  echo "SELECT COUNT(*) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute')
    AND argument LIKE 'SELECT id, value, SLEEP(%'$of_id"
}

# slow_queries: that count of all ids, in bin/services' MariaDB (of $STATE_DIR)
slow_queries() {
  bin/services sql "$(slow_query_count_sql "")" | tail -1
}

# splice_section FILE SECTION NAME: puts SECTION (a file that starts with <!-- NAME:begin --> and
# ends with <!-- NAME:end -->) in place of FILE's lines between those markers, keeping everything
# outside them; appends it where FILE has no such markers yet.
splice_section() {
  local out=$1 section=$2 begin="<!-- $3:begin -->" end="<!-- $3:end -->"
  mkdir -p "$(dirname "$out")"
  [ -f "$out" ] || printf '# Benchmarks\n\n' >"$out"
  if grep -qF "$begin" "$out" && grep -qF "$end" "$out"; then
    awk -v section="$section" -v begin="$begin" -v end="$end" '
      index($0, begin) { while ((getline line < section) > 0) print line; skip = 1; next }
      index($0, end) { skip = 0; next }
      !skip' "$out" >"$out.tmp"
    mv "$out.tmp" "$out"
  else
    { echo; cat "$section"; } >>"$out"
  fi
}

# npm_ci_if_stale DIR [WHAT]: the npm packages pinned in DIR/package-lock.json, installed with
# npm ci when node_modules is missing or older than the lock file
npm_ci_if_stale() {
  if stale "$1/node_modules/.package-lock.json" "$1/package-lock.json"; then
    say "npm ci in ${1#"$root"/}${2:+ ($2)}"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
