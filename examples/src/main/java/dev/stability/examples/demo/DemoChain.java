package dev.stability.examples.demo;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.wire.DeadlineHeader;
import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.examples.internal.Call;
import dev.stability.examples.internal.HttpService;
import dev.stability.examples.internal.Meters;
import dev.stability.examples.internal.Upstreams;
import dev.stability.netty.client.Http2ClientConfig;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.UpstreamServerErrorException;
import dev.stability.netty.server.Http2Limits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The three services of the demo, {@code edge -> orders -> inventory}, each a guarded server with
 * its own event loop calling the next through the stability client and a circuit breaker. Faults
 * are injected at orders (by a {@code fault} query parameter) and at inventory (by the scenario's
 * {@link InventoryMode}).
 */
final class DemoChain implements AutoCloseable {
  private static final Set<String> FAULTS = Set.of("panic", "swallow", "double");

  /**
   * The margin each hop keeps for itself: it gives up on its upstream this long before its own
   * deadline.
   */
  static final Duration MARGIN = Duration.ofMillis(50);

  final AtomicReference<InventoryMode> mode = new AtomicReference<>(InventoryMode.NORMAL);
  final Map<String, List<Hop>> traces = new ConcurrentHashMap<>();
  volatile String phase = "start";
  final DemoSnapshots snapshots;
  final HttpService inventory;
  final InventoryStore store;
  final HttpService orders;
  final HttpService edge;

  /**
   * The budget one request had when it reached a service.
   *
   * @param service the service
   * @param headerMillis the {@code x-request-timeout} it received, in ms, or -1 without one
   * @param remainingMillis what was left of its deadline when its handler started
   */
  record Hop(String service, double headerMillis, double remainingMillis) {}

  DemoChain(DemoOptions options) throws InterruptedException, java.sql.SQLException {
    int slow = (int) options.slowDelay().toMillis();
    snapshots =
        new DemoSnapshots(
            options.snapshotDirectory(), () -> phase); // first: its warm-up is not a phase's
    store = new InventoryStore();
    inventory =
        base("inventory", true, false)
            .route(
                "/stock",
                call -> {
                  int delay =
                      switch (mode.get()) {
                        case NORMAL -> 0;
                        case SLOW -> slow; // a slow query, still within every deadline
                        case HANG ->
                            InventoryStore.HUNG_QUERY_MILLIS; // a query the deadline cancels
                      };
                  call.async();
                  store.read(
                      call.context(),
                      "widget",
                      delay,
                      a -> {
                        if (a.status() == 200) {
                          call.text(200, a.body());
                        } else {
                          call.problem(a.status(), a.body());
                        }
                      });
                })
            .start();
    URI stock = inventory.uri().resolve("/stock");
    orders =
        base("orders", false, true)
            .breakerConfig(inventoryBreaker())
            .route(
                "/order",
                call -> {
                  String fault = call.queryChoice("fault", FAULTS);
                  if ("panic".equals(fault)) {
                    throw new IllegalStateException("injected fault: the order handler failed");
                  } else if ("swallow".equals(fault)) {
                    return; // injected fault: forgets to answer
                  } else if ("double".equals(fault)) {
                    call.text(200, "order accepted");
                    call.text(200, "order accepted, again"); // injected fault: answers twice
                    return;
                  }
                  call.async();
                  call.service()
                      .callUpstream("inventory", stock, call)
                      .whenComplete((r, t) -> Upstreams.relay(call, "inventory", r, t));
                })
            .start();
    URI order = orders.uri().resolve("/order");
    edge =
        base("edge", false, false)
            .breakerConfig(ordersBreaker())
            .route(
                "/checkout",
                call -> {
                  String fault =
                      call.queryChoice(
                          "fault", FAULTS); // validated before it goes into the upstream URI
                  URI target = fault == null ? order : URI.create(order + "?fault=" + fault);
                  call.async();
                  call.service()
                      .callUpstream("orders", target, call)
                      .whenComplete((r, t) -> Upstreams.relay(call, "orders", r, t));
                })
            .start();
  }

