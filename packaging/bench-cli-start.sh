#!/usr/bin/env bash
# CLI start benchmark (issue 16): the wall time of `weverywhere run --peer PEER math --function add
# 2 40`, end to end against the real Liberty daemon, beside `node` running the same math.wasi add
# locally (node:wasi), and the ratio of the two medians. Also --version, and the jar started the
# old way (`java -jar`, which re-runs itself on a JDK 21+ when the default java is older).
#   packaging/bench-cli-start.sh        (RUNS=15 by default) after ./mvnw -B -o -DskipTests -pl server -am package;
#   the server module's bench profile runs it with the other benchmarks:
#   ./mvnw -B -o -Pbench -pl server -am integration-test -DskipTests
# The daemon is the build's own Liberty server (server/target/liberty), run with a user directory,
# configuration, state and ports of its own, and stopped at the end: a daemon already running on
# this machine is not disturbed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-15}
launcher=$root/shared/target/weverywhere
jar=$root/shared/target/weverywhere.jar
wlp=$root/server/target/liberty/wlp
examples=${WEVERYWHERE_EXAMPLES_DIR:-$root/target/example-programs}
node_runner=$root/shared/src/test/resources/org/weverywhere/examples/wasi-run.mjs
http_port=${WEVERYWHERE_BENCH_PORT:-23591}
udp_port=$((http_port + 1))
for need in "$launcher" "$jar" "$wlp/bin/server" "$examples/math.wasi"; do
  [[ -e $need ]] || { echo "bench-cli-start: $need is missing: build first (./mvnw -B -o -DskipTests -pl server -am package)" >&2; exit 1; }
done
command -v node >/dev/null || { echo "bench-cli-start: node is missing (apt-get install nodejs)" >&2; exit 1; }

