package dev.stability.examples.demo;

import dev.stability.breaker.CircuitBreakerState;
import dev.stability.chain.StageStats;
import dev.stability.chain.ViolationType;
import dev.stability.examples.internal.BreakerTransition;
import dev.stability.examples.internal.HttpService;
import dev.stability.examples.internal.LogTap;
import dev.stability.examples.internal.Meters;
import dev.stability.examples.internal.ServiceStats;
import dev.stability.examples.internal.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the run left in the services, the caller and the log tap; prints it and judges the
 * invariants.
 */
final class DemoReport {
  static final double SERVER_ALLOWANCE_MS = 10;

  private final DemoOptions options;
  private final DemoChain chain;
  private final LoadDriver driver;
  private final LogTap tap;
  private final long elapsedNanos;
  private final long dbStopped;
  private final int dbActive;
  private final SnapshotSection snapshots;

  DemoReport(
      DemoOptions options, DemoChain chain, LoadDriver driver, LogTap tap, long elapsedNanos) {
    this.options = options;
    this.chain = chain;
    this.driver = driver;
    this.tap = tap;
    this.elapsedNanos = elapsedNanos;
    this.dbStopped = chain.store.cancelledQueries();
    this.dbActive = chain.store.activeConnections();
    this.snapshots = new SnapshotSection(chain.snapshots, chain.breakerNames());
  }

  long requests() {
    return driver.sent();
  }

  void printTables(PrintStream out) {
    out.println();
    out.println(
        "Hops (calls by protocol, from the caller's http.client.requests): edge -> orders "
            + Meters.summary(protocols(chain.edge))
            + ", orders -> inventory "
            + Meters.summary(protocols(chain.orders))
            + " (h2c, prior knowledge: one connection, a stream per call)");
    out.println();
    out.println(
        "What each service answered (measured at its socket, guard answers included; loop lag: the"
            + " longest its event loop ran a timer late)");
    Table answers =
        Table.of(
            "service",
            "requests",
            "200",
            "500",
            "502",
            "503",
            "504",
            "other",
            "p50 ms",
            "p99 ms",
            "loop lag");
    for (HttpService s : chain.services()) {
      ServiceStats st = s.stats();
      Map<Integer, Long> by = st.statuses();
      long known = 0;
      for (int code : new int[] {200, 500, 502, 503, 504}) {
        known += by.getOrDefault(code, 0L);
      }
      answers.row(
          s.name(),
          st.responses(),
          by.getOrDefault(200, 0L),
          by.getOrDefault(500, 0L),
          by.getOrDefault(502, 0L),
          by.getOrDefault(503, 0L),
          by.getOrDefault(504, 0L),
          st.responses() - known,
          ms(st.percentileNanos(0.5) / 1e6),
          ms(st.percentileNanos(0.99) / 1e6),
          ms(s.loopLagMaxMillis()) + " ms");
    }
    out.print(answers.render());

    out.println();
    out.println("What the guards did");
    Table guards =
        Table.of(
            "service",
            "deadline exceeded (phase)",
            "downstream timeouts (phase)",
            "incidents",
            "integrity violations",
            "breaker");
    for (HttpService s : chain.services()) {
      long timeouts = Meters.total(s.registry(), "stability.server.timeouts");
      Map<String, Long> phases = tap.deadlinePhases(s.name());
      long named = phases.values().stream().mapToLong(Long::longValue).sum();
      if (timeouts > named) {
        phases.put("unlogged", timeouts - named);
      }
      guards.row(
          s.name(),
          Meters.summary(phases),
          Meters.summary(lower(Meters.byTag(s.registry(), "http.client.phase.timeouts", "phase"))),
          Meters.summary(Meters.byTag(s.registry(), "stability.server.guard.incidents", "kind")),
          Meters.summary(integrity(s)),
          transitionSummary(s));
    }
    out.print(guards.render());

    List<BreakerTransition> all = new ArrayList<>();
    chain.services().forEach(s -> all.addAll(s.transitions()));
    if (!all.isEmpty()) {
      out.println();
      out.println("Breaker transitions, in order");
      Table t = Table.of("breaker", "transition", "scenario phase", "cause");
      long early = all.stream().filter(x -> x.phase().equals("normal")).count();
      if (early
          > 0) { // only a busy machine makes healthy calls slow: summarise instead of flooding the
        // table
        t.row(
            "inventory",
            early + " transitions",
            "normal",
            "healthy calls slower than the slow-call duration " + "(the machine was busy)");
      }
      all.stream()
          .filter(x -> !x.phase().equals("normal"))
          .forEach(x -> t.row(x.breaker(), x.arrow(), x.phase(), x.cause()));
      out.print(t.render());
    }

    snapshots.print(out);

    out.println();
    out.println(
        "Budget of one traced request at each hop (x-request-timeout received -> remaining at handler "
            + "start)");
    List<DemoChain.Hop> hops = chain.traces.getOrDefault("trace-1", List.of());
    StringBuilder budget = new StringBuilder("  ");
    for (DemoChain.Hop h : hops) {
      budget
          .append(budget.length() > 2 ? "  ->  " : "")
          .append(h.service())
          .append(' ')
          .append(h.headerMillis() < 0 ? "none" : ms(h.headerMillis()) + " ms")
          .append(" (")
          .append(ms(h.remainingMillis()))
          .append(" ms left)");
    }
    out.println(budget);
    out.println(
        "  each hop keeps a "
            + DemoChain.MARGIN.toMillis()
            + " ms margin to answer its caller before "
            + "the caller gives up");

    out.println();
    out.println("Chain report of orders (Mermaid; GET /chain?format=md in serve mode)");
    out.println("  ```mermaid");
    for (String line : chain.orders.chain().report().toMermaid().split("\n")) {
      out.println("  " + line);
    }
    out.println("  ```");

    out.println();
    out.printf(
        Locale.ROOT,
        "Caller: %d requests in %.1f s, statuses %s, latency p50 %s ms, p99 %s ms, max %s ms"
            + " (deadline %d ms)%n",
        driver.sent(),
        elapsedNanos / 1e9,
        driver.statuses(),
        ms(driver.latencyMillis(0.5)),
        ms(driver.latencyMillis(0.99)),
        ms(driver.latencyMillis(1.0)),
        options.deadline().toMillis());
    out.printf(
        Locale.ROOT,
        "Logs: warnings %d, errors %d (the guards rate-limit repeats); run with "
            + "-Dstability.demo.logs=true to see them%n",
        tap.warnings(),
        tap.errors());
  }

