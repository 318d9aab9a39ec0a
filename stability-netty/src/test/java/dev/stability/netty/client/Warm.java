package dev.stability.netty.client;

/**
 * Makes one plain call so that class loading and the first event loop start do not eat a short test
 * deadline.
 */
final class Warm {
  private Warm() {}

  static void up(StabilityHttpClient client) {
    try (TestUpstream upstream = TestUpstream.start()) {
      client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    }
  }
}
