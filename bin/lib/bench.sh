# shellcheck shell=bash
# What the benchmark scripts all need, once: sourced by bin/hotpath and bin/fargate from the
# project root. The caller defines say() (its own progress prefix).

# Builds target/rds-memcached.war when it is missing or older than its sources.
build_service_if_stale() {
  if [ ! -f target/rds-memcached.war ] || [ -n "$(find src pom.xml -newer target/rds-memcached.war -print -quit)" ]; then
    say "building the service (./mvnw package -DskipTests)"
    ./mvnw -q -B -ntp package -DskipTests -Dspotless.check.skip=true
  fi
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

# wrk_stats FILE: the output of `wrk --latency` as one line,
# "req_per_s p50_ms p99_ms errors requests seconds non2xx socket_errors" (errors = the last two).
wrk_stats() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
      if (v ~ /m$/) return v * 60000; if (v ~ /h$/) return v * 3600000; return v
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    / requests in / { requests = $1; d = $4; sub(",", "", d); secs = ms(d) / 1000 }
    /Non-2xx/ { non2xx += $NF } /Socket errors/ { gsub(",", ""); socket += $4 + $6 + $8 + $10 }
    /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.2f %.2f %d %d %.2f %d %d\n", rps, p50, p99, non2xx + socket, requests, secs, non2xx, socket }' "$1"
}

# slow_queries: how often the database has run the slow query so far (bin/services' MariaDB with
# MARIADB_EXTRA_ARGS="--general-log=1 --log-output=TABLE"). Query is a client-side prepared
# statement (mysql-connector-j), Execute a server-side one (Go's driver, which also logs a Prepare).
slow_queries() {
  bin/services sql "SELECT COUNT(*) FROM mysql.general_log WHERE command_type IN ('Query', 'Execute')
    AND argument LIKE 'SELECT id, value, SLEEP(%'" | tail -1
}
