package dev.stability.netty.server;

import static dev.stability.netty.server.RawHttp2Client.CANCEL;
import static dev.stability.netty.server.RawHttp2Client.CONTINUATION;
import static dev.stability.netty.server.RawHttp2Client.DATA;
import static dev.stability.netty.server.RawHttp2Client.END_HEADERS;
import static dev.stability.netty.server.RawHttp2Client.END_STREAM;
import static dev.stability.netty.server.RawHttp2Client.ENHANCE_YOUR_CALM;
import static dev.stability.netty.server.RawHttp2Client.GOAWAY;
import static dev.stability.netty.server.RawHttp2Client.HEADERS;
import static dev.stability.netty.server.RawHttp2Client.NO_ERROR;
import static dev.stability.netty.server.RawHttp2Client.PING;
import static dev.stability.netty.server.RawHttp2Client.REFUSED_STREAM;
import static dev.stability.netty.server.RawHttp2Client.RST_STREAM;
import static dev.stability.netty.server.RawHttp2Client.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each HTTP/2 defence, attacked with raw frames over a loopback socket. */
@ExtendWith(LeakCheckExtension.class)
class Http2DefencesTest {
  private static final int READ_TIMEOUT_MS = 5_000;
  private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Http2TestServer server(
      UnaryOperator<Http2Limits.Builder> limits, UnaryOperator<ConnectionLimits.Builder> connection)
      throws InterruptedException {
    return new Http2TestServer(
        ServerConfig.builder()
            .connectionLimits(connection.apply(ConnectionLimits.builder()).build())
            .requestDeadlines(
                RequestDeadlines.builder().defaultRequestTimeout(Duration.ofSeconds(5)).build())
            .meterRegistry(registry)
            .http2(limits.apply(Http2Limits.builder()).build())
            .build());
  }

  private Http2TestServer smallSendBuffer(UnaryOperator<Http2Limits.Builder> limits)
      throws InterruptedException {
    return new Http2TestServer(
        ServerConfig.builder()
            .meterRegistry(registry)
            .http2(limits.apply(Http2Limits.builder()).build())
            .build(),
        4096);
  }

  private Http2TestServer server(UnaryOperator<Http2Limits.Builder> limits)
      throws InterruptedException {
    return server(limits, c -> c);
  }

  /** Connects and waits for the server's SETTINGS (acknowledged: its limits now apply). */
  private static RawHttp2Client connect(Http2TestServer server, int... settings)
      throws IOException {
    RawHttp2Client c = new RawHttp2Client(server.port, READ_TIMEOUT_MS).start(settings);
    c.await(f -> f.type() == SETTINGS && (f.flags() & RawHttp2Client.ACK) == 0);
    return c;
  }

  private static RawHttp2Client connectNotReading(Http2TestServer server) throws IOException {
    RawHttp2Client c = new RawHttp2Client(server.port, READ_TIMEOUT_MS, 2048).start();
    c.await(f -> f.type() == SETTINGS && (f.flags() & RawHttp2Client.ACK) == 0);
    return c;
  }

