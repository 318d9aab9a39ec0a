package dev.stability.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link ConnectionFloodTest}: a guarded server on 127.0.0.1 installed with {@link
 * StabilityServer#bootstrap}, answering {@code /hello} and {@code /stats} (its edge counters). It
 * prints {@code PORT n} once bound and stops when its standard input closes.
 *
 * <p>Arguments: maxConnections (or {@code default}), header timeout in ms.
 */
final class FloodServerMain {
  private FloodServerMain() {}

  public static void main(String[] args) throws IOException {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
    Duration header = Duration.ofMillis(Long.parseLong(args[1]));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ConnectionLimits.Builder limits =
        ConnectionLimits.builder().headerReadTimeout(header).idleTimeout(header);
    if (!args[0].equals("default")) {
      limits.maxConnections(Integer.parseInt(args[0]));
    }
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .connectionLimits(limits.build())
                .meterRegistry(registry)
                .build());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Channel channel =
        guards
            .bootstrap(
                new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 2048),
                p -> p.addLast(new App(registry, guards)))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
    System.out.println(
        "PORT "
            + ((InetSocketAddress) channel.localAddress()).getPort()
            + " maxConnections="
            + guards.config().connectionLimits().maxConnections());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the parent closes our stdin or destroys us
    }
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** {@code /stats}: the edge counters as {@code key=value} lines; anything else: hello. */
  private static final class App extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SimpleMeterRegistry registry;
    private final StabilityServer guards;

    App(SimpleMeterRegistry registry, StabilityServer guards) {
      this.registry = registry;
      this.guards = guards;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      String body = "hello";
      if (msg.uri().equals("/stats")) {
        double failures =
            registry.find("stability.server.accept.failures").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        Counter rejected = registry.find("stability.server.connections.rejected").counter();
        body =
            "acceptFailures="
                + (long) failures
                + "\nrejected="
                + (rejected == null ? 0 : (long) rejected.count())
                + "\nopen="
                + guards.openConnections()
                + "\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      ctx.writeAndFlush(r);
    }
  }
}
