package dev.stability.netty.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Entry point: protects a Netty HTTP/1.1 server in one line.
 *
 * <pre>{@code
 * ServerGuards guards = StabilityServer.guards(ServerGuardConfig.ofDefaults());
 * bootstrap.childHandler(StabilityServer.initializer(guards, p -> p.addLast(new MyHandler())));
 * // or, in your own initChannel: guards.install(ch.pipeline()); ch.pipeline().addLast(new MyHandler());
 * bootstrap.handler(guards.serverHandler()); // the connection limit and accept-failure guard
 * // or both at once: StabilityServer.bootstrap(bootstrap, guards, p -> p.addLast(new MyHandler()));
 * }</pre>
 *
 * <p>Do not block the event loop in a handler: the deadline timer runs on it, so a sleeping handler is answered
 * only when it returns. Offload blocking work and write the response from any thread.
 */
public final class StabilityServer {
  private StabilityServer() {}

  /**
   * Returns the guards for {@code config}; create them once per server.
   *
   * @param config the configuration
   * @return the guards
   */
  public static ServerGuards guards(ServerGuardConfig config) {
    return new ServerGuards(Objects.requireNonNull(config, "config"));
  }

  /**
   * Returns a channel initializer that installs the codec and the guards, then lets {@code userHandlers} add the
   * application's handlers behind them.
   *
   * @param guards the guards, shared by all channels
   * @param userHandlers adds the application's handlers with {@code addLast}
   * @return the initializer, usable as a server bootstrap's child handler
   */
  public static ChannelInitializer<Channel> initializer(ServerGuards guards, Consumer<ChannelPipeline> userHandlers) {
    Objects.requireNonNull(guards, "guards");
    Objects.requireNonNull(userHandlers, "userHandlers");
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        guards.install(ch.pipeline());
        userHandlers.accept(ch.pipeline());
        ServerGuards.moveTailToEnd(ch.pipeline());
      }
    };
  }

  /**
   * Configures {@code bootstrap} with the guards: {@link ServerGuards#serverHandler()} as the server channel's
   * handler (connection limit, accept failures) and {@link #initializer(ServerGuards, Consumer)} as the child
   * handler. It replaces a handler set before; to keep your own, add both to a server channel initializer.
   *
   * @param bootstrap the bootstrap, with its group and channel set or to be set
   * @param guards the guards, shared by all channels
   * @param userHandlers adds the application's handlers with {@code addLast}
   * @return the bootstrap, for chaining
   */
  public static ServerBootstrap bootstrap(ServerBootstrap bootstrap, ServerGuards guards,
      Consumer<ChannelPipeline> userHandlers) {
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(guards, "guards");
    return bootstrap.handler(guards.serverHandler()).childHandler(initializer(guards, userHandlers));
  }

  /**
   * Returns a channel initializer with guards built from {@code config}.
   *
   * @param config the configuration
   * @param userHandlers adds the application's handlers with {@code addLast}
   * @return the initializer
   */
  public static ChannelInitializer<Channel> initializer(ServerGuardConfig config,
      Consumer<ChannelPipeline> userHandlers) {
    return initializer(guards(config), userHandlers);
  }
}
