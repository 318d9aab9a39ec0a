#!/usr/bin/env bash
# Guard overhead: the same hello-world Netty server bare and with the full guard stack (the server helper's harness,
# dev.stability.benchmarks.server.HelloServer, one event loop each), loaded in alternating rounds on keep-alive
# connections by wrk when it is installed, else by dev.stability.benchmarks.precision.KeepAliveLoad.
# Prints requests/s per round and the ratio guarded/bare (target >= 0.95): the median of the per-round ratios,
# each round measuring both servers back to back, is the figure to read on a shared machine.
#
# Usage: benchmarks/guard-overhead.sh [seconds-per-round=5] [rounds=6]
#   env: CONNECTIONS=64, WARMUP=5 (seconds per server), USE_WRK=0 to use KeepAliveLoad even where wrk exists, JAR=...
# Needs the JMH jar: mvn -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-benchmarks/target/benchmarks.jar}
SECS=${1:-5}
ROUNDS=${2:-6}
CONNECTIONS=${CONNECTIONS:-64}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}

free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

wait_port() {
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; exit 1
}

has_wrk() {
  [ "${USE_WRK:-1}" != 0 ] && command -v wrk >/dev/null 2>&1
}

# Prints the requests/s of one run against port $1 for $2 seconds.
load() {
  if has_wrk; then
    wrk -t1 -c"$CONNECTIONS" -d"$2s" "http://127.0.0.1:$1/hello" | awk '/Requests\/sec/ {print int($2)}'
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.precision.KeepAliveLoad --port "$1" \
      --connections "$CONNECTIONS" --seconds "$2" | sed -n 's/^requests\/s=\([0-9]*\).*/\1/p'
  fi
}

BARE_PORT=$(free_port)
GUARDED_PORT=$(free_port)
while [ "$GUARDED_PORT" = "$BARE_PORT" ]; do GUARDED_PORT=$(free_port); done
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.server.HelloServer bare "$BARE_PORT" 1 >/dev/null 2>&1 &
BARE_PID=$!
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.server.HelloServer guarded "$GUARDED_PORT" 1 >/dev/null 2>&1 &
GUARDED_PID=$!
trap 'kill "$BARE_PID" "$GUARDED_PID" 2>/dev/null || true' EXIT
wait_port "$BARE_PORT"
wait_port "$GUARDED_PORT"

LOADER=$(has_wrk && echo "wrk -t1 -c$CONNECTIONS" || echo "KeepAliveLoad (no wrk), $CONNECTIONS connections")
echo "guard overhead: $ROUNDS rounds x ${SECS}s per server, loader: $LOADER, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
WARMUP=${WARMUP:-5}
load "$BARE_PORT" "$WARMUP" >/dev/null      # warm-up (JIT), not counted
load "$GUARDED_PORT" "$WARMUP" >/dev/null
RATIOS=()
BARE_SUM=0
GUARDED_SUM=0
for r in $(seq 1 "$ROUNDS"); do
  # alternate the order so that a drift in machine load does not always favour the same server
  if [ $((r % 2)) = 1 ]; then B=$(load "$BARE_PORT" "$SECS"); G=$(load "$GUARDED_PORT" "$SECS")
  else G=$(load "$GUARDED_PORT" "$SECS"); B=$(load "$BARE_PORT" "$SECS"); fi
  RATIO=$(awk -v b="$B" -v g="$G" 'BEGIN { printf "%.3f", g / b }')
  echo "  round $r: bare ${B} req/s, guarded ${G} req/s, ratio $RATIO"
  RATIOS+=("$RATIO")
  BARE_SUM=$((BARE_SUM + B))
  GUARDED_SUM=$((GUARDED_SUM + G))
done
MEDIAN=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ v[NR] = $1 } END {
  print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
awk -v b="$BARE_SUM" -v g="$GUARDED_SUM" -v n="$ROUNDS" -v m="$MEDIAN" 'BEGIN {
  printf "bare %.0f req/s, guarded %.0f req/s (means); ratio guarded/bare: median of rounds %.3f, of means %.3f (target >= 0.95)\n", b / n, g / n, m, g / b }'
