#!/usr/bin/env bash
# Before/after on a real socket: the guarded hello world of two builds against bare Netty, in one run.
#   benchmarks/before-after.sh BEFORE.jar AFTER.jar [--rounds N=16] [--seconds S=5] [--warmup S=10]
# BEFORE.jar / AFTER.jar: benchmarks/target/benchmarks.jar of each build (e.g. built at two commits and copied
# aside). Three servers (HelloServer bare from AFTER.jar, guarded from each jar), one event loop each, with the
# JVM options, pinning, wrk load, rotating rounds and CPU per request of benchmarks/peers.sh (benchmarks/lib/
# rounds.sh). Prints each round, the peers.sh table (bare/server per build), then the median of the within-round
# before/after CPU ratios (above 1: the after build needs less CPU per request). Needs wrk.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE.jar AFTER.jar [--rounds N] [--seconds S] [--warmup S]" >&2; exit 2; }
BEFORE=$1; AFTER=$2; shift 2
cd "$(dirname "$0")/.."
ROUNDS=16; SECS=5; WARMUP=10
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "unknown argument: $1 (expected: --rounds N, --seconds S, --warmup S)" >&2; exit 2 ;;
  esac
done
for n in "$ROUNDS" "$SECS" "$WARMUP"; do
  case "$n" in ''|*[!0-9]*|0) echo "not a positive integer: '$n'" >&2; exit 2 ;; esac
done
for j in "$BEFORE" "$AFTER"; do [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
OUT=${OUT:-benchmarks/target/before-after-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
# shellcheck source=benchmarks/lib/rounds.sh
source benchmarks/lib/rounds.sh

start() {
  local jar mode=guarded
  case "$1" in
    bare) jar=$AFTER; mode=bare ;;
    before) jar=$BEFORE ;;
    after) jar=$AFTER ;;
  esac
  "${SERVER_PIN[@]}" java $JAVA_OPTS -cp "$jar" dev.stability.benchmarks.server.HelloServer "$mode" "$2" 1 \
    >"$OUT/$1.log" 2>&1 &
  PID[$1]=$!
}

load() {
  local out
  out=$("${LOAD_PIN[@]}" wrk -t1 -c64 -d"$2s" "http://127.0.0.1:${PORT[$1]}/hello")
  echo "$out" >"$OUT/$1.wrk.txt"
  if grep -q "Non-2xx" <<<"$out"; then echo "$1 answered non-2xx:" >&2; echo "$out" >&2; exit 1; fi
  awk '/ requests in / { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%d %.0f\n", n, r }' <<<"$out"
}

LIST=(bare before after)
LOAD_LOG=wrk.txt
rounds_start_all
{
  echo "before/after $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds x ${SECS}s per server after ${WARMUP}s warm-up each"
  rounds_commit_line
  echo "before: $BEFORE; after: $AFTER; loader: wrk -t1 -c64; pinning: $PINNING; server JVM: $JAVA_OPTS"
} | tee "$OUT/summary.txt"
rounds_run
rounds_table 10
awk -F'\t' '{ us[$1, $2] = $5; if ($1 > rounds) rounds = $1 }
  END {
    for (r = 1; r <= rounds; r++) v[r] = us[r, "before"] / us[r, "after"]
    for (i = 2; i <= rounds; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    m = (rounds % 2) ? v[(rounds + 1) / 2] : (v[rounds / 2] + v[rounds / 2 + 1]) / 2
    printf "before/after CPU per request: median %.3f [%.3f-%.3f] (above 1: the after build needs less)\n", m, v[1], v[rounds]
  }' "$OUT/rounds.tsv" | tee -a "$OUT/summary.txt"
