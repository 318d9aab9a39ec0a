package dev.stability.testkit.alignment;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import dev.stability.testkit.upstream.FaultyUpstream;
import dev.stability.testkit.upstream.RecordedRequest;
import dev.stability.testkit.upstream.RequestTiming;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the user's own service, with a hung {@link FaultyUpstream} in place of its downstream, and
 * reports per route which layer gave up first: the client, the handler's budget, or the server's
 * route timeout. Built by {@link RuntimeAlignmentCheck#service} or {@link
 * RuntimeAlignmentCheck#runningServer}.
 *
 * <p>It watches from outside, as an operator would: the upstream records when each attempt arrived,
 * the deadline it carried ({@code x-request-timeout}) and when the client closed it; the caller
 * records the answer and when it came. A close followed by a retry, or before the carried deadline
 * ran out, is the client's own timeout; a last close at that deadline is the handler budget's when
 * the deadline ended before the route's timeout (less {@link #slack(Duration) slack}), else the
 * server's (a lone attempt cut by its per-try timeout looks like a budget here); an answer at the
 * route timeout with the upstream still open is the server's. The route timeouts come from the
 * server configuration's {@code RequestTimeouts}, as the server computes them.
 */
public final class ServiceAlignmentCheck {
  /** The default tolerance for timer lateness and loopback latency, in milliseconds: {@value}. */
  public static final long DEFAULT_SLACK_MILLIS = 30;

  private final ServerConfig server;
  private final Function<URI, Consumer<ChannelPipeline>> service;
  private final URI running;
  private final List<String> routes = new ArrayList<>();
  private Duration callerTimeout;
  private Duration slack = Duration.ofMillis(DEFAULT_SLACK_MILLIS);

  ServiceAlignmentCheck(
      ServerConfig server, Function<URI, Consumer<ChannelPipeline>> service, URI running) {
    this.server = server;
    this.service = service;
    this.running = running;
  }

  /**
   * Adds a route to call with {@code GET}; the upstream hangs on every path it is called on.
   *
   * @param path the path and query, starting with {@code /}
   * @return this check
   */
  public ServiceAlignmentCheck route(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "path: " + path + " (expected: starting with /, printable ASCII without spaces)");
    }
    routes.add(path);
    return this;
  }

  /**
   * Sets how long the caller waits on each route; default twice the longest route timeout.
   *
   * @param timeout positive
   * @return this check
   */
  public ServiceAlignmentCheck callerTimeout(Duration timeout) {
    this.callerTimeout = Times.positive("callerTimeout", timeout);
    return this;
  }

  /**
   * Sets the tolerance for timer lateness and loopback latency (default {@value
   * #DEFAULT_SLACK_MILLIS} ms): layers whose deadlines are closer than this cannot be told apart.
   *
   * @param slack zero or more
   * @return this check
   */
  public ServiceAlignmentCheck slack(Duration slack) {
    this.slack = Times.nonNegative("slack", slack);
    return this;
  }

  /**
   * Hangs {@code upstream} on every path (starting it if needed), calls each route once in turn,
   * and reports. A service built by this check is started before and stopped after the run.
   *
   * @param upstream the upstream the service calls
   * @return the report
   * @throws IllegalStateException when no route was given
   */
  public ServiceAlignmentReport run(FaultyUpstream upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (routes.isEmpty()) {
      throw new IllegalStateException("routes: none (expected: at least one route(path))");
    }
    upstream.start().onAnyOtherPath().hang();
    if (running != null) {
      return runAll(running, upstream);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  StabilityServer.create(server)
                      .initializer(
                          Objects.requireNonNull(service.apply(upstream.uri()), "initializer")))
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .syncUninterruptibly()
              .channel();
      try {
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        return runAll(URI.create("http://127.0.0.1:" + port), upstream);
      } finally {
        listener.close().syncUninterruptibly();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private ServiceAlignmentReport runAll(URI target, FaultyUpstream upstream) {
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (String path : routes) {
      outcomes.add(runOne(target, path, upstream));
    }
    return new ServiceAlignmentReport(List.copyOf(outcomes));
  }

  private RouteOutcome runOne(URI target, String path, FaultyUpstream upstream) {
    Duration routeTimeout = RouteTimeouts.of(server, HttpMethod.GET, path);
    Duration wait = callerTimeout != null ? callerTimeout : longestRouteTimeout().multipliedBy(2);
    int before = upstream.requestCount();
    long sent = System.nanoTime();
    Optional<Integer> status = RawCaller.get(target, path, wait);
    long answered = System.nanoTime();
    List<RecordedRequest> calls = upstream.requests().subList(before, upstream.requestCount());
    awaitCloses(upstream, calls);
    long routeEnd = sent + routeTimeout.toNanos();
    Optional<RuntimeAlignmentResult.Layer> first = Optional.empty();
    List<String> lines = new ArrayList<>();
    long earliestClose = Long.MAX_VALUE;
    RuntimeAlignmentResult.Layer closer = null;
    for (RecordedRequest r : calls) {
      RequestTiming t = upstream.timing(r);
      long arrived = t.arrivedNanos() - sent;
      String carried = r.requestTimeout().map(Times::format).orElse("no deadline");
      lines.add(
          "attempt at "
              + Times.format(Duration.ofNanos(arrived))
              + " carrying "
              + carried
              + t.closedNanos().stream()
                  .mapToObj(c -> ", closed at " + Times.format(Duration.ofNanos(c - sent)))
                  .findFirst()
                  .orElse(", still open"));
      if (t.closedNanos().isPresent() && t.closedNanos().getAsLong() < earliestClose) {
        earliestClose = t.closedNanos().getAsLong();
        closer =
            layerOfClose(r, t, routeEnd, retried(upstream, calls, t.closedNanos().getAsLong()));
      }
    }
    Optional<Duration> kept = Optional.empty();
    for (RecordedRequest r : calls) {
      // the first attempt that carried a deadline: a handler that kept its margin can never carry
      // more than the route timeout less that margin, however late the server read the head (that
      // delay is unknown from outside, so it is not subtracted: the estimate never under-reports)
      if (r.requestTimeout().isPresent()) {
        kept = Optional.of(routeTimeout.minus(r.requestTimeout().get()));
        break;
      }
    }
    long slackNanos = slack.toNanos();
    boolean answeredEarly = status.isPresent() && answered < routeEnd - slackNanos;
    if (closer != null && earliestClose < routeEnd - slackNanos) {
      first = Optional.of(closer);
    } else if (answeredEarly && !calls.isEmpty()) {
      first = Optional.of(RuntimeAlignmentResult.Layer.HANDLER_BUDGET); // it answered on its own
    } else if (status.isPresent() && !calls.isEmpty()) {
      first = Optional.of(RuntimeAlignmentResult.Layer.SERVER_REQUEST);
    }
    return new RouteOutcome(
        path,
        routeTimeout,
        first,
        status,
        Duration.ofNanos(answered - sent),
        List.copyOf(lines),
        RouteTimeouts.marginOf(server, HttpMethod.GET, path),
        kept,
        slack);
  }

  /**
   * A close followed by another attempt, or before the carried deadline, is the client's own
   * timeout (an ended budget is not retried); a last close at the carried deadline is the owner's
   * of that deadline: the handler budget's when it ends before the route, else the server's.
   */
  private RuntimeAlignmentResult.Layer layerOfClose(
      RecordedRequest r, RequestTiming t, long routeEnd, boolean retried) {
    if (r.requestTimeout().isEmpty() || retried) {
      return RuntimeAlignmentResult.Layer.CLIENT;
    }
    long deadline = t.arrivedNanos() + r.requestTimeout().get().toNanos();
    if (t.closedNanos().getAsLong() < deadline - slack.toNanos()) {
      return RuntimeAlignmentResult.Layer.CLIENT;
    }
    return deadline < routeEnd - slack.toNanos()
        ? RuntimeAlignmentResult.Layer.HANDLER_BUDGET
        : RuntimeAlignmentResult.Layer.SERVER_REQUEST;
  }

  private static boolean retried(FaultyUpstream upstream, List<RecordedRequest> calls, long close) {
    return calls.stream().anyMatch(c -> upstream.timing(c).arrivedNanos() >= close);
  }

  /** The client may close its side a moment after the caller's answer: wait at most the slack. */
  private void awaitCloses(FaultyUpstream upstream, List<RecordedRequest> calls) {
    long until = System.nanoTime() + Math.max(slack.toNanos(), 1_000_000L);
    for (RecordedRequest r : calls) {
      while (upstream.timing(r).closedNanos().isEmpty() && System.nanoTime() < until) {
        LockSupport.parkNanos(1_000_000L);
      }
    }
  }

  private Duration longestRouteTimeout() {
    Duration max = Duration.ZERO;
    for (String p : routes) {
      Duration t = RouteTimeouts.of(server, HttpMethod.GET, p);
      max = t.compareTo(max) > 0 ? t : max;
    }
    return max;
  }
}
