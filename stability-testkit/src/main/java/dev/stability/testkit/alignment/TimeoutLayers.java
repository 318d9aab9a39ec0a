package dev.stability.testkit.alignment;

import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.server.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The layers one request crosses, outermost first: the server, the handler's downstream budget, and
 * every downstream client the handler calls.
 *
 * <pre>{@code
 * TimeoutLayers layers = TimeoutLayers.builder()
 *     .server(ServerTimeouts.builder().requestTimeout(ofSeconds(1)).headerReadTimeout(ofMillis(500)).build())
 *     .handler(HandlerBudget.margin(ofMillis(100)))
 *     .client(ClientTimeouts.builder("inventory").perTryTimeout(ofMillis(400)).maxAttempts(2).build())
 *     .build();
 * }</pre>
 *
 * <p>Build it by hand for any server and client, or from stability's configs with {@link
 * #of(ServerConfig, HandlerBudget, HttpClientConfig...)}.
 */
public final class TimeoutLayers {
  private final ServerTimeouts server;
  private final HandlerBudget handler;
  private final List<ClientTimeouts> clients;
  private final boolean sequential;

  private TimeoutLayers(Builder b) {
    this.server = b.server;
    this.handler = b.handler;
    this.clients = List.copyOf(b.clients);
    this.sequential = b.sequential;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the layers of a stability server calling unnamed stability clients, named {@code
   * client-1}, {@code client-2}... in tables; prefer {@link #of(ServerConfig, HandlerBudget,
   * java.util.Map)} to see your own names.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the configurations of the clients the handler calls
   * @return the layers
   */
  public static TimeoutLayers of(
      ServerConfig server, HandlerBudget handler, HttpClientConfig... clients) {
    Builder b = builder().server(ServerTimeouts.from(server)).handler(handler);
    for (int i = 0; i < clients.length; i++) {
      b.client(ClientTimeouts.from("client-" + (i + 1), clients[i]));
    }
    return b.build();
  }

  /**
   * Returns the layers of a stability server calling stability clients, each named by its key (the
   * name the service gives the client, e.g. {@code inventory}) in failure tables.
   *
   * @param server the server configuration
   * @param handler the handler's downstream budget
   * @param clients the clients the handler calls, by name, in iteration order
   * @return the layers
   */
  public static TimeoutLayers of(
      ServerConfig server, HandlerBudget handler, java.util.Map<String, HttpClientConfig> clients) {
    Builder b = builder().server(ServerTimeouts.from(server)).handler(handler);
    clients.forEach((name, config) -> b.client(ClientTimeouts.from(name, config)));
    return b.build();
  }

  /** Returns the server layer. */
  public ServerTimeouts server() {
    return server;
  }

  /** Returns the handler layer. */
  public HandlerBudget handler() {
    return handler;
  }

  /** Returns the client layers, possibly none. */
  public List<ClientTimeouts> clients() {
    return clients;
  }

  /** Returns {@code true} when the handler calls its clients one after another. */
  public boolean clientsInSequence() {
    return sequential;
  }

  @Override
  public String toString() {
    return "TimeoutLayers("
        + server
        + ", "
        + handler
        + ", "
        + (sequential ? "in sequence " : "")
        + clients
        + ")";
  }

  /** Builds {@link TimeoutLayers}. */
  public static final class Builder {
    private ServerTimeouts server;
    private HandlerBudget handler;
    private final List<ClientTimeouts> clients = new ArrayList<>();
    private boolean sequential;

    Builder() {}

    /**
     * Declares that the handler calls its clients one after another, so that their worst-case
     * totals add up; by default they are taken as called in parallel, each given the whole budget.
     *
     * @return this builder
     */
    public Builder clientsInSequence() {
      this.sequential = true;
      return this;
    }

    /**
     * Sets the server layer.
     *
     * @param server the server timeouts
     * @return this builder
     */
    public Builder server(ServerTimeouts server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /**
     * Sets the handler layer.
     *
     * @param handler the handler budget
     * @return this builder
     */
    public Builder handler(HandlerBudget handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Adds a downstream client.
     *
     * @param client the client timeouts
     * @return this builder
     */
    public Builder client(ClientTimeouts client) {
      clients.add(Objects.requireNonNull(client, "client"));
      return this;
    }

    /**
     * Builds the layers.
     *
     * @return the layers
     * @throws IllegalStateException when the server or handler layer is missing
     */
    public TimeoutLayers build() {
      if (server == null) {
        throw new IllegalStateException("server: null (expected: the outermost layer must be set)");
      }
      if (handler == null) {
        throw new IllegalStateException(
            "handler: null (expected: a HandlerBudget, e.g. HandlerBudget.margin(...))");
      }
      return new TimeoutLayers(this);
    }
  }
}
