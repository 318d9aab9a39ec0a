package dev.stability.benchmarks.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A minimal h2c (prior knowledge) server on loopback, Netty's frame codec without child channels,
 * that answers every request with the same small JSON body as {@link LocalUpstream}.
 */
final class LocalHttp2Upstream implements AutoCloseable {
  private static final ByteBuf BODY =
      Unpooled.unreleasableBuffer(
              Unpooled.directBuffer()
                  .writeBytes("{\"ok\":true}".getBytes(StandardCharsets.US_ASCII)))
          .asReadOnly();

  private final EventLoopGroup group;
  private final Channel server;

  LocalHttp2Upstream(int threads) {
    group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forServer().build(), Answer.INSTANCE);
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  /** Answers each request once its stream ended; returns the window of request bodies. */
  @ChannelHandler.Sharable
  private static final class Answer extends ChannelInboundHandlerAdapter {
    static final Answer INSTANCE = new Answer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
          answer(ctx, h);
        } else if (msg instanceof Http2DataFrame d) {
          ctx.write(
              new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
          if (d.isEndStream()) {
            answer(ctx, d);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private static void answer(
        ChannelHandlerContext ctx, io.netty.handler.codec.http2.Http2StreamFrame request) {
      Http2Headers headers =
          new DefaultHttp2Headers()
              .status("200")
              .setInt("content-length", BODY.readableBytes())
              .set("content-type", "application/json");
      ctx.write(new DefaultHttp2HeadersFrame(headers).stream(request.stream()));
      ctx.write(new DefaultHttp2DataFrame(BODY.duplicate(), true).stream(request.stream()));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
