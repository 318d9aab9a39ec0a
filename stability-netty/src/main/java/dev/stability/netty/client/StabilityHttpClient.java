package dev.stability.netty.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * A deadline-aware HTTP/1.1 client: each call inherits its {@link
 * dev.stability.context.RequestContext}'s deadline and cancellation, so a downstream call can never
 * outlive the request that made it.
 *
 * <p>Build one per application with {@link #builder()} and share it; it owns a per-host connection
 * pool and, unless given one, its event loops. {@link #execute} is asynchronous; {@link
 * #executeBlocking} is a convenience that refuses to run on an event loop thread, where it would
 * deadlock. The returned future completes on an event loop: do not block in its callbacks.
 * Cancelling the future aborts the call and closes its connection.
 *
 * <pre>{@code
 * StabilityHttpClient client = StabilityHttpClient.builder().build();
 * try (Scope s = RequestContext.of("req-1", Duration.ofMillis(300)).attach()) {
 *   client.execute(ClientRequest.get(URI.create("http://orders:8080/o/42")))
 *       .thenAccept(r -> log.info("status {}", r.status()));
 * }
 * }</pre>
 */
public interface StabilityHttpClient extends AutoCloseable {

  /** Returns a builder with the default configuration. */
  static StabilityHttpClientBuilder builder() {
    return new StabilityHttpClientBuilder();
  }

  /** Returns a client with the default configuration and its own event loops. */
  static StabilityHttpClient ofDefaults() {
    return builder().build();
  }

  /**
   * Returns the name of the pool and of the circuit breaker that guard the host of {@code uri}:
   * scheme, lower-case host and port, the default port omitted, e.g. {@code http://orders:8080} or
   * {@code https://example.com}. Use it to look the breaker up in the registry instead of
   * rebuilding the name.
   *
   * @param uri any absolute URI of the host
   * @return the host key
   */
  static String hostKey(URI uri) {
    return HostKey.of(java.util.Objects.requireNonNull(uri, "uri")).toString();
  }

  /**
   * Sends {@code request} and returns its complete response; failures complete the future
   * exceptionally with a {@link StabilityHttpException} (a response that breaks HTTP/1.1 is a
   * {@link MalformedResponseException}, never a raw Netty or JDK parse exception), a breaker
   * rejection, a {@link dev.stability.context.ContextCancelledException} or an I/O exception such
   * as a refused connect. Never throws itself.
   *
   * <p>A connection is reused only when its response ended cleanly and nothing arrived after it;
   * any byte the upstream sends outside a response closes the connection, so it can never reach
   * another call.
   *
   * @param request the request; runs under its context or, without one, the current context
   * @return the future response
   */
  CompletableFuture<ClientResponse> execute(ClientRequest request);

  /**
   * Sends {@code request} and waits for the response.
   *
   * @param request the request
   * @return the response
   * @throws IllegalStateException when called on an event loop thread, where waiting would deadlock
   * @throws java.io.UncheckedIOException wrapping an I/O failure such as a refused connect or a TLS
   *     failure
   * @throws RuntimeException the call's other failures, unwrapped
   */
  ClientResponse executeBlocking(ClientRequest request);

  /** Returns the client's immutable configuration. */
  HttpClientConfig config();

  /**
   * Returns a snapshot of the pool for the host of {@code uri}.
   *
   * @param uri any URI of the host, e.g. {@code http://orders:8080}
   * @return the counts, {@link PoolStats#EMPTY} for a host never called
   */
  PoolStats poolStats(URI uri);

  /**
   * Closes every connection, fails calls in flight and, when the client owns them, shuts its event
   * loops down. Calls after close fail at once with {@link ClientClosedException}.
   */
  @Override
  void close();

  /**
   * Closes gracefully, for a shutdown hook: new calls fail at once with {@link
   * ClientClosedException} (nothing is sent), calls in flight, their retries included, may finish
   * until {@code timeout}; then, or as soon as none is left, {@link #close()} runs and the future
   * completes. Never blocks; safe on an event loop.
   *
   * @param timeout how long calls in flight may still take; zero closes at once
   * @return completes once the client is closed
   */
  CompletableFuture<Void> close(java.time.Duration timeout);
}
