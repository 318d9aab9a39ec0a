package dev.stability.examples.snippets;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.ServerTls;
import dev.stability.netty.server.StabilityServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTPS variant of {@link HelloServer} in {@code docs/getting-started.md}: TLS from PEM files
 * (reloaded when they change), and a drain on shutdown.
 */
public final class TlsHelloServer {
  private TlsHelloServer() {}

  /**
   * Starts the hello server with TLS and registers a shutdown hook that drains it.
   *
   * @param group the event loops
   * @param port the port, 0 for any
   * @param cert the PEM certificate chain, leaf first
   * @param key the PEM PKCS#8 private key
   * @return the server channel
   * @throws InterruptedException when interrupted while binding
   */
  public static Channel start(EventLoopGroup group, int port, Path cert, Path key)
      throws InterruptedException {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .tls(ServerTls.builder(cert, key).build()) // TLS 1.3/1.2, ALPN http/1.1, reload
                .build());
    Runtime.getRuntime() // SIGTERM: finish what is in flight (10 s at most), then stop
        .addShutdownHook(new Thread(() -> guards.drain(Duration.ofSeconds(10)).join()));
    return guards
        .bootstrap(
            new ServerBootstrap().group(group).channel(NioServerSocketChannel.class),
            p -> p.addLast(new HelloServer.Hello()))
        .bind("127.0.0.1", port)
        .sync()
        .channel();
  }
}
