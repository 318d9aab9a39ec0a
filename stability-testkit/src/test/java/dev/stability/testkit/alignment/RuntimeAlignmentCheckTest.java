package dev.stability.testkit.alignment;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PhaseTimeouts;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import dev.stability.testkit.upstream.FaultyUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RuntimeAlignmentCheckTest {
  @RegisterExtension final FaultyUpstream upstream = FaultyUpstream.create();

  private static ServerConfig server(Duration requestTimeout) {
    return ServerConfig.builder()
        .connectionLimits(
            ConnectionLimits.builder().headerReadTimeout(requestTimeout.dividedBy(2)).build())
        .requestDeadlines(RequestDeadlines.builder().defaultRequestTimeout(requestTimeout).build())
        .build();
  }

  private static HttpClientConfig client(Duration responseHeaders) {
    return HttpClientConfig.builder()
        .phaseTimeouts(
            PhaseTimeouts.builder()
                .responseHeaders(responseHeaders)
                .bodyTotal(ofSeconds(30))
                .build())
        .build();
  }

  @Test
  void alignedLayersLetTheClientGiveUpFirstAndTheCallerGetsItsAnswer() {
    RuntimeAlignmentResult run =
        RuntimeAlignmentCheck.of(
                server(ofSeconds(2)), HandlerBudget.margin(ofMillis(300)), client(ofMillis(400)))
            .callerTimeout(ofSeconds(5))
            .run(upstream);

    RuntimeAlignmentAssert.assertThat(run)
        .innermostFiredFirst()
        .callerAnsweredInTime()
        .callerGotStatus(504);
    assertThat(run.first().orElseThrow().detail()).contains("RESPONSE_HEADERS");
    assertThat(upstream.takeRequest(ofSeconds(5)).requestTimeout()).isPresent();
  }

  @Test
  void budgetShorterThanTheClientFiresBeforeIt() {
    RuntimeAlignmentResult run =
        RuntimeAlignmentCheck.of(
                server(ofSeconds(2)), HandlerBudget.margin(ofMillis(1_200)), client(ofSeconds(10)))
            .callerTimeout(ofSeconds(5))
            .run(upstream);

    RuntimeAlignmentAssert.assertThat(run)
        .firstTimeoutWas(RuntimeAlignmentResult.Layer.HANDLER_BUDGET)
        .callerAnsweredInTime();
    assertThatThrownBy(() -> RuntimeAlignmentAssert.assertThat(run).innermostFiredFirst())
        .hasMessageContaining(
            "expected the CLIENT timeout to fire first but the HANDLER_BUDGET timeout did")
        .hasMessageContaining("timeline:");
  }

  @Test
  void handlerBudgetBeyondTheServerTimeoutLetsTheServerFireFirst() {
    RuntimeAlignmentResult run =
        RuntimeAlignmentCheck.of(
                server(ofMillis(600)), HandlerBudget.of(ofSeconds(5)), client(ofSeconds(5)))
            .callerTimeout(ofSeconds(5))
            .run(upstream);

    assertThatThrownBy(() -> RuntimeAlignmentAssert.assertThat(run).innermostFiredFirst())
        .hasMessageContaining("but the SERVER_REQUEST timeout did")
        .hasMessageContaining("handler budget is not shorter than the server deadline");
    RuntimeAlignmentAssert.assertThat(run).callerAnsweredInTime().callerGotStatus(504);
  }

  @Test
  void callerWithAShorterDeadlineThanTheServerGetsNoAnswer() {
    RuntimeAlignmentResult run =
        RuntimeAlignmentCheck.of(
                server(ofSeconds(1)), HandlerBudget.margin(ofMillis(200)), client(ofMillis(700)))
            .callerTimeout(ofMillis(300))
            .run(upstream);

    assertThatThrownBy(() -> RuntimeAlignmentAssert.assertThat(run).callerAnsweredInTime())
        .hasMessageContaining("expected the caller to get an answer before its deadline of 300 ms");
  }

  @Test
  void callerDeadlineShorterThanTheServerTimeoutTightensEveryLayerBelowIt() {
    RuntimeAlignmentResult run =
        RuntimeAlignmentCheck.of(
                server(ofSeconds(20)), HandlerBudget.margin(ofSeconds(1)), client(ofSeconds(15)))
            .callerTimeout(ofSeconds(3))
            .callerSendsDeadline()
            .run(upstream);

    RuntimeAlignmentAssert.assertThat(run)
        .firstTimeoutWas(RuntimeAlignmentResult.Layer.HANDLER_BUDGET)
        .callerAnsweredInTime()
        .callerGotStatus(504);
    assertThat(upstream.takeRequest(ofSeconds(5)).requestTimeout().orElseThrow())
        .isLessThan(ofSeconds(2));
  }
}
