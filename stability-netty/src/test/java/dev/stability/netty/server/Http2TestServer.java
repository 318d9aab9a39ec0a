package dev.stability.netty.server;

import dev.stability.context.CancellationCause;
import dev.stability.context.RequestContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A guarded server with HTTP/2 on loopback, routing each path to one behaviour. */
final class Http2TestServer implements AutoCloseable {
  final StabilityServer server;
  final int port;

  /** The cancellation of the last request to {@code /watch}. */
  volatile CompletableFuture<CancellationCause> watched = new CompletableFuture<>();

  private final EventLoopGroup group;
  private final Channel channel;

  Http2TestServer(ServerConfig config) throws InterruptedException {
    this(config, 0);
  }

  /**
   * With {@code sendBuffer} > 0: a small socket send buffer, so that a client that never reads
   * fills it soon.
   */
  Http2TestServer(ServerConfig config, int sendBuffer) throws InterruptedException {
    server = StabilityServer.create(config);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(
                io.netty.channel.ChannelOption.SO_SNDBUF, sendBuffer > 0 ? sendBuffer : 1 << 16)
            .childHandler(server.initializer(p -> p.addLast(new Routes())))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r = Handlers.ok(body);
    return r.setStatus(status);
  }

  private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      String path = msg.uri();
      switch (path) {
        case "/slow" -> {} // answered by the deadline
        case "/started" ->
            ctx.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        case "/throw" -> throw new IllegalStateException("secret internal detail");
        case "/pass" -> ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
        case "/twice" -> {
          ctx.writeAndFlush(Handlers.ok("first"));
          ctx.writeAndFlush(Handlers.ok("second"));
        }
        case "/id" -> {
          RequestContext current = RequestContext.current();
          boolean same = ServerRequestContexts.get(ctx.channel()) == current;
          ctx.writeAndFlush(Handlers.ok(current.requestId() + " " + same));
        }
        case "/watch" -> watched = RequestContext.current().whenDone().toCompletableFuture();
        case "/big" -> {
          byte[] body = new byte[256 * 1024];
          FullHttpResponse r =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
          r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
          ctx.writeAndFlush(r);
        }
        case "/hosts" ->
            ctx.writeAndFlush(
                Handlers.ok(String.join(",", msg.headers().getAll(HttpHeaderNames.HOST))));
        case "/later" ->
            ctx.executor()
                .schedule(
                    () -> ctx.writeAndFlush(Handlers.ok("later")), 300, TimeUnit.MILLISECONDS);
        default -> ctx.writeAndFlush(Handlers.ok("ok " + path));
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    try { // ends the open connections and stops watching the TLS files, when there are any
      server.drain(java.time.Duration.ZERO).get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the drain did not complete", e);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
