package dev.stability.netty.client;

import dev.stability.breaker.CircuitBreakerMetrics;
import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.config.ConfigSource;
import dev.stability.netty.tls.CertificatePins;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link StabilityHttpClient}; obtain one from {@link StabilityHttpClient#builder()}.
 *
 * <p>Without an {@link #eventLoopGroup(EventLoopGroup) external group} the client owns a NIO group
 * of {@link #ioThreads(int)} threads and shuts it down on close; an external group (for example the
 * server's, to keep a call on its request's thread) must be NIO-based and is never shut down by the
 * client.
 */
public final class StabilityHttpClientBuilder {
  HttpClientConfig config = HttpClientConfig.ofDefaults();
  EventLoopGroup group;
  int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
  MeterRegistry meterRegistry;
  private CircuitBreakerRegistry breakerRegistry;
  Ticker ticker = Ticker.system();
  SslContext sslContext;
  BreakerGate breakers = BreakerGate.NONE;
  List<InetSocketAddress> nameServers = List.of();
  AddressResolver addressResolver; // tests only: several ports behind one name
  ConfigSource<CertificatePins> certificatePins =
      ConfigSource.constant("certificate-pins", CertificatePins.NONE);

  StabilityHttpClientBuilder() {}

  /** Sets the configuration. @param value the configuration @return this builder */
  public StabilityHttpClientBuilder config(HttpClientConfig value) {
    this.config = Objects.requireNonNull(value, "config");
    return this;
  }

  /**
   * Shares an existing NIO event loop group instead of owning one; the client never shuts it down.
   *
   * @param value a {@code MultiThreadIoEventLoopGroup} with a NIO handler
   * @return this builder
   */
  public StabilityHttpClientBuilder eventLoopGroup(EventLoopGroup value) {
    this.group = Objects.requireNonNull(value, "eventLoopGroup");
    return this;
  }

  /**
   * Sets the size of the client's own group (ignored with an external one). @param value 1 to
   * 256 @return this
   */
  public StabilityHttpClientBuilder ioThreads(int value) {
    if (value < 1 || value > 256) {
      throw new IllegalArgumentException("ioThreads: " + value + " (expected: >= 1 and <= 256)");
    }
    this.ioThreads = value;
    return this;
  }

  /**
   * Publishes meters to {@code value}; without it no meters are kept. With {@link
   * #circuitBreakers(CircuitBreakerRegistry)} set too, the breakers' meters ({@link
   * CircuitBreakerMetrics}) are bound to it as well, once per pair of registries however many
   * clients share them.
   *
   * @param value the registry
   * @return this builder
   */
  public StabilityHttpClientBuilder meterRegistry(MeterRegistry value) {
    this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
    return this;
  }

  /**
   * Sets the ticker that measures call latencies and pool ages. Test only: event loop timers always
   * run on the system clock.
   *
   * @param value the ticker
   * @return this builder
   */
  public StabilityHttpClientBuilder ticker(Ticker value) {
    this.ticker = Objects.requireNonNull(value, "ticker");
    return this;
  }

  /**
   * Uses {@code value} for https instead of the JDK default trust store; hostname verification
   * stays on unless {@link HttpClientConfig#insecureTrustAllCertificates()} is set.
   *
   * @param value a client-mode SSL context
   * @return this builder
   */
  public StabilityHttpClientBuilder sslContext(SslContext value) {
    Objects.requireNonNull(value, "sslContext");
    if (!value.isClient()) {
      throw new IllegalArgumentException(
          "sslContext: " + value + " (expected: a client-mode SslContext)");
    }
    this.sslContext = value;
    return this;
  }

  /**
   * Guards each host with a breaker from {@code value}, named by {@link
   * StabilityHttpClient#hostKey(java.net.URI)} (e.g. {@code http://orders:8080}). Latency, 5xx
   * responses, I/O failures and upstream timeouts feed it; a rejection fails the call at once with
   * the registry's {@link dev.stability.breaker.CallNotPermittedException}, never retried.
   *
   * @param value the registry, typically shared by the whole application
   * @return this builder
   */
  public StabilityHttpClientBuilder circuitBreakers(CircuitBreakerRegistry value) {
    this.breakerRegistry = Objects.requireNonNull(value, "circuitBreakers");
    this.breakers = new BreakerGate(value);
    return this;
  }

  /**
   * Sends DNS queries to these servers, in order, instead of the platform's ({@code
   * /etc/resolv.conf}); the hosts file is still read first.
   *
   * @param value at least one name server address
   * @return this builder
   */
  public StabilityHttpClientBuilder nameServers(List<InetSocketAddress> value) {
    Objects.requireNonNull(value, "nameServers");
    if (value.isEmpty() || value.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException(
          "nameServers: " + value + " (expected: one or more addresses)");
    }
    this.nameServers = List.copyOf(value);
    return this;
  }

  /**
   * Pins hosts to SPKI SHA-256 pins read from {@code value} at each new TLS connection, so a
   * reloaded pin set applies from the next connection on; a chain without a pinned key fails the
   * call with a {@link CertificatePinException} in phase TLS. Pins add to certificate verification,
   * never replace it.
   *
   * @param value the pins, for example a {@link dev.stability.config.FileConfigSource} of {@link
   *     CertificatePins#parser(int)}
   * @return this builder
   */
  public StabilityHttpClientBuilder certificatePins(ConfigSource<CertificatePins> value) {
    this.certificatePins = Objects.requireNonNull(value, "certificatePins");
    return this;
  }

  // visible for testing: resolves hosts without DNS
  StabilityHttpClientBuilder addressResolver(AddressResolver value) {
    this.addressResolver = Objects.requireNonNull(value, "addressResolver");
    return this;
  }

  /** Builds and starts the client. @return the client */
  public StabilityHttpClient build() {
    if (breakerRegistry != null && meterRegistry != null) {
      CircuitBreakerMetrics.of(breakerRegistry).bindTo(meterRegistry); // idempotent per pair
    }
    return new DefaultStabilityHttpClient(this);
  }
}