  private double goAways(String reason) {
    return registry.find(ServerMetrics.HTTP2_GOAWAYS).tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private double resets(String reason) {
    return registry.find(ServerMetrics.HTTP2_RESETS).tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Writes an attacker's burst; the server may close while it is written. */
  private static void burstQuietly(RawHttp2Client c, List<byte[]> frames) {
    try {
      c.burst(frames);
    } catch (IOException closedUnderUs) {
      // the defence already ended the connection
    }
  }

  @Test
  void aStreamPastMaxConcurrentStreamsIsRefusedAndTheOthersGoOn() throws Exception {
    try (Http2TestServer s = server(l -> l.maxConcurrentStreams(2));
        RawHttp2Client c = connect(s)) {
      c.get(1, "/slow", "grpc-timeout", "1S");
      c.get(3, "/slow", "grpc-timeout", "1S");
      c.get(5, "/third");
      RawHttp2Client.Frame refused = c.awaitType(RST_STREAM, 5);
      assertThat(refused.errorCode()).isEqualTo(REFUSED_STREAM);
      assertThat(c.response(1).status()).isEqualTo("504");
      c.get(7, "/after");
      assertThat(c.response(7).status()).isEqualTo("200");
    }
    assertThat(resets("refused")).isEqualTo(1);
  }

  @Test
  void maxConcurrentStreamsHoldsForAClientThatNeverAcknowledgesTheServersSettings()
      throws Exception {
    try (Http2TestServer s = server(l -> l.maxConcurrentStreams(2));
        RawHttp2Client c = new RawHttp2Client(s.port, READ_TIMEOUT_MS).start()) {
      List<byte[]> attack = new ArrayList<>();
      for (int stream = 1; stream <= 9; stream += 2) { // sent before the server's SETTINGS is read
        attack.add(
            RawHttp2Client.encode(
                HEADERS,
                END_STREAM | END_HEADERS,
                stream,
                c.headerBlock(stream, "/slow", "grpc-timeout", "1S")));
      }
      c.burst(attack);
      RawHttp2Client.Frame refused = c.awaitType(RST_STREAM, 5);
      assertThat(refused.errorCode()).isEqualTo(REFUSED_STREAM);
    }
  }

  @Test
  void rapidResetPastTheBudgetEndsTheConnectionWithEnhanceYourCalm() throws Exception {
    try (Http2TestServer s = server(l -> l.resetBudget(10, 30));
        RawHttp2Client c = connect(s)) {
      List<byte[]> attack = new ArrayList<>();
      for (int stream = 1; stream <= 2 * 50; stream += 2) {
        attack.add(
            RawHttp2Client.encode(
                HEADERS, END_STREAM | END_HEADERS, stream, c.headerBlock(stream, "/slow")));
        attack.add(
            RawHttp2Client.encode(RST_STREAM, 0, stream, new byte[] {0, 0, 0, (byte) CANCEL}));
      }
      burstQuietly(c, attack);
      RawHttp2Client.Frame goAway = c.await(f -> f.type() == GOAWAY);
      assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("rapid_reset")).isEqualTo(1);
  }

  @Test
  void aContinuationFloodIsCutOffWhileTheHeaderBlockIsRead() throws Exception {
    try (Http2TestServer s = server(l -> l.maxHeaderListSize(8192));
        RawHttp2Client c = connect(s)) {
      byte[] start = c.headerBlock(1, "/flood");
      List<byte[]> attack = new ArrayList<>();
      attack.add(RawHttp2Client.encode(HEADERS, END_STREAM, 1, start)); // no END_HEADERS
      byte[] junk = new byte[1024];
      Arrays.fill(junk, (byte) 'a');
      for (int i = 0; i < 1_000; i++) { // 1 MiB of header block that never ends
        attack.add(RawHttp2Client.encode(CONTINUATION, 0, 1, junk));
      }
      burstQuietly(c, attack);
      RawHttp2Client.Frame goAway = c.await(f -> f.type() == GOAWAY);
      assertThat(goAway.errorCode()).isNotEqualTo(NO_ERROR);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("header_list_size") + goAways("continuation_flood")).isEqualTo(1);
  }

  @Test
  void manySmallContinuationFramesEndTheConnection() throws Exception {
    try (Http2TestServer s = server(l -> l.maxSmallContinuationFrames(16));
        RawHttp2Client c = connect(s)) {
      List<byte[]> attack = new ArrayList<>();
      attack.add(RawHttp2Client.encode(HEADERS, END_STREAM, 1, c.headerBlock(1, "/flood")));
      for (int i = 0; i < 200; i++) { // empty fragments: no size limit would ever trip
        attack.add(RawHttp2Client.encode(CONTINUATION, 0, 1, new byte[0]));
      }
      burstQuietly(c, attack);
      assertThat(c.await(f -> f.type() == GOAWAY).errorCode()).isNotEqualTo(NO_ERROR);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("continuation_flood")).isEqualTo(1);
  }

  @Test
  void aHeaderListOverTheLimitIsAnswered431OnItsStreamOnly() throws Exception {
    try (Http2TestServer s = server(l -> l.maxHeaderListSize(4096));
        RawHttp2Client c = connect(s)) {
      c.get(1, "/big-headers", "x-filler", "b".repeat(4200));
      RawHttp2Client.Response r = c.response(1);
      assertThat(r.status()).isEqualTo("431");
      c.get(3, "/after");
      assertThat(c.response(3).status()).isEqualTo("200");
    }
  }

  @Test
  void aPingFloodFromAClientThatQueuesAcksEndsTheConnection() throws Exception {
    try (Http2TestServer s = smallSendBuffer(l -> l.maxQueuedControlFrames(50));
        RawHttp2Client c = connectNotReading(s)) {
      List<byte[]> attack = new ArrayList<>();
      for (int i = 0; i < 50_000; i++) { // never reads the acks: they queue up on the server
        attack.add(RawHttp2Client.encode(PING, 0, 0, new byte[8]));
      }
      burstQuietly(c, attack);
      // still reading nothing: the acks pile up on the server until the limit ends the connection
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> goAways("control_frame_flood") == 1);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("control_frame_flood")).isEqualTo(1);
  }

  @Test
  void aSettingsFloodEndsTheConnection() throws Exception {
    try (Http2TestServer s = smallSendBuffer(l -> l.maxQueuedControlFrames(50));
        RawHttp2Client c = connectNotReading(s)) {
      List<byte[]> attack = new ArrayList<>();
      for (int i = 0; i < 50_000; i++) { // never reads the acks: they queue up on the server
        attack.add(RawHttp2Client.encode(SETTINGS, 0, 0, new byte[0]));
      }
      burstQuietly(c, attack);
      // still reading nothing: the acks pile up on the server until the limit ends the connection
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> goAways("control_frame_flood") == 1);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("control_frame_flood")).isEqualTo(1);
  }

