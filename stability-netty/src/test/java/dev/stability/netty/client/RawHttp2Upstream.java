package dev.stability.netty.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare Netty HTTP/2 server on loopback for client tests, one frame codec per connection and no
 * guard, so that a test can make it misbehave at the frame level: hold streams, reset them, send
 * GOAWAY, never answer PING, limit streams or never open the flow-control window.
 */
final class RawHttp2Upstream implements AutoCloseable {
  /** One request, its body aggregated; answered by the test's behaviour, on the server's loop. */
  static final class Request {
    final ChannelHandlerContext ctx;
    final Http2FrameStream stream;
    final Http2Headers headers;
    final int connection;
    final StringBuilder body = new StringBuilder();

    Request(ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers headers, int conn) {
      this.ctx = ctx;
      this.stream = stream;
      this.headers = headers;
      this.connection = conn;
    }

    String path() {
      return String.valueOf(headers.path());
    }

    void respond(int status, String text) {
      Http2Headers h = new DefaultHttp2Headers().status(Integer.toString(status));
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      h.setInt("content-length", bytes.length);
      ctx.write(new DefaultHttp2HeadersFrame(h, bytes.length == 0).stream(stream));
      if (bytes.length > 0) {
        ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), true).stream(stream));
      }
      ctx.flush();
    }

    void reset(Http2Error error) {
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream));
    }
  }

  @FunctionalInterface
  interface Behaviour {
    void handle(Request request);
  }

  /** How the server's codec is set up. */
  record Setup(long maxConcurrentStreams, int initialWindowSize, boolean answerPings) {
    static Setup defaults() {
      return new Setup(100, 65_535, true);
    }
  }

  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedConnections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger pings = new AtomicInteger();

  /** The error codes of the RST_STREAM frames received, in order. */
  final ConcurrentLinkedQueue<Long> resets = new ConcurrentLinkedQueue<>();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel server;
  private volatile Behaviour behaviour = r -> r.respond(200, "ok " + r.path());

  RawHttp2Upstream(Setup setup) {
    this(setup, null);
  }

  RawHttp2Upstream(Setup setup, SslContext ssl) {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    int n = connections.incrementAndGet();
                    channels.add(ch);
                    ch.closeFuture().addListener(f -> closedConnections.incrementAndGet());
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .maxConcurrentStreams(setup.maxConcurrentStreams())
                                        .initialWindowSize(setup.initialWindowSize()))
                                .autoAckPingFrame(setup.answerPings())
                                // a hostile server: sends header blocks over the client's limit
                                .encoderIgnoreMaxHeaderListSize(true)
                                .build(),
                            new Frames(n));
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  RawHttp2Upstream behave(Behaviour b) {
    this.behaviour = b;
    return this;
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  URI httpsUri(String path) {
    return URI.create("https://127.0.0.1:" + port() + path);
  }

  /**
   * Sends GOAWAY(NO_ERROR) naming {@code lastStreamId} as the last stream processed; through the
   * connection handler, since the frame API always names the last stream created.
   */
  static void goAway(ChannelHandlerContext ctx, int lastStreamId) {
    Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
    ChannelHandlerContext codecCtx = ctx.pipeline().context(codec);
    codec.goAway(
        codecCtx,
        lastStreamId,
        Http2Error.NO_ERROR.code(),
        ByteBufUtil.writeAscii(ctx.alloc(), "test"),
        codecCtx.newPromise());
    codecCtx.flush();
  }

  private final class Frames extends ChannelInboundHandlerAdapter {
    private final int connection;
    private final Map<Integer, Request> open = new HashMap<>();

    Frames(int connection) {
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          Request r = open.get(h.stream().id());
          if (r == null) {
            r = new Request(ctx, h.stream(), h.headers(), connection);
            open.put(h.stream().id(), r);
          }
          if (h.isEndStream()) {
            dispatch(r);
          }
        } else if (msg instanceof Http2DataFrame d) {
          Request r = open.get(d.stream().id());
          if (d.initialFlowControlledBytes() > 0) {
            ctx.writeAndFlush(
                new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes())
                    .stream(d.stream()));
          }
          if (r != null) {
            r.body.append(d.content().toString(StandardCharsets.UTF_8));
            if (d.isEndStream()) {
              dispatch(r);
            }
          }
        } else if (msg instanceof Http2ResetFrame rst) {
          resets.add(rst.errorCode());
          open.remove(rst.stream().id());
        } else if (msg instanceof Http2PingFrame p && !p.ack()) {
          pings.incrementAndGet();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void dispatch(Request r) {
      open.remove(r.stream.id());
      requests.incrementAndGet();
      behaviour.handle(r);
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
