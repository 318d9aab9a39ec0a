# Shared by benchmarks/peers.sh, peers-h2.sh and before-after.sh (sourced, not run): start servers pinned to one
# CPU, load each in rotating rounds from the other, take each server's CPU per request from /proc/<pid>/stat, and
# print per server the medians of the within-round ratios against bare.
#
# The caller sets OUT (results directory), LIST (an array of server names, "bare" among them), ROUNDS, SECS,
# WARMUP, LOAD_LOG (the suffix of the file in which its load function keeps the last output, e.g. wrk.txt), and
# defines two functions:
#   start NAME PORT  starts that server in the background, "${SERVER_PIN[@]}" before its command, its output in
#                    $OUT/NAME.log, and sets PID[NAME]=$!
#   load NAME SECS   loads it ("${LOAD_PIN[@]}" before the loader) and prints "requests requests_per_second"
# rounds.tsv in $OUT gets one line per round and server: round, server, requests, requests/s, µs CPU per request.

if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  SERVER_PIN=(taskset -c 0); LOAD_PIN=(taskset -c 1); PINNING="servers on CPU 0, loader on CPU 1"
else
  SERVER_PIN=(); LOAD_PIN=(); PINNING="none (no taskset or 1 core)"
fi
TCK=$(getconf CLK_TCK)

declare -A PID PORT
# Stops every server started, on every way out: TERM, then KILL for any still there after 10 s.
rounds_cleanup() {
  local s i
  for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; done
  for s in "${!PID[@]}"; do
    for i in $(seq 1 100); do kill -0 "${PID[$s]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PID[$s]}" 2>/dev/null || true
    wait "${PID[$s]}" 2>/dev/null || true
  done
}
trap rounds_cleanup EXIT
trap 'exit 130' INT TERM

# A port nothing listens on, below the kernel's ephemeral range (32768+): a port that an outgoing connection of the
# run before (the scale probe's thousands) still holds passes the connect test but cannot be bound.
free_port() {
  local p
  for p in $(shuf -i 10000-19999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
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

# utime+stime of process $1 in clock ticks (fields 14 and 15; the name in field 2 may hold spaces).
cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat")
  s=${s##*) }
  awk '{ print $12 + $13 }' <<<"$s"
}

# Starts every server of LIST on a port of its own and waits until each accepts connections.
rounds_start_all() {
  local s p
  for s in "${LIST[@]}"; do
    p=$(free_port)
    while [[ " ${PORT[*]} " == *" $p "* ]]; do p=$(free_port); done
    PORT[$s]=$p
    start "$s" "$p"
  done
  for s in "${LIST[@]}"; do wait_port "$s" "${PORT[$s]}"; done
}

# Warms every server up (not counted), then ROUNDS rounds, each loading every server once for SECS, the order
# shifted by one server per round; prints each round and appends it to $OUT/summary.txt.
rounds_run() {
  local s r i n res reqs rps before after us line
  for s in "${LIST[@]}"; do load "$s" "$WARMUP" >/dev/null; done   # JIT warm-up
  : >"$OUT/rounds.tsv"
  n=${#LIST[@]}
  for r in $(seq 1 "$ROUNDS"); do
    line="  round $r:"
    for i in $(seq 0 $((n - 1))); do
      s=${LIST[$(((i + r - 1) % n))]}
      before=$(cpu_ticks "${PID[$s]}")
      res=$(load "$s" "$SECS")
      read -r reqs rps <<<"$res"
      after=$(cpu_ticks "${PID[$s]}")
      [ "$reqs" -gt 0 ] || { echo "$s served no request in round $r:" >&2; cat "$OUT/$s.$LOAD_LOG" >&2; exit 1; }
      us=$(awk -v t=$((after - before)) -v k="$TCK" -v n="$reqs" 'BEGIN { printf "%.2f", t * 1e6 / k / n }')
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$reqs" "$rps" "$us" >>"$OUT/rounds.tsv"
      line="$line $s ${rps}/s ${us}us"
    done
    echo "$line" | tee -a "$OUT/summary.txt"
  done
}

# Per round: bare's CPU per request over the server's (> 1: cheaper than bare) and the server's req/s over bare's;
# printed per server: the medians over rounds and the spread; $1 is the width of the name column.
rounds_table() {
  awk -F'\t' -v order="${LIST[*]}" -v w="$1" '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { rps[$1, $2] = $4; us[$1, $2] = $5; if ($1 > rounds) rounds = $1 }
    END {
      n = split(order, names, " ")
      printf "%-" w "s %10s %14s %24s %24s\n", "server", "req/s", "us CPU/req", "bare/server CPU [min-max]", "server/bare req/s [min-max]"
      for (k = 1; k <= n; k++) {
        s = names[k]; lo = 1e9; hi = 0; tlo = 1e9; thi = 0
        for (r = 1; r <= rounds; r++) {
          a[r] = rps[r, s]; b[r] = us[r, s]
          c[r] = us[r, s] > 0 ? us[r, "bare"] / us[r, s] : 0; d[r] = rps[r, s] / rps[r, "bare"]
          if (c[r] < lo) lo = c[r]; if (c[r] > hi) hi = c[r]; if (d[r] < tlo) tlo = d[r]; if (d[r] > thi) thi = d[r]
        }
        printf "%-" w "s %10.0f %14.2f %10.3f [%.3f-%.3f] %10.3f [%.3f-%.3f]\n", s, median(a, rounds), median(b, rounds),
          median(c, rounds), lo, hi, median(d, rounds), tlo, thi
      }
    }' "$OUT/rounds.tsv" | tee -a "$OUT/summary.txt"
  echo "medians over $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg) at end; results in $OUT" \
    | tee -a "$OUT/summary.txt"
}

# The header's second line: commit, cores, JDK, load average.
rounds_commit_line() {
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo n/a)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ local changes)'),"\
    "$(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
}