  @Test
  void emptyDataFramesWithoutEndStreamEndTheConnection() throws Exception {
    try (Http2TestServer s = server(l -> l.maxConsecutiveEmptyDataFrames(2));
        RawHttp2Client c = connect(s)) {
      List<byte[]> attack = new ArrayList<>();
      attack.add(RawHttp2Client.encode(HEADERS, END_HEADERS, 1, c.headerBlock(1, "/upload")));
      for (int i = 0; i < 100; i++) {
        attack.add(RawHttp2Client.encode(DATA, 0, 1, new byte[0]));
      }
      burstQuietly(c, attack);
      assertThat(c.await(f -> f.type() == GOAWAY).errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("empty_data_flood")).isEqualTo(1);
  }

  @Test
  void aStreamWhoseClientNeverOpensItsWindowIsResetAtTheWriteTimeoutWithoutBlockingOthers()
      throws Exception {
    try (Http2TestServer s = server(l -> l, c -> c.writeTimeout(Duration.ofMillis(300)));
        RawHttp2Client c = connect(s, SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
      c.get(1, "/big");
      c.get(3, "/small");
      c.windowUpdate(3, 1 << 20); // only stream 3 may receive DATA
      RawHttp2Client.Response small;
      try {
        small = c.response(3);
      } catch (IOException e) {
        throw new AssertionError(c.describe(), e);
      }
      assertThat(small.status()).isEqualTo("200");
      assertThat(small.body()).isEqualTo("ok /small");
      RawHttp2Client.Response big = c.response(1);
      assertThat(big.status()).isEqualTo("200");
      assertThat(big.reset()).isEqualTo(CANCEL);
      c.get(5, "/after");
      c.windowUpdate(5, 1 << 20);
      assertThat(c.response(5).status()).isEqualTo("200");
    }
    assertThat(resets("write_stall")).isEqualTo(1);
  }

  @Test
  void anIdleConnectionIsSentGoAwayAndClosed() throws Exception {
    try (Http2TestServer s =
            server(
                l -> l,
                c ->
                    c.headerReadTimeout(Duration.ofMillis(200))
                        .idleTimeout(Duration.ofMillis(300)));
        RawHttp2Client c = connect(s)) {
      c.get(1, "/once");
      assertThat(c.response(1).status()).isEqualTo("200");
      RawHttp2Client.Frame goAway = c.await(f -> f.type() == GOAWAY);
      assertThat(goAway.errorCode()).isEqualTo(NO_ERROR);
      assertThat(c.awaitClose()).isTrue();
    }
    assertThat(goAways("idle")).isEqualTo(1);
  }

  @Test
  void aDrainSendsGoAwayAndLetsTheOpenStreamFinish() throws Exception {
    try (Http2TestServer s = server(l -> l);
        RawHttp2Client c = connect(s)) {
      c.get(1, "/later");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.server.activeRequests() == 1);
      java.util.concurrent.CompletableFuture<Void> drained = s.server.drain(Duration.ofSeconds(5));
      assertThat(c.await(f -> f.type() == GOAWAY).errorCode()).isEqualTo(NO_ERROR);
      assertThat(c.response(1).body()).isEqualTo("later");
      assertThat(c.awaitClose()).isTrue();
      drained.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(goAways("drain")).isEqualTo(1);
  }

  @Test
  void atMaxAgeGoAwayLetsTheOpenStreamFinishThenCloses() throws Exception {
    try (Http2TestServer s = server(l -> l, c -> c.maxConnectionAge(Duration.ofMillis(100)));
        RawHttp2Client c = connect(s)) {
      c.get(1, "/later"); // answered 300 ms after it arrived, past the connection's age
      RawHttp2Client.Frame goAway = c.await(f -> f.type() == GOAWAY);
      assertThat(goAway.errorCode()).isEqualTo(NO_ERROR);
      RawHttp2Client.Response r = c.response(1);
      assertThat(r.status()).isEqualTo("200");
      assertThat(r.body()).isEqualTo("later");
      assertThat(c.awaitClose()).isTrue();
    } catch (SocketException e) {
      throw new AssertionError("the open stream was not allowed to finish", e);
    }
    assertThat(goAways("max_age")).isEqualTo(1);
  }
}
