package dev.stability.examples.snippets;

import dev.stability.context.RequestContext;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The guarded server of {@code docs/getting-started.md}: a Netty hello server with every guard on.
 */
public final class HelloServer {
  private HelloServer() {}

  /**
   * Starts the server on loopback.
   *
   * @param group a NIO event loop group, e.g. {@code new
   *     MultiThreadIoEventLoopGroup(NioIoHandler.newFactory())}
   * @param port the port, 0 for any free one
   * @return the server channel; close it to stop
   * @throws InterruptedException when interrupted while binding
   */
  // --8<-- [start:server]
  public static Channel start(EventLoopGroup group, int port) throws InterruptedException {
    StabilityServer guards =
        StabilityServer.create(
            ServerConfig.builder()
                .requestDeadlines(
                    RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(2)).build())
                .build());
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(guards.initializer(p -> p.addLast(new Hello())))
        .bind("127.0.0.1", port)
        .sync()
        .channel();
  }

  static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      RequestContext rc = RequestContext.current(); // set by the guard, with the request's deadline
      long left = rc.remaining().orElseThrow().toMillis();
      ByteBuf body = Unpooled.copiedBuffer("hello, " + left + " ms left", StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      ctx.writeAndFlush(response); // a throw here would be answered 500 by the guard
    }
  }
  // --8<-- [end:server]
}