  /**
   * One service; the {@code orders -> inventory} hop is HTTP/2: inventory also speaks h2c (prior
   * knowledge, beside HTTP/1.1) and orders' client opens its connections with the h2c preface.
   */
  private dev.stability.examples.internal.HttpServiceBuilder base(
      String name, boolean servesHttp2, boolean callsOverHttp2) {
    ServerConfig.Builder server = ServerConfig.builder();
    if (servesHttp2) {
      server.http2(Http2Limits.ofDefaults());
    }
    HttpClientConfig.Builder client = HttpClientConfig.builder().deadlineMargin(MARGIN);
    if (callsOverHttp2) {
      client.http2(Http2ClientConfig.priorKnowledge());
    }
    InboundDeadlinePolicy inbound =
        InboundDeadlinePolicy.builder()
            .maxTimeout(Duration.ofSeconds(5))
            .defaultTimeout(Duration.ofSeconds(2))
            .build();
    return HttpService.builder(name)
        .registry(Meters.withLatenessPercentiles(new SimpleMeterRegistry()))
        .guardConfig(
            server
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .defaultRequestTimeout(Duration.ofSeconds(2))
                        .inboundDeadlinePolicy(inbound)
                        .build())
                .build())
        .clientConfig(client.build())
        .phaseLabel(() -> phase)
        .breakerListener(snapshots.breakerListener())
        .inboundObserver(this::trace);
  }

  /**
   * Trips on slow calls (200 ms) or failures over a small window; probes again after 200 ms to 1 s.
   */
  private static CircuitBreakerConfig inventoryBreaker() {
    return CircuitBreakerConfig.builder()
        .countWindow(20)
        .failureRateThreshold(0.5, 10)
        .slowCallRateThreshold(Duration.ofMillis(200), 0.5, 10)
        .latencyThreshold(0.99, Duration.ofSeconds(30), 10)
        .openBackoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.1)
        .halfOpen(2, 2, Duration.ofSeconds(2))
        .build();
  }

  /**
   * Edge's breaker for orders counts only orders' own failures (500, 502): a 503 or 504 from orders
   * is orders protecting itself from inventory, and tripping on it would hide that.
   */
  private static CircuitBreakerConfig ordersBreaker() {
    return CircuitBreakerConfig.builder()
        .countWindow(100)
        .failureRateThreshold(0.5, 50)
        .slowCallRateThreshold(Duration.ofMillis(900), 0.8, 50)
        .latencyThreshold(0.99, Duration.ofSeconds(30), 50)
        .failureWhen(
            t ->
                !(t instanceof UpstreamServerErrorException e)
                    || e.status() == 500
                    || e.status() == 502)
        .build();
  }

  private void trace(Call call) {
    String id = call.context().requestId();
    if (!id.startsWith("trace-")) {
      return;
    }
    String header = call.headers().get(DeadlineHeader.REQUEST_TIMEOUT.headerName());
    double headerMillis = header == null ? -1 : DeadlineHeader.REQUEST_TIMEOUT.parse(header) / 1e6;
    traces
        .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
        .add(new Hop(call.service().name(), headerMillis, call.context().remainingNanos() / 1e6));
  }

  /** Returns the state of orders' breaker for inventory. */
  CircuitBreakerState inventoryBreakerState() {
    return orders.breakerFor(inventory.uri()).state();
  }

  /** Returns the demo's breaker names (the upstream's host) and the upstream each protects. */
  Map<String, String> breakerNames() {
    return Map.of(
        orders.breakerFor(inventory.uri()).name(),
        "inventory",
        edge.breakerFor(orders.uri()).name(),
        "orders");
  }

  List<HttpService> services() {
    return List.of(edge, orders, inventory);
  }

  @Override
  public void close() {
    edge.close();
    orders.close();
    inventory.close();
    store.close();
    snapshots.close();
  }
}
