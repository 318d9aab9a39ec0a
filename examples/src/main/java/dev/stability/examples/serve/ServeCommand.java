package dev.stability.examples.serve;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.chain.ChainReport;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.examples.internal.BusyWork;
import dev.stability.examples.internal.HttpService;
import dev.stability.examples.internal.HttpServiceBuilder;
import dev.stability.examples.internal.Upstreams;
import dev.stability.jfr.snapshot.IncidentSnapshots;
import dev.stability.jfr.snapshot.SnapshotConfig;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.eventloop.BlockingOffload;
import dev.stability.netty.server.Http2Limits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code serve}: one guarded server with fault endpoints, plus an internal upstream for {@code
 * /downstream}.
 *
 * <pre>
 *   GET /hello            200 hello
 *   GET /slow?ms=N        answers after N ms (504 from the guard when N exceeds the deadline)
 *   GET /panic            the handler throws: 500 problem+json, the connection stays usable
 *   GET /swallow          the handler forgets to answer: 500 from the chain integrity guard
 *   GET /double           the handler answers twice: the second answer is dropped
 *   GET /downstream?ms=N  calls the internal upstream (N ms) through the client, breaker and deadline
 *   GET /cpu?us=N         N us of CPU-bound busy work on the event loop (&amp;offload=true: on the
 *                         --cpu-threads pool), to reproduce overload by hand
 *   GET /ready            200 while serving, 503 once SIGTERM (or {@link #shutdown}) started
 *   GET /metrics          Prometheus text
 *   GET /chain            the chain reports (server guard, application) as JSON; ?format=md for Markdown
 *                         and Mermaid
 * </pre>
 *
 * <p>Every query parameter is validated: {@code ms} is an integer from 0 to {@value #MAX_DELAY_MS},
 * {@code format} is {@code json} or {@code md}, none may be repeated, and a target that is not
 * valid percent-encoding ({@code /%zz}) is refused; each is answered 400 problem+json through
 * {@link dev.stability.guard.BadRequestException}, never 500.
 *
 * <p>With {@code --jfr-snapshots DIR} it keeps an {@link IncidentSnapshots} ring (the defaults of
 * {@link SnapshotConfig}: 2 min, 64 MiB, at most one snapshot a minute, the newest 10 kept) and
 * dumps it into DIR when the upstream breaker opens; each file is logged at WARN with its path and
 * counted in {@code stability_jfr_snapshots_total} on {@code /metrics}.
 */
public final class ServeCommand implements AutoCloseable {
  /**
   * The longest {@code ms} a fault endpoint accepts; more is answered 400, like any invalid
   * parameter.
   */
  static final long MAX_DELAY_MS = 600_000;

  private static final Set<String> FORMATS = Set.of("json", "md");
  private final HttpService upstream;
  private final HttpService server;
  private final PrometheusMeterRegistry prometheus;
  private final IncidentSnapshots snapshots; // null without --jfr-snapshots
  private final ServeOptions options;
  private volatile boolean stopping; // /ready answers 503 from the start of shutdown
  private final ExecutorService cpuPool; // /cpu?offload=true

  /** The routes of serve mode and its upstream: each has its own admission limit. */
  static final Set<String> ROUTES =
      Set.of(
          "/hello",
          "/slow",
          "/cpu",
          "/panic",
          "/swallow",
          "/double",
          "/downstream",
          "/ready",
          "/metrics",
          "/chain");

  /** The longest {@code us} of {@code /cpu}: {@value} (one second of CPU). */
  public static final long MAX_CPU_MICROS = 1_000_000;

  private static final Set<String> BOOLEANS = Set.of("true", "false");

  private ServeCommand(
      ServeOptions options, PrometheusMeterRegistry prometheus, IncidentSnapshots snapshots)
      throws InterruptedException {
    this.prometheus = prometheus;
    this.snapshots = snapshots;
    this.options = options;
    this.cpuPool =
        Executors.newFixedThreadPool(
            options.admission().cpuThreads(),
            r -> {
              Thread t = new Thread(r, "serve-cpu");
              t.setDaemon(true);
              return t;
            });
    BlockingOffload offload = BlockingOffload.on(cpuPool);
    ServerConfig guards = guardConfig(options);
    upstream =
        withSnapshots(HttpService.builder("upstream"), snapshots)
            .guardConfig(guards)
            .route(
                "/slow",
                call -> {
                  long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
                  String budget = call.headers().get(DeadlineHeader.REQUEST_TIMEOUT.headerName());
                  String got =
                      budget == null
                          ? "no deadline"
                          : "a deadline of "
                              + DeadlineHeader.REQUEST_TIMEOUT.parse(budget) / 1_000_000
                              + " ms";
                  call.later(
                      Duration.ofMillis(ms),
                      () -> call.text(200, "upstream answered after " + ms + " ms, given " + got));
                })
            .start();
    URI slow = upstream.uri().resolve("/slow");
    HttpServiceBuilder b =
        withSnapshots(HttpService.builder("serve"), snapshots)
            .host(options.host())
            .port(options.port())
            .registry(prometheus)
            // TLS on the public server only: the internal upstream is called over plain HTTP
            .guardConfig(publicGuards(options, guards))
            .breakerConfig(upstreamBreaker())
            // give up on the upstream 50 ms before our own deadline, to answer with why instead of
            // a bare 504
            .clientConfig(HttpClientConfig.builder().deadlineMargin(Duration.ofMillis(50)).build());
    b.route("/hello", call -> call.text(200, "hello"))
        .route(
            "/cpu",
            call -> {
              long us = call.queryLong("us", 1000, 0, MAX_CPU_MICROS);
              if (!"true".equals(call.queryChoice("offload", BOOLEANS))) {
                BusyWork.spin(us); // on the event loop: every connection on it waits
                call.text(200, "spun " + us + " us on the event loop");
                return;
              }
              call.async();
              offload
                  .call(
                      call.executor(),
                      () -> {
                        BusyWork.spin(us);
                        return us;
                      })
                  .whenComplete(
                      (done, failure) -> {
                        if (failure != null) {
                          call.problem(503, "the CPU pool refused the work");
                        } else {
                          call.text(200, "spun " + us + " us on the CPU pool");
                        }
                      });
            })
        .route(
            "/ready",
            call -> {
              boolean ready = !stopping && call.service().guards().isReady();
              call.text(ready ? 200 : 503, ready ? "ready" : "draining");
            })
        .route(
            "/slow",
            call -> {
              long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
              call.later(Duration.ofMillis(ms), () -> call.text(200, "slept " + ms + " ms"));
            })
        .route(
            "/panic",
            call -> {
              throw new IllegalStateException("panic: the handler failed on purpose");
            })
        .route(
            "/swallow",
            call -> {
              // forgets to answer: no response, no forward, no async hand-off
            })
        .route(
            "/double",
            call -> {
              call.text(200, "first answer");
              call.text(200, "second answer");
            })
        .route(
            "/downstream",
            call -> {
              long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
              call.async();
              call.service()
                  .callUpstream("upstream", URI.create(slow + "?ms=" + ms), call)
                  .whenComplete((r, t) -> Upstreams.relay(call, "upstream", r, t));
            })
        .route(
            "/metrics",
            call ->
                call.respond(200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()))
        .route(
            "/chain",
            call -> {
              // two chains: the server guard's own (exchange -> handlers) and this app's (router ->
              // handler)
              ChainReport guard = call.service().guards().chain().report();
              ChainReport app = call.service().chain().report();
              if ("md".equals(call.queryChoice("format", FORMATS))) {
                call.respond(
                    200,
                    "text/markdown; charset=utf-8",
                    markdown("server guard", guard) + "\n" + markdown("application", app));
              } else {
                call.json(200, "{\"guard\":" + guard.toJson() + ",\"app\":" + app.toJson() + "}");
              }
            });
    server = b.start();
  }

  /**
   * Starts serve mode; the caller closes it.
   *
   * @param options the options
   * @return the running server
   * @throws InterruptedException when interrupted while binding
   * @throws IllegalArgumentException when the {@code --jfr-snapshots} directory cannot be written
   */
  public static ServeCommand start(ServeOptions options) throws InterruptedException {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmThreadMetrics().bindTo(prometheus); // the dashboard's thread-count panel
    IncidentSnapshots snapshots =
        options.jfrSnapshots().map(dir -> startSnapshots(dir, prometheus)).orElse(null);
    try {
      return new ServeCommand(options, prometheus, snapshots);
    } catch (
        Throwable
            t) { // a port in use: stop the recording, which would otherwise run until the JVM exits
      if (snapshots != null) {
        snapshots.close();
      }
      throw t;
    }
  }

  /**
   * Starts the ring, after making sure the directory exists and is writable: a snapshot that cannot
   * be written is found out at the incident, too late.
   *
   * @throws IllegalArgumentException when the directory cannot be created or written, or JFR is not
   *     available
   */
  private static IncidentSnapshots startSnapshots(Path dir, PrometheusMeterRegistry prometheus) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--jfr-snapshots: "
              + dir
              + " (expected: a directory that can be "
              + "created; "
              + e
              + ")",
          e);
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException(
          "--jfr-snapshots: " + dir + " (expected: a writable directory)");
    }
    try {
      return IncidentSnapshots.start(
          SnapshotConfig.builder().directory(dir).meterRegistry(prometheus).build());
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "--jfr-snapshots: " + dir + " (expected: a JVM with JFR; " + e.getMessage() + ")", e);
    }
  }

  private static HttpServiceBuilder withSnapshots(
      HttpServiceBuilder b, IncidentSnapshots snapshots) {
    return snapshots == null ? b : b.breakerListener(snapshots.breakerListener());
  }

  /**
   * Runs serve mode until the process is stopped.
   *
   * @param args the options after {@code serve}
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    ServeOptions options;
    try {
      options = ServeOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ServeCommand running;
    try {
      running = start(options);
    } catch (IllegalArgumentException e) { // the snapshot directory
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    if (!running.shutdown()) {
                      System.err.println("drain did not finish in " + options.drainTimeout());
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running.close();
                  }
                  stopped.countDown();
                },
                "serve-shutdown"));
    System.out.println(
        "serving on "
            + running.uri()
            + " (max deadline "
            + options.maxDeadline().toMillis()
            + " ms, default "
            + options.defaultDeadline().toMillis()
            + " ms); try "
            + running.uri()
            + "/hello, /slow?ms=300, /panic, /swallow, /double, /downstream?ms=200, /ready, /metrics, /chain;"
            + " Ctrl-C or SIGTERM drains (--drain-timeout "
            + options.drainTimeout().toMillis()
            + " ms) and stops");
    running
        .snapshotDirectory()
        .ifPresent(
            dir ->
                System.out.println(
                    "JFR snapshots (when the upstream breaker "
                        + "opens) go to "
                        + dir.toAbsolutePath()
                        + "; each one is logged at WARN with its path"));
    stopped.await();
  }

  private static String markdown(String title, ChainReport report) {
    return "## "
        + title
        + " chain `"
        + report.chain()
        + "`\n\n"
        + report.toMarkdown()
        + "\n```mermaid\n"
        + report.toMermaid()
        + "```\n";
  }

  private static ServerConfig guardConfig(ServeOptions options) {
    InboundDeadlinePolicy inbound =
        InboundDeadlinePolicy.builder()
            .maxTimeout(options.maxDeadline())
            .defaultTimeout(options.defaultDeadline())
            .build();
    ServerConfig.Builder b = ServerConfig.builder();
    b.admission(options.admission().serverAdmission(ROUTES));
    b.requestDeadlines(
        RequestDeadlines.builder()
            .defaultRequestTimeout(options.defaultDeadline())
            .inboundDeadlinePolicy(inbound)
            .build());
    return b.build();
  }

  /**
   * The public server's guards: TLS with {@code --tls-*} (the internal upstream is called over
   * plain HTTP/1.1), HTTP/2 with {@code --http2 on}.
   */
  private static ServerConfig publicGuards(ServeOptions options, ServerConfig guards) {
    ServerConfig.Builder b = guards.toBuilder();
    options.tls().ifPresent(t -> b.tls(t.serverTls()));
    if (options.http2()) {
      b.http2(Http2Limits.ofDefaults());
    }
    return b.build();
  }

  private static CircuitBreakerConfig upstreamBreaker() {
    return CircuitBreakerConfig.builder()
        .countWindow(20)
        .failureRateThreshold(0.5, 10)
        .slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 10)
        .latencyThreshold(0.99, Duration.ofSeconds(30), 10)
        .openBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, 0.1)
        .build();
  }

  /** Returns the server's base URI, {@code http://host:port}. */
  public URI uri() {
    return server.uri();
  }

  /** Returns the fault server. */
  public HttpService server() {
    return server;
  }

  /** Returns where JFR snapshots go, when {@code --jfr-snapshots} is on. */
  public Optional<Path> snapshotDirectory() {
    return snapshots == null ? Optional.empty() : Optional.of(snapshots.config().directory());
  }

  /**
   * Shuts down gracefully, as on SIGTERM: {@code /ready} answers 503 at once while everything is
   * still served for {@link ServeOptions#readyDelay()}, then the server drains ({@link
   * ServeOptions#drainTimeout()}: requests in flight finish, later ones are answered 503) and
   * everything closes.
   *
   * @return whether the drain finished within its timeout plus a grace second
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean shutdown() throws InterruptedException {
    stopping = true;
    Thread.sleep(options.readyDelay().toMillis()); // the load balancer's time to see /ready fail
    boolean drained;
    try {
      server
          .guards()
          .drain(options.drainTimeout())
          .get(
              options.drainTimeout().toMillis() + 2_000,
              java.util.concurrent.TimeUnit.MILLISECONDS);
      drained = true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      drained = false;
    }
    close();
    return drained;
  }

  @Override
  public void close() {
    server.close();
    upstream.close();
    cpuPool.shutdownNow();
    if (snapshots != null) {
      snapshots.close(); // after the services that report to it; waits for a dump in flight
    }
  }
}
