package dev.stability.examples.internal;

import dev.stability.breaker.CircuitBreakerConfig;
import dev.stability.breaker.CircuitBreakerListener;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.server.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Builds an {@link HttpService}; every setter validates at once. */
public final class HttpServiceBuilder {
  final String name;
  String host = "127.0.0.1";
  int port;
  int ioThreads = 1;
  MeterRegistry registry = new SimpleMeterRegistry();
  ServerConfig guardConfig = ServerConfig.ofDefaults();
  CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.ofDefaults();
  HttpClientConfig clientConfig = HttpClientConfig.ofDefaults();
  final Map<String, Route> routes = new LinkedHashMap<>();
  Consumer<Call> inboundObserver = c -> {};
  Supplier<String> phaseLabel = () -> "-";
  CircuitBreakerListener breakerListener = CircuitBreakerListener.NONE;

  HttpServiceBuilder(String name) {
    this.name = Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: lower-case letters, digits and dashes)");
    }
  }

  /** Binds to {@code port} on loopback; 0 (default) picks a free one: 0 to 65535. */
  public HttpServiceBuilder port(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: >= 0 and <= 65535)");
    }
    this.port = port;
    return this;
  }

  /** Binds to {@code host} instead of 127.0.0.1: an address or name. */
  public HttpServiceBuilder host(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  /** Sets the number of event loop threads (default 1): 1 to 16. */
  public HttpServiceBuilder ioThreads(int threads) {
    if (threads < 1 || threads > 16) {
      throw new IllegalArgumentException("ioThreads: " + threads + " (expected: >= 1 and <= 16)");
    }
    this.ioThreads = threads;
    return this;
  }

  /**
   * Sets where the service's meters go.
   *
   * @param registry the registry
   */
  public HttpServiceBuilder registry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /** Sets the server guards' settings; the registry is set by the service. */
  public HttpServiceBuilder guardConfig(ServerConfig config) {
    this.guardConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  /** Sets the settings of every upstream breaker. */
  public HttpServiceBuilder breakerConfig(CircuitBreakerConfig config) {
    this.breakerConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  /** Sets the client settings. */
  public HttpServiceBuilder clientConfig(HttpClientConfig config) {
    this.clientConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Adds a route.
   *
   * @param path the exact path, e.g. {@code /hello}
   * @param route the handler
   * @return this builder
   */
  public HttpServiceBuilder route(String path, Route route) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
    }
    routes.put(path, Objects.requireNonNull(route, "route"));
    return this;
  }

  /** Sees every routed call before its handler; must be fast and never throw. */
  public HttpServiceBuilder inboundObserver(Consumer<Call> o) {
    this.inboundObserver = Objects.requireNonNull(o, "observer");
    return this;
  }

  /** Labels breaker transitions with the current scenario phase. */
  public HttpServiceBuilder phaseLabel(Supplier<String> label) {
    this.phaseLabel = Objects.requireNonNull(label, "label");
    return this;
  }

  /**
   * Adds a listener of the upstream breakers, called after the service's own transition recorder
   * (e.g. {@code IncidentSnapshots.breakerListener()}); same contract: fast, never throws.
   *
   * @param listener the listener
   * @return this builder
   */
  public HttpServiceBuilder breakerListener(CircuitBreakerListener listener) {
    this.breakerListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Starts the service.
   *
   * @return the running service
   * @throws InterruptedException when interrupted while binding
   */
  public HttpService start() throws InterruptedException {
    return new HttpService(this);
  }
}
