package dev.stability.opentelemetry;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** A guarded server on 127.0.0.1 with the tracing handler in front of one application handler. */
final class LoopbackServer implements AutoCloseable {
  private final Channel channel;

  LoopbackServer(
      EventLoopGroup group,
      ServerConfig config,
      StabilityTracing tracing,
      Supplier<ChannelHandler> application) {
    StabilityServer server = StabilityServer.create(config);
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class);
    server.bootstrap(
        b,
        p -> {
          p.addLast("tracing", tracing.serverHandler());
          p.addLast("application", application.get());
        });
    this.channel = b.bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  URI uri(String path) {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + path);
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
