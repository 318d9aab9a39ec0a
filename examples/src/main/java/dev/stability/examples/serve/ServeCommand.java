package dev.stability.examples.serve;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.chain.ChainReport;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.examples.internal.HttpService;
import dev.stability.examples.internal.HttpServiceBuilder;
import dev.stability.examples.internal.Upstreams;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.server.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: one guarded server with fault endpoints, plus an internal upstream for {@code /downstream}.
 *
 * <pre>
 *   GET /hello            200 hello
 *   GET /slow?ms=N        answers after N ms (504 from the guard when N exceeds the deadline)
 *   GET /panic            the handler throws: 500 problem+json, the connection stays usable
 *   GET /swallow          the handler forgets to answer: 500 from the chain integrity guard
 *   GET /double           the handler answers twice: the second answer is dropped
 *   GET /downstream?ms=N  calls the internal upstream (N ms) through the client, breaker and deadline
 *   GET /metrics          Prometheus text
 *   GET /chain            the chain reports (server guard, application) as JSON; ?format=md for Markdown
 *                         and Mermaid
 * </pre>
 *
 * <p>Every query parameter is validated: {@code ms} is an integer from 0 to {@value #MAX_DELAY_MS},
 * {@code format} is {@code json} or {@code md}, none may be repeated, and a target that is not valid
 * percent-encoding ({@code /%zz}) is refused; each is answered 400 problem+json through
 * {@link dev.stability.guard.BadRequestException}, never 500.
 */
public final class ServeCommand implements AutoCloseable {
  /** The longest {@code ms} a fault endpoint accepts; more is answered 400, like any invalid parameter. */
  static final long MAX_DELAY_MS = 600_000;
  private static final Set<String> FORMATS = Set.of("json", "md");
  private final HttpService upstream;
  private final HttpService server;
  private final PrometheusMeterRegistry prometheus;

  private ServeCommand(ServeOptions options) throws InterruptedException {
    ServerConfig guards = guardConfig(options);
    upstream = HttpService.builder("upstream").guardConfig(guards)
        .route("/slow", call -> {
          long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
          String budget = call.headers().get(DeadlineHeader.REQUEST_TIMEOUT.headerName());
          String got = budget == null ? "no deadline" : "a deadline of "
              + DeadlineHeader.REQUEST_TIMEOUT.parse(budget) / 1_000_000 + " ms";
          call.later(Duration.ofMillis(ms), () -> call.text(200, "upstream answered after " + ms + " ms, given "
              + got));
        }).start();
    URI slow = upstream.uri().resolve("/slow");
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServiceBuilder b = HttpService.builder("serve").host(options.host()).port(options.port()).registry(prometheus)
        .guardConfig(guards).breakerConfig(upstreamBreaker())
        // give up on the upstream 50 ms before our own deadline, to answer with why instead of a bare 504
        .clientConfig(HttpClientConfig.builder().deadlineMargin(Duration.ofMillis(50)).build());
    b.route("/hello", call -> call.text(200, "hello"))
        .route("/slow", call -> {
          long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
          call.later(Duration.ofMillis(ms), () -> call.text(200, "slept " + ms + " ms"));
        })
        .route("/panic", call -> {
          throw new IllegalStateException("panic: the handler failed on purpose");
        })
        .route("/swallow", call -> {
          // forgets to answer: no response, no forward, no async hand-off
        })
        .route("/double", call -> {
          call.text(200, "first answer");
          call.text(200, "second answer");
        })
        .route("/downstream", call -> {
          long ms = call.queryLong("ms", 0, 0, MAX_DELAY_MS);
          call.async();
          call.service().callUpstream("upstream", URI.create(slow + "?ms=" + ms), call)
              .whenComplete((r, t) -> Upstreams.relay(call, "upstream", r, t));
        })
        .route("/metrics", call -> call.respond(200, "text/plain; version=0.0.4; charset=utf-8",
            prometheus.scrape()))
        .route("/chain", call -> {
          // two chains: the server guard's own (exchange -> handlers) and this app's (router -> handler)
          ChainReport guard = call.service().guards().chain().report();
          ChainReport app = call.service().chain().report();
          if ("md".equals(call.queryChoice("format", FORMATS))) {
            call.respond(200, "text/markdown; charset=utf-8", markdown("server guard", guard)
                + "\n" + markdown("application", app));
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
   */
  public static ServeCommand start(ServeOptions options) throws InterruptedException {
    return new ServeCommand(options);
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
    ServeCommand running = start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "serve-shutdown"));
    System.out.println("serving on " + running.uri() + " (max deadline " + options.maxDeadline().toMillis()
        + " ms, default " + options.defaultDeadline().toMillis() + " ms); try " + running.uri()
        + "/hello, /slow?ms=300, /panic, /swallow, /double, /downstream?ms=200, /metrics, /chain; Ctrl-C stops");
    stopped.await();
  }

  private static String markdown(String title, ChainReport report) {
    return "## " + title + " chain `" + report.chain() + "`\n\n" + report.toMarkdown() + "\n```mermaid\n"
        + report.toMermaid() + "```\n";
  }

  private static ServerConfig guardConfig(ServeOptions options) {
    InboundDeadlinePolicy inbound = InboundDeadlinePolicy.builder().maxTimeout(options.maxDeadline())
        .defaultTimeout(options.defaultDeadline()).build();
    return ServerConfig.builder().defaultRequestTimeout(options.defaultDeadline())
        .inboundDeadlinePolicy(inbound).build();
  }

  private static CircuitBreakerConfig upstreamBreaker() {
    return CircuitBreakerConfig.builder().countWindow(20).failureRateThreshold(0.5, 10)
        .slowCallRateThreshold(Duration.ofSeconds(1), 0.5, 10).latencyThreshold(0.99, Duration.ofSeconds(30), 10)
        .openBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, 0.1)
        .build();
  }

  /** Returns the server's base URI. @return {@code http://host:port} */
  public URI uri() {
    return server.uri();
  }

  /** Returns the fault server. @return the service */
  public HttpService server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    upstream.close();
  }
}
