#!/usr/bin/env bash
# Starts a daemon command, measures the wall time until /health/ready answers UP and the resident
# memory of all its processes (a runnable jar forks a second JVM) right then, and stops it.
#   packaging/measure-daemon.sh HTTP_PORT COMMAND...
# e.g. packaging/measure-daemon.sh 23471 java -jar server/target/weverywhere-daemon.jar
# The daemon gets its own state directory and ports (HTTP_PORT for HTTP, HTTP_PORT+1 for UDP), so a
# daemon already running on the default port is not disturbed. Prints one line:
#   ready_ms=... rss_mib=... processes=...
set -euo pipefail
port=$1; shift
state=$(mktemp -d /tmp/we-measure.XXXXXX)
log=$state/out.log
pgid=
cleanup() {
  if [[ -n $pgid ]] && kill -0 -- "-$pgid" 2>/dev/null; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT

start=$(date +%s%N)
# a process group of its own, so that the measure and the stop reach every process it forks
WEVERYWHERE_STATE_DIR=$state/state WEVERYWHERE_HTTP_PORT=$port NETWORK_PORT=$((port + 1)) HTTP_PORT=$port \
  setsid "$@" >"$log" 2>&1 &
pgid=$!
ready=
for _ in $(seq 1 1200); do   # at most 120 s
  if curl -sf "http://127.0.0.1:$port/health/ready" 2>/dev/null | grep -q '"status":"UP"'; then
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    break
  fi
  kill -0 "$pgid" 2>/dev/null || { echo "the daemon exited; its output:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $ready ]] || { echo "not ready within 120 s; its output:" >&2; tail -20 "$log" >&2; exit 1; }
sleep 2 # let start-up work that follows readiness settle before reading memory
rss_kib=$(ps -o rss= -g "$pgid" | awk '{s += $1} END {print s}')
count=$(ps -o pid= -g "$pgid" | wc -l)
echo "ready_ms=$ready rss_mib=$((rss_kib / 1024)) processes=$count"
