package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import dev.stability.netty.server.Http2Limits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client over h2c with prior knowledge against the guarded server with HTTP/2 on, over real
 * loopback sockets: the server's default deadline of 300 ms ends {@code /slow} with a 504 on its
 * stream.
 */
class Http2GuardedServerTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private EventLoopGroup group;
  private Channel server;
  private StabilityHttpClient client;

  /** Echoes the method, body and deadline headers the server saw; {@code /slow} never answers. */
  private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      if (msg.uri().equals("/slow")) {
        return;
      }
      RequestContext current = RequestContext.current();
      String text =
          msg.method()
              + " "
              + msg.content().toString(StandardCharsets.UTF_8)
              + " grpc-timeout="
              + msg.headers().get("grpc-timeout")
              + " deadline="
              + (current.hasDeadline() && current.remainingNanos() > 0);
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      HttpUtil.setContentLength(r, r.content().readableBytes());
      ctx.writeAndFlush(r);
    }
  }

  @BeforeEach
  void setUp() throws InterruptedException {
    StabilityServer guarded =
        StabilityServer.create(
            ServerConfig.builder()
                .http2(Http2Limits.ofDefaults())
                .requestDeadlines(
                    RequestDeadlines.builder()
                        .defaultRequestTimeout(Duration.ofMillis(300))
                        .build())
                .build());
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(guarded.initializer(p -> p.addLast(new Echo())))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(meters)
            .config(HttpClientConfig.builder().http2(Http2ClientConfig.priorKnowledge()).build())
            .build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    client.close();
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private URI uri(String path) {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
  }

  private RequestContext deadline() {
    return RequestContext.of("h2-guarded", Duration.ofSeconds(5));
  }

  @Test
  void concurrentCallsShareOneConnectionToTheGuardedServer() {
    List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(client.execute(ClientRequest.get(uri("/echo/" + i))));
    }
    for (CompletableFuture<ClientResponse> c : calls) {
      ClientResponse r = c.join();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.protocol()).isEqualTo("HTTP/2");
    }
    assertThat(client.poolStats(uri("/")).opened()).isEqualTo(1);
  }

  @Test
  void bodyAndDeadlineHeadersReachTheGuardedServer() {
    ClientResponse r =
        client.executeBlocking(
            ClientRequest.builder("POST", uri("/echo"))
                .body("order 42".getBytes(StandardCharsets.UTF_8))
                .context(deadline())
                .build());
    assertThat(r.bodyAsString())
        .matches("POST order 42 grpc-timeout=[0-9]{1,8}[HMSmun] deadline=true");
  }

  @Test
  void serverDeadlineAnswers504OnOneStreamWhileItsNeighbourGets200() {
    // no deadline of the caller's: the server's own 300 ms applies
    CompletableFuture<ClientResponse> slow = client.execute(ClientRequest.get(uri("/slow")));
    ClientResponse fast =
        client.executeBlocking(
            ClientRequest.builder("GET", uri("/echo")).context(deadline()).build());
    assertThat(fast.status()).isEqualTo(200);
    assertThat(slow.join().status()).isEqualTo(504);
    assertThat(client.executeBlocking(ClientRequest.get(uri("/echo"))).status()).isEqualTo(200);
    assertThat(client.poolStats(uri("/")).opened()).isEqualTo(1);
  }

  @Test
  void requestMeterCarriesTheProtocolTag() {
    client.executeBlocking(ClientRequest.get(uri("/echo")));
    assertThat(
            meters
                .get(ClientMetrics.REQUESTS)
                .tag("protocol", "HTTP/2")
                .tag("status", "200")
                .timer()
                .count())
        .isEqualTo(1);
  }
}
