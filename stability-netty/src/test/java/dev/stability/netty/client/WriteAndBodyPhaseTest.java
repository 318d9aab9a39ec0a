package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteAndBodyPhaseTest {

  @Test
  void peerThatNeverReadsFailsALargeUploadInPhaseWrite() throws Exception {
    // the kernel accepts into the backlog and buffers a few MB; nobody reads, so the write stalls
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .config(
                    HttpClientConfig.builder()
                        .phaseTimeouts(
                            PhaseTimeouts.builder().write(Duration.ofMillis(300)).build())
                        .build())
                .build()) {
      URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/upload");
      byte[] body = new byte[64 * 1024 * 1024];
      assertThatThrownBy(
              () -> client.executeBlocking(ClientRequest.builder("PUT", uri).body(body).build()))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.WRITE));
    }
  }

  @Test
  void bodyThatStopsArrivingFailsInPhaseBodyAfterTheGapLimit() {
    try (TestUpstream upstream = TestUpstream.start();
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .config(
                    HttpClientConfig.builder()
                        .phaseTimeouts(
                            PhaseTimeouts.builder().bodyGap(Duration.ofMillis(150)).build())
                        .build())
                .build()) {
      upstream.behave(
          (ctx, req, n) ->
              ctx.pipeline()
                  .firstContext()
                  .writeAndFlush(
                      Unpooled.copiedBuffer(
                          "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly a part",
                          StandardCharsets.US_ASCII)));
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/"))))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.BODY);
                assertThat(e.limitNanos()).isEqualTo(Duration.ofMillis(150).toNanos());
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void bodyThatTricklesFailsInPhaseBodyAtTheTotalLimit() {
    try (TestUpstream upstream = TestUpstream.start();
        StabilityHttpClient client =
            StabilityHttpClient.builder()
                .ioThreads(1)
                .config(
                    HttpClientConfig.builder()
                        .phaseTimeouts(
                            PhaseTimeouts.builder()
                                .bodyTotal(Duration.ofMillis(300))
                                .bodyGap(Duration.ofMillis(300))
                                .build())
                        .build())
                .build()) {
      upstream.behave(
          (ctx, req, n) -> {
            ctx.pipeline()
                .firstContext()
                .writeAndFlush(
                    Unpooled.copiedBuffer(
                        "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n",
                        StandardCharsets.US_ASCII));
            for (int i = 1; i <= 20; i++) {
              ctx.executor()
                  .schedule(
                      () -> {
                        if (ctx.channel().isActive()) {
                          ctx.pipeline()
                              .firstContext()
                              .writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
                        }
                      },
                      i * 50L,
                      java.util.concurrent.TimeUnit.MILLISECONDS);
            }
          });
      assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/"))))
          .isInstanceOfSatisfying(
              PhaseTimeoutException.class,
              e -> {
                assertThat(e.phase()).isEqualTo(CallPhase.BODY);
                assertThat(e.limitNanos()).isEqualTo(Duration.ofMillis(300).toNanos());
              });
    }
  }
}