  private Map<String, Long> integrity(HttpService s) {
    Map<String, Long> m =
        new TreeMap<>(Meters.byTag(s.registry(), "stability.server.integrity.violations", "kind"));
    long swallowed = 0;
    for (StageStats st : s.chain().report().stages()) {
      swallowed += st.violations(ViolationType.SWALLOWED);
    }
    if (swallowed > 0) {
      m.put("swallowed", swallowed);
    }
    return m;
  }

  private static Map<String, Long> lower(Map<String, Long> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  private static String transitionSummary(HttpService s) {
    long n = s.transitions().size();
    return n == 0 ? "-" : n + " transitions";
  }

  Invariants invariants(long leaks) {
    Invariants inv = new Invariants();
    inv.check(
        driver.failures().isEmpty() && driver.answered() == driver.sent(),
        "every request answered",
        "sent "
            + driver.sent()
            + ", answered "
            + driver.answered()
            + ", failed "
            + driver.failures().size()
            + (driver.failures().isEmpty() ? "" : " e.g. " + driver.failures().get(0)));

    long answers = 0;
    double p99 = 0;
    double max = 0;
    double lag = 0;
    boolean inTime = true;
    for (HttpService s : chain.services()) {
      Meters.Lateness l = Meters.lateness(s.registry());
      answers += l.count();
      p99 = Math.max(p99, l.p99Millis());
      max = Math.max(max, l.maxMillis());
      lag = Math.max(lag, s.loopLagMaxMillis());
      // a timer cannot fire before its loop runs: allow 10 ms beyond what the loop's own probe
      // measured
      inTime &= l.count() == 0 || l.p99Millis() <= SERVER_ALLOWANCE_MS + s.loopLagMaxMillis();
    }
    inv.check(
        inTime,
        "no answer after its deadline + 10 ms",
        String.format(
            Locale.ROOT,
            "%d guard deadline answers left late by p99 %s ms, max %s ms (server-reported);"
                + " the event loops' own scheduling lag reached %s ms (limit: p99 within 10 ms of it); the caller saw"
                + " answers at most %s ms past its deadline, time before the edge read the request included",
            answers,
            ms(p99),
            ms(max),
            ms(lag),
            ms(Math.max(0, driver.latenessMillis(1.0)))));

    inv.check(leaks == 0, "0 leaks", leaks + " LEAK reports at PARANOID level");

    // NONE: calls that never had a connection (an open breaker rejects them before the pool)
    Map<String, Long> hop = protocols(chain.orders);
    inv.check(
        hop.getOrDefault("HTTP/2", 0L) > 0 && Set.of("HTTP/2", "NONE").containsAll(hop.keySet()),
        "orders -> inventory went over HTTP/2",
        "calls by protocol: " + Meters.summary(hop));

    inv.check(
        dbStopped > 0 && dbActive == 0,
        "hung inventory queries cancelled by the deadline, pool healthy",
        dbStopped
            + " queries stopped by the request's deadline; "
            + dbActive
            + " database connections still in use at the end");

    List<BreakerTransition> t = chain.orders.transitions();
    boolean opened =
        t.stream().anyMatch(x -> x.to() == CircuitBreakerState.OPEN && x.phase().equals("slow"));
    boolean closed =
        t.stream()
            .anyMatch(x -> x.to() == CircuitBreakerState.CLOSED && x.phase().equals("recovery"));
    CircuitBreakerState now = chain.inventoryBreakerState();
    inv.check(
        opened && closed,
        "breaker opened while inventory was slow and closed after it recovered",
        "opened in slow phase: "
            + opened
            + ", closed in recovery: "
            + closed
            + ", state at the end "
            + now);

    inv.check(
        snapshots.holdsBreakerOpening(),
        "the breaker opening left a readable JFR snapshot holding the transition",
        snapshots.measured());

    Map<String, Map<Integer, Long>> faults = driver.faultStatuses();
    // a 504 is also a correct answer: on a starved machine the deadline can pass before the handler
    // runs
    boolean asDesigned =
        faults.keySet().equals(Set.of("panic", "swallow", "double"))
            && answered(faults.get("panic"), 500)
            && answered(faults.get("swallow"), 500)
            && answered(faults.get("double"), 200);
    inv.check(
        asDesigned,
        "injected faults answered as designed (throw -> 500, forget -> 500, twice -> one 200;"
            + " a protective 503/504 when the machine is too slow)",
        faults.toString());
    return inv;
  }

  private static boolean answered(Map<Integer, Long> statuses, int expected) {
    return statuses.containsKey(expected)
        && Set.of(expected, 503, 504).containsAll(statuses.keySet());
  }

  void printInvariants(PrintStream out, Invariants inv) {
    out.println();
    out.println("Invariants");
    inv.checked().forEach(line -> out.println("  " + line));
    out.println();
    out.println(inv.verdict());
  }

  /** The calls a service made, by protocol. */
  static Map<String, Long> protocols(HttpService caller) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (io.micrometer.core.instrument.Timer t :
        caller.registry().find("http.client.requests").timers()) {
      if (t.count() > 0) {
        out.merge(String.valueOf(t.getId().getTag("protocol")), t.count(), Long::sum);
      }
    }
    return out;
  }

  static String ms(double millis) {
    String format = Math.abs(millis) >= 100 ? "%.0f" : Math.abs(millis) >= 1 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, format, millis);
  }
}
