package dev.stability.reliability;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A {@code 200 ok} upstream on 127.0.0.1 that can be stopped (listener and every connection closed)
 * and started again on the same port, so that a client sees a real outage and a real return. The
 * testkit's {@code FaultyUpstream} rebinds to a new ephemeral port on restart, which would hide the
 * return from a client that keeps its target.
 */
final class RestartableUpstream implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel listener;
  private int port;

  synchronized RestartableUpstream start() {
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Ok());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .syncUninterruptibly()
            .channel();
    port = ((InetSocketAddress) listener.localAddress()).getPort();
    return this;
  }

  /** Closes the listener and every connection: new connects are refused until {@link #start()}. */
  synchronized void stop() {
    listener.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/ok");
  }

  @Override
  public synchronized void close() {
    stop();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static final class Ok extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
      ctx.writeAndFlush(r);
    }
  }
}
