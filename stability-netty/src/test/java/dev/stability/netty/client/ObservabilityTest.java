package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservabilityTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StabilityHttpClient client =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .meterRegistry(registry)
          .config(
              HttpClientConfig.builder()
                  .phaseTimeouts(
                      PhaseTimeouts.builder().responseHeaders(Duration.ofMillis(200)).build())
                  .build())
          .build();

  @AfterEach
  void tearDown() {
    client.close();
    upstream.close();
  }

  @Test
  void recordsRequestTimerPoolGaugesAndConnects() {
    upstream.behave(TestUpstream.ok("ok"));
    URI uri = upstream.uri("/");
    client.executeBlocking(ClientRequest.get(uri));
    client.executeBlocking(ClientRequest.get(uri));

    String host = "http://127.0.0.1:" + uri.getPort();
    assertThat(
            registry
                .get("http.client.requests")
                .tag("host", host)
                .tag("method", "GET")
                .tag("status", "200")
                .tag("outcome", "SUCCESS")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(registry.get("http.client.connections").tag("host", host).counter().count())
        .isEqualTo(1);
    assertThat(registry.get("http.client.pool.idle").tag("host", host).gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("http.client.pool.active").tag("host", host).gauge().value()).isZero();
    assertThat(registry.get("http.client.pool.pending").tag("host", host).gauge().value()).isZero();
  }

  @Test
  void countsPhaseTimeoutsByPhase() {
    URI uri = upstream.uri("/");
    client.executeBlocking(
        ClientRequest.get(uri)); // warm: the pooled connection skips the connect phase
    upstream.behave(TestUpstream.hang());
    RequestContext ctx = RequestContext.of("t", Duration.ofSeconds(10));
    assertThatThrownBy(
            () -> client.executeBlocking(ClientRequest.builder("GET", uri).context(ctx).build()))
        .isInstanceOfSatisfying(
            PhaseTimeoutException.class,
            e -> assertThat(e.phase()).as(e.getMessage()).isEqualTo(CallPhase.RESPONSE_HEADERS));
    String host = "http://127.0.0.1:" + uri.getPort();
    assertThat(
            registry
                .get("http.client.phase.timeouts")
                .tag("host", host)
                .tag("phase", "RESPONSE_HEADERS")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("http.client.requests").tag("outcome", "TIMEOUT").timer().count())
        .isEqualTo(1);
  }

  @Test
  void recordsDownstreamPhasesInTheRequestTimeline() {
    upstream.behave(TestUpstream.ok("ok"));
    PhaseTimeline timeline = PhaseTimeline.start(Ticker.system());
    RequestContext ctx =
        RequestContext.of("timeline", Duration.ofSeconds(5)).withValue(PhaseTimeline.KEY, timeline);
    client.executeBlocking(ClientRequest.builder("GET", upstream.uri("/")).context(ctx).build());

    long acquire = timeline.offsetNanos(RequestPhase.DOWNSTREAM_ACQUIRE);
    long connect = timeline.offsetNanos(RequestPhase.DOWNSTREAM_CONNECT);
    long sent = timeline.offsetNanos(RequestPhase.DOWNSTREAM_SENT);
    long firstByte = timeline.offsetNanos(RequestPhase.DOWNSTREAM_FIRST_BYTE);
    long done = timeline.offsetNanos(RequestPhase.DOWNSTREAM_DONE);
    assertThat(acquire).isNotNegative();
    assertThat(connect).isGreaterThanOrEqualTo(acquire);
    assertThat(sent).isGreaterThanOrEqualTo(connect);
    assertThat(firstByte).isGreaterThanOrEqualTo(sent);
    assertThat(done).isGreaterThanOrEqualTo(firstByte);
    assertThat(timeline.offsetNanos(RequestPhase.DOWNSTREAM_TLS)).isEqualTo(-1);
  }
}
