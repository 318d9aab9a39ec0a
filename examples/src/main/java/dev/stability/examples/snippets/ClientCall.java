package dev.stability.examples.snippets;

import dev.stability.breaker.CircuitBreakerRegistry;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.StabilityHttpClient;
import java.net.URI;
import java.time.Duration;

/** The client call of {@code docs/getting-started.md}. */
public final class ClientCall {
  private ClientCall() {}

  /**
   * Builds the client: a breaker per upstream host, and 20 ms kept back from every deadline to
   * answer.
   *
   * @return a new client; share one per application and close it on shutdown
   */
  // --8<-- [start:client]
  public static StabilityHttpClient newClient() {
    return StabilityHttpClient.builder()
        .config(HttpClientConfig.builder().deadlineMargin(Duration.ofMillis(20)).build())
        .circuitBreakers(CircuitBreakerRegistry.ofDefaults())
        .build();
  }

  /**
   * Calls {@code uri} with a 1 s budget; inside a guarded server handler, skip the context: the
   * call inherits the request's.
   *
   * @param client the client
   * @param uri the URI
   * @return status and body
   */
  public static String fetch(StabilityHttpClient client, URI uri) {
    try (Scope scope = RequestContext.of("req-1", Duration.ofSeconds(1)).attach()) {
      ClientResponse r =
          client.executeBlocking(ClientRequest.get(uri)); // sends x-request-timeout: ~980m
      return r.status() + " " + r.bodyAsString();
    }
  }
  // --8<-- [end:client]
}
