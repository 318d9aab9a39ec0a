package dev.stability.benchmarks.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scale probe (not JMH): how much memory a server holds per idle keep-alive connection and per
 * in-flight request with a deadline, heap and direct, bare Netty against the guarded server.
 *
 * <p>For each mode a {@link ScaleServer} runs in its own JVM (Serial GC, so that {@code
 * System.gc()} leaves the live set), one event loop on 127.0.0.1. After a warm-up (64 connections
 * through both paths, then closed) the server's memory is taken ({@code base}); then {@code
 * --connections} keep-alive connections each get one answered GET and stay open ({@code idle});
 * then each sends a GET the handler holds, ended only by the deadline (10 min, never reached:
 * {@code in flight}); then all are closed ({@code closed}: what a connection leaves behind). Per
 * connection is (idle - base) / N, per in-flight request (in flight - idle) / N. Every wait is
 * bounded (60 s a step) and the server process is stopped on every path.
 *
 * <p>Run (the script raises {@code ulimit -n}): {@code benchmarks/scale-probe.sh [--connections
 * 10000]}, or {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.scale.ScaleProbe --connections 10000 --modes bare,guarded}.
 */
public final class ScaleProbe {
  private static final int WARM = 64;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

  private ScaleProbe() {}

  /**
   * Runs the probe and prints one line per mode and the difference.
   *
   * @param args {@code --connections N} (default 10000), {@code --modes bare,guarded}, {@code
   *     --heap 1g}
   * @throws Exception when a step fails or times out
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("argument: " + args[i] + " (expected: --name value)");
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    int n = Integer.parseInt(a.getOrDefault("connections", "10000"));
    if (n < 1 || n > 50_000) {
      throw new IllegalArgumentException("connections: " + n + " (expected: 1 to 50000)");
    }
    List<String> jvm =
        List.of(
            "-Xms" + a.getOrDefault("heap", "1g"),
            "-Xmx" + a.getOrDefault("heap", "1g"),
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    String classpath = a.getOrDefault("classpath", System.getProperty("java.class.path"));
    System.out.printf(
        "scale probe: %d keep-alive connections on 127.0.0.1, one server event loop, server JVM %s%n",
        n, String.join(" ", jvm));
    List<Result> results = new ArrayList<>();
    for (String mode : a.getOrDefault("modes", "bare,guarded").split(",")) {
      Result r = probe(mode.trim(), n, jvm, classpath);
      results.add(r);
      System.out.println(r.format());
    }
    if (results.size() == 2) {
      System.out.println(Result.difference(results.get(1), results.get(0)));
    }
  }

  static Result probe(String mode, int n, List<String> jvm, String classpath) throws Exception {
    try (ServerProcess server = new ServerProcess(mode, jvm, classpath);
        ClientConnections client = new ClientConnections(server.port)) {
      client.open(WARM);
      client.sendOnAll("/hello");
      await(server, client, "responses", WARM, () -> client.responses());
      client.sendOnAll("/hold");
      await(server, client, "held", WARM, () -> ServerProcess.field(server.ask("count"), "held"));
      client.closeAll();
      await(
          server,
          client,
          "channels",
          0,
          () -> ServerProcess.field(server.ask("count"), "channels"));
      MemorySnapshot base = stats(server, 0);

      client.open(n);
      client.sendOnAll("/hello");
      await(server, client, "responses", WARM + n, () -> client.responses());
      MemorySnapshot idle = stats(server, n);

      client.sendOnAll("/hold");
      await(
          server, client, "held", WARM + n, () -> ServerProcess.field(server.ask("count"), "held"));
      MemorySnapshot inFlight = stats(server, n);

      client.closeAll();
      await(
          server,
          client,
          "channels",
          0,
          () -> ServerProcess.field(server.ask("count"), "channels"));
      MemorySnapshot closed = stats(server, 0);
      return new Result(mode, n, base, idle, inFlight, closed);
    }
  }

  /**
   * Takes the server's memory and checks that exactly {@code channels} connections are open on its
   * side.
   */
  private static MemorySnapshot stats(ServerProcess server, int channels)
      throws InterruptedException {
    String answer = server.ask("stats");
    int open = ServerProcess.field(answer, "channels");
    if (open != channels) {
      throw new IllegalStateException(
          "server has "
              + open
              + " connections open (expected: "
              + channels
              + "; did a timeout close some?): "
              + answer);
    }
    return MemorySnapshot.parse(answer);
  }

  private interface Count {
    int get() throws InterruptedException;
  }

  private static void await(
      ServerProcess server, ClientConnections client, String what, int expected, Count count)
      throws InterruptedException {
    long end = System.nanoTime() + STEP_TIMEOUT.toNanos();
    int seen;
    while ((seen = count.get()) != expected) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            what
                + ": "
                + seen
                + " after "
                + STEP_TIMEOUT
                + " (expected: "
                + expected
                + "; server "
                + server.ask("count")
                + ", client responses "
                + client.responses()
                + ")");
      }
      Thread.sleep(50); // polling a count across processes: there is no event to wait on
    }
  }
}
