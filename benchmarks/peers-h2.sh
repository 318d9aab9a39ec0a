#!/usr/bin/env bash
# HTTP/2 peer harness: the same hello world (GET /hello -> "Hello, World!", one event loop, h2c with prior knowledge)
#   bare      Netty 4.2 Http2FrameCodec + Http2MultiplexHandler, per stream the HTTP object codec, aggregator and
#             the HTTP/1.1 hello handler; no guard (Http2HelloServer bare)
#   guarded   stability's server with http2(Http2Limits.ofDefaults()), every guard and metric on, the same handler
#             per stream (Http2HelloServer guarded)
#   armeria   Armeria 1.34.1 (the peers build), its request timeout on (10 s); it speaks h2c on its HTTP port
# loaded by h2load -c 8 -m 32 (8 connections, 32 concurrent streams each), the servers pinned to CPU 0 and h2load
# to CPU 1 (taskset, with 2+ cores), in rotating rounds as benchmarks/peers.sh: every round runs each server once,
# the order shifted by one per round. Per server and round: requests/s and the server's CPU per request from
# /proc/<pid>/stat (utime+stime delta / requests). Ratios inside each round against bare, medians over rounds.
#
# Usage: benchmarks/peers-h2.sh [--rounds N=6] [--seconds S=5] [--warmup S=5] [--servers "bare guarded armeria"]
#                               [--smoke]
#   --smoke: 1 round of 2 s after a 3 s warm-up, bare and guarded only (no peers build): every server starts,
#            answers over h2c and is measured.
#   env: MVN (default "mvn -B -q"), SKIP_BUILD=1 (reuse the jars), JAVA_OPTS, OUT (results directory).
# Needs h2load (Debian nghttp2-client).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=6
SECS=5
WARMUP=5
SERVERS="bare guarded armeria"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --smoke) ROUNDS=1; SECS=2; WARMUP=3; SERVERS="bare guarded"; shift ;;
    *) echo "unknown argument: $1 (expected: --rounds N, --seconds S, --warmup S, --servers LIST, --smoke)" >&2
       exit 2 ;;
  esac
done
for n in "$ROUNDS" "$SECS" "$WARMUP"; do
  case "$n" in ''|*[!0-9]*|0) echo "not a positive integer: '$n'" >&2; exit 2 ;; esac
done
case " $SERVERS " in *" bare "*) ;; *) echo "--servers must include bare (the ratios are against it)" >&2; exit 2 ;; esac
command -v h2load >/dev/null 2>&1 || { echo "no h2load: apt-get install -y nghttp2-client" >&2; exit 1; }

MVN=${MVN:-mvn -B -q}
JAR=benchmarks/target/benchmarks.jar
ARMERIA_JAR=benchmarks/peers/armeria/target/peer-armeria.jar
NEEDS_PEERS=0
case " $SERVERS " in *" armeria "*) NEEDS_PEERS=1 ;; esac
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  $MVN -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
  if [ "$NEEDS_PEERS" = 1 ]; then $MVN -f benchmarks/peers/pom.xml package; fi
fi
[ -f "$JAR" ] || { echo "missing $JAR (run without SKIP_BUILD=1)" >&2; exit 1; }
if [ "$NEEDS_PEERS" = 1 ] && [ ! -f "$ARMERIA_JAR" ]; then
  echo "missing $ARMERIA_JAR (run without SKIP_BUILD=1)" >&2; exit 1
fi
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
OUT=${OUT:-benchmarks/target/peers-h2-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

# shellcheck source=benchmarks/lib/rounds.sh
source benchmarks/lib/rounds.sh

start() {
  local cmd
  case "$1" in
    bare|guarded) cmd=(java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.server.Http2HelloServer "$1" "$2" 1) ;;
    armeria) cmd=(java $JAVA_OPTS -Dcom.linecorp.armeria.transportType=nio -jar "$ARMERIA_JAR" "$2") ;;
    *) echo "unknown server: $1 (expected: bare, guarded, armeria)" >&2; exit 2 ;;
  esac
  "${SERVER_PIN[@]}" "${cmd[@]}" >"$OUT/$1.log" 2>&1 &
  PID[$1]=$!
}

load() {
  local port=${PORT[$1]} out
  out=$("${LOAD_PIN[@]}" h2load -c 8 -m 32 -D "$2" "http://127.0.0.1:$port/hello")
  echo "$out" >"$OUT/$1.h2load.txt"
  if ! grep -q "status codes: [0-9]* 2xx, 0 3xx, 0 4xx, 0 5xx" <<<"$out"; then
    echo "$1 answered non-2xx or failed:" >&2; echo "$out" >&2; exit 1
  fi
  awk '/^finished in/ { r = $4 } /^requests:/ { n = $8 } END { printf "%d %.0f\n", n, r }' <<<"$out"
}

# shellcheck disable=SC2206
LIST=($SERVERS)
LOAD_LOG=h2load.txt
rounds_start_all
{
  echo "HTTP/2 peer harness $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds x ${SECS}s per server after ${WARMUP}s warm-up each"
  rounds_commit_line
  echo "loader: $(h2load --version | head -1) -c 8 -m 32; pinning: $PINNING; server JVM: $JAVA_OPTS"
} | tee "$OUT/summary.txt"
rounds_run
rounds_table 10
