package dev.stability.netty.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A small loopback HTTP/1.1 server for client tests; each test sets how it answers. */
final class TestUpstream implements AutoCloseable {
  /**
   * How the upstream answers one request; {@code requestNumber} counts requests on this connection
   * from 1.
   */
  @FunctionalInterface
  interface Behaviour {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, int requestNumber);
  }

  private static final AttributeKey<AtomicInteger> REQUESTS = AttributeKey.valueOf("requests");

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final ConcurrentLinkedQueue<FullHttpRequest> seen = new ConcurrentLinkedQueue<>();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel server;
  private volatile Behaviour behaviour = ok("hello");

  private TestUpstream(long idleCloseMillis) {
    this(idleCloseMillis, null);
  }

  private TestUpstream(long idleCloseMillis, io.netty.handler.ssl.SslContext ssl) {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    channels.add(ch);
                    ch.attr(REQUESTS).set(new AtomicInteger());
                    ch.closeFuture().addListener(f -> closed.incrementAndGet());
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    }
                    if (idleCloseMillis > 0) {
                      ch.pipeline()
                          .addLast(
                              new IdleStateHandler(0, 0, idleCloseMillis, TimeUnit.MILLISECONDS) {
                                @Override
                                protected void channelIdle(
                                    ChannelHandlerContext ctx, IdleStateEvent evt) {
                                  ctx.close();
                                }
                              });
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(1 << 20),
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpRequest req) {
                                requests.incrementAndGet();
                                seen.add(req.copy());
                                if (seen.size() > 64) {
                                  FullHttpRequest old = seen.poll();
                                  if (old != null) {
                                    old.release();
                                  }
                                }
                                behaviour.handle(
                                    ctx, req, ctx.channel().attr(REQUESTS).get().incrementAndGet());
                              }
                            });
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  static TestUpstream start() {
    return new TestUpstream(0);
  }

  /** Starts an https upstream. */
  static TestUpstream startTls(io.netty.handler.ssl.SslContext ssl) {
    return new TestUpstream(0, ssl);
  }

  /**
   * Starts an upstream that closes connections idle for {@code millis}, like a server keep-alive
   * timeout.
   */
  static TestUpstream startWithIdleClose(long millis) {
    return new TestUpstream(millis);
  }

  TestUpstream behave(Behaviour b) {
    this.behaviour = b;
    return this;
  }

  URI uri(String path) {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
  }

  URI httpsUri(String path) {
    return URI.create(
        "https://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
  }

  static Behaviour ok(String body) {
    return (ctx, req, n) -> respond(ctx, req, HttpResponseStatus.OK, body);
  }

  static Behaviour hang() {
    return (ctx, req, n) -> {};
  }

  static void respond(
      ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    HttpUtil.setContentLength(res, res.content().readableBytes());
    if (!HttpUtil.isKeepAlive(req)) {
      res.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    ctx.writeAndFlush(res);
  }

  /** Returns the last request received, or {@code null}. */
  FullHttpRequest last() {
    FullHttpRequest last = null;
    for (FullHttpRequest r : seen) {
      last = r;
    }
    return last;
  }

  int openConnections() {
    return channels.size();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly();
    for (FullHttpRequest r; (r = seen.poll()) != null; ) {
      r.release();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
