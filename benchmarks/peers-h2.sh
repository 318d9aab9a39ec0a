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

if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  SERVER_PIN=(taskset -c 0); LOAD_PIN=(taskset -c 1); PINNING="servers on CPU 0, h2load on CPU 1"
else
  SERVER_PIN=(); LOAD_PIN=(); PINNING="none (no taskset or 1 core)"
fi

declare -A PID PORT
# Stops every server this script started, on every way out: TERM, then KILL for any still there after 10 s.
cleanup() {
  local s i
  for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; done
  for s in "${!PID[@]}"; do
    for i in $(seq 1 100); do kill -0 "${PID[$s]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PID[$s]}" 2>/dev/null || true
    wait "${PID[$s]}" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  # below the kernel's ephemeral range (32768+): a port an outgoing connection of the run before (the scale probe's
  # thousands) still holds passes the connect test but cannot be bound
  for p in $(shuf -i 10000-19999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

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

wait_port() {
  local i
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return; fi
    kill -0 "${PID[$1]}" 2>/dev/null || { echo "$1 exited; its log:" >&2; cat "$OUT/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 on port $2 did not start in 30 s" >&2; exit 1
}

cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat")
  s=${s##*) }
  awk '{ print $12 + $13 }' <<<"$s"
}

# Loads server $1 for $2 seconds with h2load; prints "requests requests_per_second".
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
for s in "${LIST[@]}"; do
  p=$(free_port)
  while [[ " ${PORT[*]} " == *" $p "* ]]; do p=$(free_port); done
  PORT[$s]=$p
  start "$s" "$p"
done
for s in "${LIST[@]}"; do wait_port "$s" "${PORT[$s]}"; done

TCK=$(getconf CLK_TCK)
{
  echo "HTTP/2 peer harness $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds x ${SECS}s per server after ${WARMUP}s warm-up each"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo n/a)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ local changes)'),"\
    "$(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
  echo "loader: $(h2load --version | head -1) -c 8 -m 32; pinning: $PINNING; server JVM: $JAVA_OPTS"
} | tee "$OUT/summary.txt"

for s in "${LIST[@]}"; do load "$s" "$WARMUP" >/dev/null; done   # JIT warm-up, not counted

: >"$OUT/rounds.tsv"
N=${#LIST[@]}
for r in $(seq 1 "$ROUNDS"); do
  line="  round $r:"
  for i in $(seq 0 $((N - 1))); do
    s=${LIST[$(((i + r - 1) % N))]}
    before=$(cpu_ticks "${PID[$s]}")
    res=$(load "$s" "$SECS")
    read -r reqs rps <<<"$res"
    after=$(cpu_ticks "${PID[$s]}")
    [ "$reqs" -gt 0 ] || { echo "$s served no request in round $r" >&2; cat "$OUT/$s.h2load.txt" >&2; exit 1; }
    us=$(awk -v t=$((after - before)) -v k="$TCK" -v n="$reqs" 'BEGIN { printf "%.2f", t * 1e6 / k / n }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$reqs" "$rps" "$us" >>"$OUT/rounds.tsv"
    line="$line $s ${rps}/s ${us}us"
  done
  echo "$line" | tee -a "$OUT/summary.txt"
done

awk -F'\t' -v order="$SERVERS" '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1, $2] = $4; us[$1, $2] = $5; if ($1 > rounds) rounds = $1 }
  END {
    n = split(order, names, " ")
    printf "%-10s %10s %14s %24s %24s\n", "server", "req/s", "us CPU/req", "bare/server CPU [min-max]", "server/bare req/s [min-max]"
    for (k = 1; k <= n; k++) {
      s = names[k]; lo = 1e9; hi = 0; tlo = 1e9; thi = 0
      for (r = 1; r <= rounds; r++) {
        a[r] = rps[r, s]; b[r] = us[r, s]
        c[r] = us[r, s] > 0 ? us[r, "bare"] / us[r, s] : 0; d[r] = rps[r, s] / rps[r, "bare"]
        if (c[r] < lo) lo = c[r]; if (c[r] > hi) hi = c[r]; if (d[r] < tlo) tlo = d[r]; if (d[r] > thi) thi = d[r]
      }
      printf "%-10s %10.0f %14.2f %10.3f [%.3f-%.3f] %10.3f [%.3f-%.3f]\n", s, median(a, rounds), median(b, rounds),
        median(c, rounds), lo, hi, median(d, rounds), tlo, thi
    }
  }' "$OUT/rounds.tsv" | tee -a "$OUT/summary.txt"
echo "medians over $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg) at end; results in $OUT" \
  | tee -a "$OUT/summary.txt"
