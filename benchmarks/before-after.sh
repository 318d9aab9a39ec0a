#!/usr/bin/env bash
# Before/after on a real socket: the guarded hello world of two builds against bare Netty, in one run.
#   benchmarks/before-after.sh BEFORE.jar AFTER.jar [--rounds N=16] [--seconds S=5] [--warmup S=10]
# BEFORE.jar / AFTER.jar: benchmarks/target/benchmarks.jar of each build (e.g. built at two commits and copied
# aside). Three servers (HelloServer bare from AFTER.jar, guarded from each jar), one event loop each, pinned to
# CPU 0 with the JVM options of peers.sh; wrk -t1 -c64 on CPU 1. Every round loads each server once, the order
# rotated by one per round; CPU per request is the server's utime+stime from /proc/<pid>/stat over the run
# divided by the requests served. Prints each round, then the medians of the within-round ratios: bare/guarded for
# each build, and before/after (above 1: the after build needs less CPU per request).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE.jar AFTER.jar [--rounds N] [--seconds S] [--warmup S]" >&2; exit 2; }
BEFORE=$1; AFTER=$2; shift 2
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
PIN_SERVER=(); PIN_LOAD=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN_SERVER=(taskset -c 0); PIN_LOAD=(taskset -c 1); fi
OPTS=(-Xms256m -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
OUT=$(mktemp -d)
NAMES=(bare before after); JARS=("$AFTER" "$BEFORE" "$AFTER"); MODES=(bare guarded guarded); PORTS=(18201 18202 18203)
PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop EXIT INT TERM
for i in 0 1 2; do
  "${PIN_SERVER[@]}" java "${OPTS[@]}" -cp "${JARS[$i]}" dev.stability.benchmarks.server.HelloServer \
    "${MODES[$i]}" "${PORTS[$i]}" 1 > "$OUT/${NAMES[$i]}.log" 2>&1 &
  PIDS+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:${PORTS[$i]}/" && break
    sleep 0.1
  done
  "${PIN_LOAD[@]}" wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:${PORTS[$i]}/" > /dev/null
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "before/after $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds x ${SECS}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "before: $BEFORE; after: $AFTER"
for r in $(seq 1 "$ROUNDS"); do
  line="  round $r:"
  for k in 0 1 2; do
    i=$(( (k + r) % 3 ))
    t0=$(ticks "${PIDS[$i]}")
    n=$("${PIN_LOAD[@]}" wrk -t1 -c64 -d"${SECS}s" "http://127.0.0.1:${PORTS[$i]}/" | awk '/requests in/{print $1}')
    t1=$(ticks "${PIDS[$i]}")
    [ "${n:-0}" -gt 0 ] || { echo "${NAMES[$i]} served nothing in round $r" >&2; exit 1; }
    us=$(awk -v t="$((t1 - t0))" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t * 1e6 / hz / n }')
    echo "$r ${NAMES[$i]} $us" >> "$OUT/rounds.tsv"
    line="$line ${NAMES[$i]} ${us}us"
  done
  echo "$line"
done
# per round: the three servers' figures side by side, then the medians (and spread) of the ratios
awk '{ us[$1 "," $2] = $3; rounds[$1] = 1 }
  END { for (r in rounds) print us[r ",bare"] / us[r ",before"], us[r ",bare"] / us[r ",after"],
    us[r ",before"] / us[r ",after"], us[r ",bare"], us[r ",before"], us[r ",after"] }' "$OUT/rounds.tsv" \
  > "$OUT/ratios.tsv"
median() { # column of ratios.tsv -> "median [min-max]"
  sort -g -k"$1","$1" "$OUT/ratios.tsv" | awk -v c="$1" '{ v[NR] = $c }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.3f [%.3f-%.3f]", m, v[1], v[NR] }'
}
echo "bare/before CPU  median $(median 1)"
echo "bare/after CPU   median $(median 2)"
echo "before/after CPU median $(median 3)   (above 1: the after build needs less CPU per request)"
echo "us CPU/request medians: bare $(median 4 | cut -d' ' -f1), before $(median 5 | cut -d' ' -f1), after $(median 6 | cut -d' ' -f1)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
