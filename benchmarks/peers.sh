#!/usr/bin/env bash
# Peer harness: the same hello world (GET /hello -> "Hello, World!", keep-alive, one event loop) served by
#   bare                   Netty 4.2 (ours), HelloServer bare
#   guarded                stability, every server guard on, HelloServer guarded
#   reactor-netty          reactor-netty 1.3.7, no timeouts, no metrics
#   reactor-netty-metrics  the same with its built-in HTTP server metrics into a SimpleMeterRegistry
#   armeria                Armeria 1.34.1 with its request timeout on (10 s)
# all NIO, all up at once, the servers pinned to CPU 0 and wrk -t1 to CPU 1 (taskset, when there are 2+ cores),
# loaded in rotating rounds: every round runs each server once, the order shifted by one server per round so that
# no server always runs first or last. Per server and round: requests/s, and the server's CPU per request, from
# /proc/<pid>/stat (utime+stime delta over the run / requests served: GC and JIT threads included, time spent
# waiting for a core not). Ratios are taken inside each round against bare, then the median over rounds is printed
# with the spread (min-max): on a shared machine only within-round ratios mean something.
#
# Usage: benchmarks/peers.sh [--rounds N=8] [--seconds S=5] [--warmup S=10] [--connections C=64]
#                            [--servers "bare guarded ..."] [--smoke]
#   --smoke: 1 round of 1 s after a 3 s warm-up: proves that every server builds, starts, answers and is measured.
#   env: MVN (default "mvn -B -q"; add -o offline), SKIP_BUILD=1 (reuse the jars), USE_WRK=0 (KeepAliveLoad instead:
#        it saturates before the servers, so its figures are not the servers'), JAVA_OPTS, OUT (results directory).
# The peers' jars come from benchmarks/peers (its own Maven build, outside the main reactor: see its pom.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=8
SECS=5
WARMUP=10
CONNECTIONS=64
SERVERS="bare guarded reactor-netty reactor-netty-metrics armeria"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --smoke) ROUNDS=1; SECS=1; WARMUP=3; shift ;;
    *) echo "unknown argument: $1 (expected: --rounds N, --seconds S, --warmup S, --connections C, --servers LIST, --smoke)" >&2
       exit 2 ;;
  esac
done
for n in "$ROUNDS" "$SECS" "$WARMUP" "$CONNECTIONS"; do
  case "$n" in ''|*[!0-9]*|0) echo "not a positive integer: '$n'" >&2; exit 2 ;; esac
done
case " $SERVERS " in *" bare "*) ;; *) echo "--servers must include bare (the ratios are against it)" >&2; exit 2 ;; esac

MVN=${MVN:-mvn -B -q}
JAR=benchmarks/target/benchmarks.jar
ARMERIA_JAR=benchmarks/peers/armeria/target/peer-armeria.jar
REACTOR_JAR=benchmarks/peers/reactor-netty/target/peer-reactor-netty.jar
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  $MVN -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
  $MVN -f benchmarks/peers/pom.xml package
fi
for j in "$JAR" "$ARMERIA_JAR" "$REACTOR_JAR"; do
  [ -f "$j" ] || { echo "missing $j (run without SKIP_BUILD=1)" >&2; exit 1; }
done
# Same heap and collector for every server, whatever the pinning does to the JVM's ergonomics (1 CPU: Serial GC).
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
OUT=${OUT:-benchmarks/target/peers-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

# shellcheck source=benchmarks/lib/rounds.sh
source benchmarks/lib/rounds.sh
USE_WRK=${USE_WRK:-1}
if [ "$USE_WRK" != 0 ] && command -v wrk >/dev/null 2>&1; then
  LOADER="wrk -t1 -c$CONNECTIONS"
else
  LOADER="KeepAliveLoad, $CONNECTIONS connections (no wrk: the loader saturates first, the figures are not the servers')"
  USE_WRK=0
fi

# Starts server $1 on port $2, pinned, its output in $OUT/<server>.log; sets PID[$1].
start() {
  local cmd
  case "$1" in
    bare|guarded) cmd=(java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.server.HelloServer "$1" "$2" 1) ;;
    reactor-netty) cmd=(java $JAVA_OPTS -Dreactor.netty.native=false -jar "$REACTOR_JAR" "$2" plain) ;;
    reactor-netty-metrics) cmd=(java $JAVA_OPTS -Dreactor.netty.native=false -jar "$REACTOR_JAR" "$2" metrics) ;;
    armeria) cmd=(java $JAVA_OPTS -Dcom.linecorp.armeria.transportType=nio -jar "$ARMERIA_JAR" "$2") ;;
    *) echo "unknown server: $1 (expected: bare, guarded, reactor-netty, reactor-netty-metrics, armeria)" >&2; exit 2 ;;
  esac
  "${SERVER_PIN[@]}" "${cmd[@]}" >"$OUT/$1.log" 2>&1 &
  PID[$1]=$!
}

# Loads server $1 for $2 seconds; prints "requests requests_per_second".
load() {
  local port=${PORT[$1]} out
  if [ "$USE_WRK" != 0 ]; then
    out=$("${LOAD_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"$2s" "http://127.0.0.1:$port/hello")
    echo "$out" >"$OUT/$1.wrk.txt"   # the last run's full output, for a round that looks wrong
    if grep -q "Non-2xx" <<<"$out"; then echo "$1 answered non-2xx:" >&2; echo "$out" >&2; exit 1; fi
    awk '/ requests in / { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%d %.0f\n", n, r }' <<<"$out"
  else
    out=$("${LOAD_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.precision.KeepAliveLoad --port "$port" \
      --connections "$CONNECTIONS" --seconds "$2")
    awk -v s="$2" -F'[= ]' '/^requests\/s=/ { printf "%d %.0f\n", $2 * s, $2 }' <<<"$out"
  fi
}

# shellcheck disable=SC2206
LIST=($SERVERS)
LOAD_LOG=wrk.txt
rounds_start_all
{
  echo "peer harness $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds x ${SECS}s per server after ${WARMUP}s warm-up each"
  rounds_commit_line
  echo "loader: $LOADER; pinning: $PINNING; server JVM: $JAVA_OPTS; CPU from /proc/<pid>/stat at $TCK ticks/s"
} | tee "$OUT/summary.txt"
rounds_run
rounds_table 22
