package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One call per HTTP/2 stream against a bare Netty HTTP/2 server that misbehaves per stream. */
class Http2ExchangeTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RawHttp2Upstream upstream;
  private StabilityHttpClient client;

  private StabilityHttpClient client(HttpClientConfig.Builder config) {
    client =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .meterRegistry(meters)
            .config(config.http2(Http2ClientConfig.priorKnowledge()).build())
            .build();
    return client;
  }

  private StabilityHttpClient client() {
    return client(HttpClientConfig.builder());
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void priorKnowledgeCallGetsItsAnswerOverHttp2() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    ClientResponse r = client().executeBlocking(ClientRequest.get(upstream.uri("/a?b=c")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("ok /a?b=c");
    assertThat(r.protocol()).isEqualTo("HTTP/2");
    // a stream that ended normally is not reset (the server reads frames in order: a reset of the
    // first stream would be seen before the second request)
    client.executeBlocking(ClientRequest.get(upstream.uri("/second")));
    assertThat(upstream.resets).isEmpty();
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void deadlineResetsItsOwnStreamAndTheConnectionCarriesOn() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r -> {
          if (!r.path().equals("/hang")) {
            r.respond(200, "fine");
          }
        });
    client();
    client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    client.executeBlocking(ClientRequest.get(upstream.uri("/first")));
    RequestContext ctx = RequestContext.of("h2-deadline", Duration.ofMillis(300));
    CompletableFuture<ClientResponse> hanging =
        client.execute(ClientRequest.builder("GET", upstream.uri("/hang")).context(ctx).build());
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/beside"))).bodyAsString())
        .isEqualTo("fine");
    assertThatThrownBy(() -> hanging.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(PhaseTimeoutException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> upstream.resets.contains(Http2Error.CANCEL.code()));
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/after"))).status())
        .isEqualTo(200);
    assertThat(upstream.connections.get()).isEqualTo(1);
    assertThat(upstream.closedConnections.get()).isZero();
  }

  @Test
  void refusedStreamIsSentAgainEvenWhenNotIdempotent() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    AtomicReference<Boolean> refusedOnce = new AtomicReference<>(false);
    upstream.behave(
        r -> {
          if (!refusedOnce.getAndSet(true)) {
            r.reset(Http2Error.REFUSED_STREAM);
          } else {
            r.respond(201, "created " + r.body);
          }
        });
    ClientResponse r =
        client()
            .executeBlocking(
                ClientRequest.builder("POST", upstream.uri("/orders"))
                    .body("x".getBytes(StandardCharsets.UTF_8))
                    .build());
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.bodyAsString()).isEqualTo("created x");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(upstream.requests.get()).isEqualTo(2);
  }

  @Test
  void otherResetFailsAsPrematureCloseWithoutRetry() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(r -> r.reset(Http2Error.INTERNAL_ERROR));
    assertThatThrownBy(
            () ->
                client()
                    .executeBlocking(
                        ClientRequest.builder("POST", upstream.uri("/x"))
                            .body(new byte[] {1})
                            .build()))
        .isInstanceOf(PrematureCloseException.class)
        .hasMessageContaining("http://127.0.0.1:" + upstream.port());
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void goAwayRetriesTheStreamAboveLastStreamIdOnANewConnectionAndLetsTheOtherFinish() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    AtomicReference<RawHttp2Upstream.Request> held = new AtomicReference<>();
    upstream.behave(
        r -> {
          if (r.connection > 1) {
            r.respond(200, "second connection " + r.path());
          } else if (r.path().equals("/held")) {
            held.set(r);
          } else {
            // the second stream: tell the client only the first was taken, then finish the first
            RawHttp2Upstream.goAway(r.ctx, held.get().stream.id());
            held.get().respond(200, "held and finished");
          }
        });
    client();
    CompletableFuture<ClientResponse> first =
        client.execute(ClientRequest.get(upstream.uri("/held")));
    await().atMost(Duration.ofSeconds(5)).until(() -> held.get() != null);
    ClientResponse second =
        client.executeBlocking(
            ClientRequest.builder("POST", upstream.uri("/unprocessed"))
                .body(new byte[] {1})
                .build());
    assertThat(second.bodyAsString()).isEqualTo("second connection /unprocessed");
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(first.join().bodyAsString()).isEqualTo("held and finished");
    assertThat(upstream.connections.get()).isEqualTo(2);
    // the first connection took no new stream and closed once its last stream ended
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedConnections.get() == 1);
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/third"))).bodyAsString())
        .isEqualTo("second connection /third");
    assertThat(upstream.connections.get()).isEqualTo(2);
    assertThat(
            meters
                .get("http.client.http2.connection.events")
                .tag("event", "goaway")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void serverThatNeverOpensTheWindowEndsTheCallInWriteAndOnlyThatStream() {
    upstream = new RawHttp2Upstream(new RawHttp2Upstream.Setup(100, 0, true));
    client();
    client.executeBlocking(ClientRequest.get(upstream.uri("/warm")));
    RequestContext ctx = RequestContext.of("window", Duration.ofMillis(400));
    assertThatThrownBy(
            () ->
                client.executeBlocking(
                    ClientRequest.builder("POST", upstream.uri("/upload"))
                        .body(new byte[4096])
                        .context(ctx)
                        .build()))
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(CallPhase.WRITE));
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/get"))).status())
        .isEqualTo(200);
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void invalidStatusIsAMalformedResponse() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r ->
            r.ctx.writeAndFlush(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("2x0"), true)
                    .stream(r.stream)));
    assertThatThrownBy(() -> client().executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOfSatisfying(
            MalformedResponseException.class,
            e -> {
              assertThat(e.phase()).isEqualTo(CallPhase.RESPONSE_HEADERS);
              assertThat(e.reason()).contains("invalid :status");
            });
  }

  @Test
  void switchingProtocolsIsAMalformedResponse() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r ->
            r.ctx.writeAndFlush(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("101"), false)
                    .stream(r.stream)));
    assertThatThrownBy(() -> client().executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("101");
  }

  @Test
  void informationalAnswersAreSkipped() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r -> {
          r.ctx.write(
              new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("103"), false)
                  .stream(r.stream));
          r.respond(200, "after hints");
        });
    assertThat(client().executeBlocking(ClientRequest.get(upstream.uri("/"))).bodyAsString())
        .isEqualTo("after hints");
  }

  @Test
  void announcedBodyOverTheLimitFailsBeforeItIsRead() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(r -> r.respond(200, "x".repeat(2048)));
    assertThatThrownBy(
            () ->
                client(HttpClientConfig.builder().maxResponseBodyBytes(1024))
                    .executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOf(ResponseTooLargeException.class);
  }

  @Test
  void unannouncedBodyOverTheLimitFailsAndTheConnectionStays() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r -> {
          if (r.path().equals("/big")) {
            r.ctx.write(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false)
                    .stream(r.stream));
            for (int i = 0; i < 4; i++) {
              r.ctx.write(
                  new DefaultHttp2DataFrame(
                          io.netty.buffer.Unpooled.wrappedBuffer(new byte[512]), false)
                      .stream(r.stream));
            }
            r.ctx.flush();
          } else {
            r.respond(200, "small");
          }
        });
    client(HttpClientConfig.builder().maxResponseBodyBytes(1024));
    assertThatThrownBy(() -> client.executeBlocking(ClientRequest.get(upstream.uri("/big"))))
        .isInstanceOf(ResponseTooLargeException.class);
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/small"))).bodyAsString())
        .isEqualTo("small");
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void headerBlockOverTheLimitIsAMalformedResponseAndTheConnectionStays() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r -> {
          if (r.path().equals("/big-headers")) {
            r.ctx.writeAndFlush(
                new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().status("200").set("x-big", "a".repeat(20_000)),
                        true)
                    .stream(r.stream));
          } else {
            r.respond(200, "small");
          }
        });
    client();
    assertThatThrownBy(
            () -> client.executeBlocking(ClientRequest.get(upstream.uri("/big-headers"))))
        .isInstanceOfSatisfying(
            MalformedResponseException.class,
            e -> assertThat(e.reason()).contains("header block too large"));
    assertThat(client.executeBlocking(ClientRequest.get(upstream.uri("/small"))).bodyAsString())
        .isEqualTo("small");
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void dataBeforeHeadersIsAMalformedResponse() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(
        r ->
            r.ctx.writeAndFlush(
                new DefaultHttp2DataFrame(
                        io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'x'}), true)
                    .stream(r.stream)));
    assertThatThrownBy(() -> client().executeBlocking(ClientRequest.get(upstream.uri("/"))))
        .isInstanceOf(MalformedResponseException.class);
  }

  @Test
  void bodiesLargerThanTheFlowControlWindowsArriveWholeOnConcurrentStreams() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    upstream.behave(r -> r.respond(200, "b".repeat(3 << 20))); // 3 MiB each: 3 stream windows
    client();
    List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(client.execute(ClientRequest.get(upstream.uri("/big/" + i))));
    }
    for (CompletableFuture<ClientResponse> c : calls) {
      assertThat(c.join().bodyLength()).isEqualTo(3 << 20);
    }
    assertThat(upstream.connections.get()).isEqualTo(1);
  }

  @Test
  void grpcTimeoutIsSentBesideTheClientsOwnHeader() {
    upstream = new RawHttp2Upstream(RawHttp2Upstream.Setup.defaults());
    AtomicReference<String> seen = new AtomicReference<>();
    upstream.behave(
        r -> {
          seen.set(r.headers.get("grpc-timeout") + " " + r.headers.get("x-request-timeout"));
          r.respond(200, "");
        });
    RequestContext ctx = RequestContext.of("grpc", Duration.ofSeconds(2));
    client().executeBlocking(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());
    assertThat(seen.get()).matches("[0-9]{1,8}[HMSmun] [0-9]{1,8}[HMSmun]");
  }
}