work=$(mktemp -d /tmp/we-cli-bench.XXXXXX)
daemon=
cleanup() {
  if [[ -n $daemon ]] && kill -0 "$daemon" 2>/dev/null; then
    kill -TERM -- "-$daemon" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$daemon" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$wlp/usr" "$work/usr"
mkdir -p "$work/etc" "$work/state"
cat >"$work/etc/weverywhere.conf" <<CONF
node.name = cli-bench
libraries.dir = $examples
group.anonymous.privileges = execute
network.source-rate = 100000
CONF
java_home=$(WEVERYWHERE_LAUNCHER_FUNCTIONS=1 sh -c ". '$launcher'; we_java_home")
JAVA_HOME=$java_home WLP_USER_DIR=$work/usr WLP_OUTPUT_DIR=$work/out WEVERYWHERE_CONFIG_DIR=$work/etc \
  WEVERYWHERE_STATE_DIR=$work/state WEVERYWHERE_HTTP_PORT=$http_port HTTP_PORT=$http_port NETWORK_PORT=$udp_port \
  setsid "$wlp/bin/server" run weverywhere >"$work/daemon.log" 2>&1 </dev/null &
daemon=$!
for _ in $(seq 1 600); do # at most 300 s
  curl -sf "http://127.0.0.1:$http_port/health/ready" 2>/dev/null | grep -q '"status":"UP"' && break
  kill -0 "$daemon" 2>/dev/null || { tail -30 "$work/daemon.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$http_port/health/ready" | grep -q '"status":"UP"' || { echo "daemon not ready" >&2; exit 1; }

peer=127.0.0.1:$udp_port
# run --function remembers the signature a describe gave (cli/FunctionCache): kept in the run's own
# directory, not the user's; a file where the directory should be means nothing is remembered
export XDG_CACHE_HOME=$work/cache
touch "$work/no-cache"
run_args=(run --peer "$peer" --port "$udp_port" --timeout 20s math --function add 2 40)
# the AOT cache trained on this very command, as postinst trains one at install
WEVERYWHERE_AOT_OUTPUT=$work/cli.aot "$launcher" "${run_args[@]}" >/dev/null 2>&1 || true

# measure LABEL EXPECTED COMMAND...: RUNS runs after one warm-up; prints the median and the least
# wall time, and the median CPU time (user + system of the command and its children: on a shared
# machine the steadier figure)
declare -A median
measure() {
  local label=$1 expected=$2; shift 2
  local out walls=() cpus=()
  out=$("$@" 2>&1) || true
  [[ $out == *"$expected"* ]] || { echo "bench-cli-start: $label printed: $out" >&2; exit 1; }
  for _ in $(seq 1 "$runs"); do
    local t0=$EPOCHREALTIME c0 c1
    c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    "$@" >/dev/null 2>&1 || true
    local t1=$EPOCHREALTIME
    c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')")
    cpus+=("$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))")
  done
  local sorted cpu
  sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  median[$label]=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
  printf '%-58s %8s %8s %8s\n' "$label" "${median[$label]}" "$(head -1 <<<"$sorted")" "$cpu"
}

echo "CLI start, $runs runs each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$java_home/bin/java" -version 2>&1 | head -1)"
printf '%-58s %8s %8s %8s\n' "command" "p50 ms" "min ms" "CPU ms"
measure "node wasi-run.mjs call math.wasi add 2 40 (local)" 42 node "$node_runner" call "$examples/math.wasi" add i32:2 i32:40
measure "weverywhere run --peer P math add 2 40 (launcher, AOT)" 42 env WEVERYWHERE_AOT_CACHE="$work/cli.aot" "$launcher" "${run_args[@]}"
measure "weverywhere run ... (launcher, AOT, nothing remembered)" 42 env WEVERYWHERE_AOT_CACHE="$work/cli.aot" XDG_CACHE_HOME="$work/no-cache" "$launcher" "${run_args[@]}"
measure "weverywhere run ... (launcher, the build's AOT cache)" 42 env -u WEVERYWHERE_AOT_CACHE "$launcher" "${run_args[@]}"
measure "weverywhere run ... (launcher, no AOT cache)" 42 env WEVERYWHERE_AOT_CACHE= "$launcher" "${run_args[@]}"
measure "java -jar weverywhere.jar run ... (default java: $(java -version 2>&1 | head -1 | cut -d'"' -f2))" 42 java -jar "$jar" "${run_args[@]}"
measure "weverywhere --version (launcher, AOT)" weverywhere env WEVERYWHERE_AOT_CACHE="$work/cli.aot" "$launcher" --version
measure "weverywhere --version (launcher, no AOT cache)" weverywhere env WEVERYWHERE_AOT_CACHE= "$launcher" --version
measure "java -jar weverywhere.jar --version" weverywhere java -jar "$jar" --version
# what the run loads: classes in all, from the AOT cache, and by the libraries that bring the most
JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$work/classes.log" WEVERYWHERE_AOT_CACHE="$work/cli.aot" \
  "$launcher" "${run_args[@]}" >/dev/null 2>&1 || true
awk '/ source: / { n++ } /source: shared objects file/ { aot++ }
  /java\.net\.http|jdk\.internal\.net\.http/ { http++ } /sun\.security\.ssl/ { tls++ } / picocli\./ { pico++ } / picocli\..*shared objects file/ { picoaot++ }
  /com\.fasterxml/ { jackson++ } /org\.bouncycastle/ { bc++ } /org\.weverywhere/ { we++ }
  END { printf "classes loaded by run (launcher, AOT): %d, %d from the AOT cache; HTTP client %d, TLS %d, picocli %d (%d from the cache), Jackson %d, BouncyCastle %d, weverywhere %d\n", n, aot, http, tls, pico, picoaot, jackson, bc, we }' \
  "$work/classes.log"
awk -v w="${median["weverywhere run --peer P math add 2 40 (launcher, AOT)"]}" -v n="${median["node wasi-run.mjs call math.wasi add 2 40 (local)"]}" \
  'BEGIN { printf "ratio weverywhere run (launcher, AOT) / node: %.1f (goal: run <= 500 ms)\n", w / n }'
# the daemon under the CLI's own load generator, as README shows it
echo
echo "\$ weverywhere bench --peer $peer --port $udp_port -c 8 -d 5s --warmup 2s"
WEVERYWHERE_AOT_CACHE="$work/cli.aot" "$launcher" bench --peer "$peer" --port "$udp_port" -c 8 -d 5s --warmup 2s || true
