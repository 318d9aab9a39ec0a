#!/usr/bin/env bash
# Runs every benchmark behind docs/benchmarks.md and keeps the output under benchmarks/target/run-all-*/.
#   benchmarks/run-all.sh           full set, under 15 minutes on 2 cores
#   benchmarks/run-all.sh --smoke   a few seconds per part: CI keeps every benchmark compiling and running
# Env: MVN (default "mvn -B -q"; add -o offline), SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar (and the
#      peers' jars), PEERS=0|1 the peer harness (benchmarks/peers.sh: its own build and ~4.5 min; default 1 in the
#      full set, 0 in --smoke, where it would add ~45 s with its build); the HTTP/2 peer harness
#      (benchmarks/peers-h2.sh, needs h2load) runs in both, with Armeria only when PEERS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=full
if [ "${1:-}" = "--smoke" ]; then MODE=smoke; fi
MVN=${MVN:-mvn -B -q}
JAR=benchmarks/target/benchmarks.jar
if [ "$MODE" = smoke ]; then PEERS=${PEERS:-0}; else PEERS=${PEERS:-1}; fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  $MVN -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
  if [ "$PEERS" = 1 ]; then $MVN -f benchmarks/peers/pom.xml package; fi
fi
OUT=benchmarks/target/run-all-$MODE-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
JAVA_OPTS="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
# JMH: context vs grpc Context, breaker vs Resilience4j, integrity tracker and guard, client vs reactor-netty,
# server pipeline bare vs guarded; each compared in the same run, with the GC profiler.
# One JMH run per suite, each under ~3 minutes, so that a shared machine is never held for long.
JMH_SUITES=('context\.ContextBenchmark' 'breaker\.CircuitBreakerBenchmark' 'chain\.' 'client\.HttpClientBenchmark'
  'server\.ServerGuardBenchmark' 'server\.AdmissionBenchmark' 'jfr\.JfrEventsBenchmark' 'context\.ContextCarriersBenchmark' 'timeline\.')
if [ "$MODE" = smoke ]; then
  JMH_OPTS=(-f 0 -wi 0 -i 1 -r 100ms -foe true)
  # a smoke run measures nothing, so it may share the machine with another JMH run (the lock would stop it)
  JAVA_OPTS="$JAVA_OPTS -Djmh.ignoreLock=true"
  PRECISION=(--requests 50 --rounds 1)
  STEADY_TIMEOUT_MS=100
  OVERHEAD=(1 1)
  GUARD_COST=(1 500)
  SCALE=(--smoke)
  OVERLOAD=(--smoke)
  PEER_ARGS=(--smoke)
  export WARMUP=1
else
  JMH_OPTS=(-f 1 -wi 3 -w 1s -i 5 -r 1s -foe true)
  PRECISION=(--requests 1000 --rounds 5)
  STEADY_TIMEOUT_MS=1000
  OVERHEAD=(5 6)
  GUARD_COST=(20 20000)
  SCALE=()
  OVERLOAD=()
  PEER_ARGS=()
fi

{
  echo "run-all ($MODE) $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(java -version 2>&1 | head -1),"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo n/a)"
} | tee "$OUT/summary.txt"

START=$SECONDS
for suite in "${JMH_SUITES[@]}"; do
  name=${suite%%\\*}
  echo "== JMH $suite ($MODE)" | tee -a "$OUT/summary.txt"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" "$suite" "${JMH_OPTS[@]}" -prof gc -rf text -rff "$OUT/jmh-$name.txt" \
    > "$OUT/jmh-$name.log"
  tee -a "$OUT/summary.txt" < "$OUT/jmh-$name.txt"
done

echo "== breaker detection check" | tee -a "$OUT/summary.txt"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.breaker.BreakerDetectionCheck | tee -a "$OUT/summary.txt"

echo "== deadline precision" | tee -a "$OUT/summary.txt"
# slf4j at error: the guard's WARN per deadline answer goes to stderr synchronously and would be measured too
# burst: all deadlines expire at once (100 ms); steady: ~1000 in flight, deadlines expiring one after another
java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$JAR" \
  dev.stability.benchmarks.precision.DeadlinePrecision "${PRECISION[@]}" --mode burst --timeout-ms 100 \
  | tee -a "$OUT/summary.txt"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$JAR" \
  dev.stability.benchmarks.precision.DeadlinePrecision "${PRECISION[@]}" --mode steady \
  --timeout-ms "$STEADY_TIMEOUT_MS" | tee -a "$OUT/summary.txt"

echo "== guard overhead" | tee -a "$OUT/summary.txt"
JAR="$JAR" benchmarks/guard-overhead.sh "${OVERHEAD[@]}" | tee -a "$OUT/summary.txt"

echo "== guard cost (pipeline CPU and allocation per request: every guard, without admission, without meters)" \
  | tee -a "$OUT/summary.txt"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$JAR" dev.stability.benchmarks.server.GuardCostHarness "${GUARD_COST[@]}" \
  | tee -a "$OUT/summary.txt"

echo "== overload harness" | tee -a "$OUT/summary.txt"
# open-loop load at 0.5x-4x of capacity: no admission control, ours, Netflix Gradient2 (docs/benchmarks.md)
java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$JAR" \
  dev.stability.benchmarks.overload.OverloadHarness "${OVERLOAD[@]}" | tee -a "$OUT/summary.txt"

echo "== scale probe" | tee -a "$OUT/summary.txt"
SKIP_BUILD=1 benchmarks/scale-probe.sh "${SCALE[@]}" | tee -a "$OUT/summary.txt"

if [ "$PEERS" = 1 ]; then
  echo "== peer harness" | tee -a "$OUT/summary.txt"
  SKIP_BUILD=1 OUT="$OUT/peers" benchmarks/peers.sh "${PEER_ARGS[@]}" | tee -a "$OUT/summary.txt"
fi

echo "== HTTP/2 peer harness" | tee -a "$OUT/summary.txt"
# h2load -c 8 -m 32: bare Netty HTTP/2, guarded, and Armeria when the peers are built (PEERS=1)
if [ "$MODE" = smoke ]; then H2_ARGS=(--smoke); elif [ "$PEERS" = 1 ]; then H2_ARGS=(); else
  H2_ARGS=(--servers "bare guarded"); fi
if command -v h2load >/dev/null 2>&1; then
  SKIP_BUILD=1 OUT="$OUT/peers-h2" benchmarks/peers-h2.sh "${H2_ARGS[@]}" | tee -a "$OUT/summary.txt"
else
  echo "no h2load (apt-get install -y nghttp2-client): skipped" | tee -a "$OUT/summary.txt"
fi

echo "done in $((SECONDS - START)) s; results in $OUT/summary.txt" | tee -a "$OUT/summary.txt"
