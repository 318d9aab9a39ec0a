#!/usr/bin/env bash
# Scale probe: memory per idle keep-alive connection and per in-flight request with a deadline (heap and direct),
# bare Netty against the guarded server, each server in its own JVM on 127.0.0.1 (dev.stability.benchmarks.scale).
# Prints one line per mode and the difference guarded - bare. Raises the open-file limit for the N connections
# (each side holds N sockets); bounded: every step of the probe times out after 60 s, the whole run after 10 min,
# and the server JVMs stop with it (quit, destroy, or the end of their input).
#
# Usage: benchmarks/scale-probe.sh [--connections N=10000] [--smoke]   (--smoke: 500 connections)
#   env: MVN (default "mvn -B -q"; add -o offline), SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) N=$2; shift 2 ;;
    --smoke) N=500; shift ;;
    *) echo "unknown argument: $1 (expected: --connections N, --smoke)" >&2; exit 2 ;;
  esac
done
case "$N" in ''|*[!0-9]*|0) echo "connections: '$N' (expected: a positive integer)" >&2; exit 2 ;; esac
MVN=${MVN:-mvn -B -q}
JAR=benchmarks/target/benchmarks.jar
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  $MVN -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
fi

WANT=$((N + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$WANT" ]; then
  # without -H or -S bash sets both limits: enough as root, or where the hard limit already allows it
  ulimit -n "$WANT" 2>/dev/null || {
    echo "cannot raise the open-file limit to $WANT (now $(ulimit -n), hard $(ulimit -Hn)): use fewer connections" >&2
    exit 1
  }
fi
read -r LO HI < /proc/sys/net/ipv4/ip_local_port_range
if [ $((HI - LO)) -lt $((N + 200)) ]; then
  echo "the ephemeral port range $LO-$HI is too small for $N connections" >&2; exit 1
fi

echo "scale probe $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo n/a)," \
  "$(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg), open files $(ulimit -n)"
timeout --kill-after=10 600 java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR" \
  dev.stability.benchmarks.scale.ScaleProbe --connections "$N"
