package dev.stability.testkit.alignment;

import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.server.ServerConfig;

/**
 * Entry points for timeout-alignment assertions.
 *
 * <pre>{@code
 * assertThatTimeouts(serverConfig, HandlerBudget.margin(ofMillis(100)), inventoryClientConfig).areAligned();
 * }</pre>
 */
public final class TimeoutAssertions {
  private TimeoutAssertions() {}

  /**
   * Starts assertions on a hand-built model, for any server and client.
   *
   * @param layers the model
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(TimeoutLayers layers) {
    return new TimeoutAlignmentAssert(layers);
  }

  /**
   * Starts assertions on the real configuration of a stability server and the clients its handler
   * calls.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the client configurations
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(
      ServerConfig server, HandlerBudget handler, HttpClientConfig... clients) {
    return new TimeoutAlignmentAssert(TimeoutLayers.of(server, handler, clients));
  }

  /**
   * Starts assertions on a stability server and the clients its handler calls, each client named by
   * its key in failure tables.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the clients by name, e.g. {@code Map.of("inventory", inventoryConfig)}
   * @return the assertion
   */
  public static TimeoutAlignmentAssert assertThatTimeouts(
      ServerConfig server, HandlerBudget handler, java.util.Map<String, HttpClientConfig> clients) {
    return new TimeoutAlignmentAssert(TimeoutLayers.of(server, handler, clients));
  }
}
