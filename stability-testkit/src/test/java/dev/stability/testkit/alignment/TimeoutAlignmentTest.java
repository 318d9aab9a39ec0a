package dev.stability.testkit.alignment;

import static dev.stability.testkit.alignment.TimeoutAssertions.assertThatTimeouts;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PhaseTimeouts;
import dev.stability.netty.client.PoolConfig;
import dev.stability.netty.client.RetryPolicy;
import dev.stability.netty.server.ConnectionLimits;
import dev.stability.netty.server.RequestDeadlines;
import dev.stability.netty.server.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeoutAlignmentTest {

  private static ServerTimeouts server() {
    return ServerTimeouts.builder()
        .requestTimeout(ofSeconds(1))
        .maxRequestTimeout(ofSeconds(5))
        .headerReadTimeout(ofMillis(500))
        .keepAliveTimeout(ofSeconds(15))
        .build();
  }

  private static ClientTimeouts.Builder client() {
    return ClientTimeouts.builder("inventory")
        .perTryTimeout(ofMillis(400))
        .maxAttempts(2)
        .fixedBackoff(ofMillis(50))
        .phase("connect", ofMillis(200))
        .phase("response headers", ofMillis(400))
        .idleTimeout(ofSeconds(10))
        .upstreamKeepAlive(ofSeconds(15));
  }

  private static TimeoutLayers layers(
      ServerTimeouts server, HandlerBudget handler, ClientTimeouts client) {
    return TimeoutLayers.builder().server(server).handler(handler).client(client).build();
  }

  private static List<AlignmentRule> broken(TimeoutLayers layers) {
    return TimeoutAlignment.check(layers).stream().map(AlignmentViolation::rule).toList();
  }

  @Test
  void identicalViolationsOfSeveralClientsShareOneRowAndOneFix() {
    ClientTimeouts.Builder greedy = client().maxAttempts(8);
    TimeoutLayers layers =
        TimeoutLayers.builder()
            .server(server())
            .handler(HandlerBudget.margin(ofMillis(100)))
            .client(greedy.build())
            .client(
                ClientTimeouts.builder("pricing")
                    .perTryTimeout(ofMillis(400))
                    .maxAttempts(8)
                    .fixedBackoff(ofMillis(50))
                    .phase("connect", ofMillis(200))
                    .phase("response headers", ofMillis(400))
                    .build())
            .build();
    String table = TimeoutAlignment.table(TimeoutAlignment.check(layers));
    assertThat(table).contains("client inventory, client pricing");
    assertThat(table.split("client-total-within-budget", -1)).hasSize(3); // one row, one fix
  }

  @Test
  void aRouteTimeoutFromRequestTimeoutsIsTheServerLayerOfThatRoute() {
    ServerConfig config =
        ServerConfig.builder()
            .requestDeadlines(
                dev.stability.netty.server.RequestDeadlines.builder()
                    .defaultRequestTimeout(ofSeconds(2))
                    .requestTimeouts(r -> r.uri().startsWith("/export") ? ofSeconds(30) : null)
                    .build())
            .build();
    assertThat(ServerTimeouts.forRoute(config, "GET", "/export/all").requestTimeout())
        .isEqualTo(ofSeconds(30));
    assertThat(ServerTimeouts.forRoute(config, "GET", "/orders").requestTimeout())
        .isEqualTo(ofSeconds(2));
  }

  @Test
  void wellNestedLayersAreAligned() {
    assertThatTimeouts(layers(server(), HandlerBudget.margin(ofMillis(100)), client().build()))
        .areAligned();
  }

  @Test
  void retriesThatCannotFitAreReportedWithTheirArithmetic() {
    TimeoutLayers layers =
        layers(server(), HandlerBudget.margin(ofMillis(100)), client().maxAttempts(3).build());
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("1 rule is violated")
        .hasMessageContaining("client-total-within-budget")
        .hasMessageContaining("client inventory")
        .hasMessageContaining("<= 900 ms (handler budget)")
        .hasMessageContaining("3 x 400 ms + 50 ms + 50 ms = 1.3 s; only 2 of 3 attempts fit");
  }

  @Test
  void clientOutlivingTheServerIsTheSeedsInvertedChecklist() {
    // "ReadTimeout <= handler deadline <= client timeout" is backwards: the client must give up
    // first
    TimeoutLayers layers =
        layers(
            server(),
            HandlerBudget.margin(ofMillis(100)),
            client()
                .perTryTimeout(ofSeconds(2))
                .maxAttempts(1)
                .phase("response headers", ofSeconds(2))
                .build());
    assertThat(broken(layers)).containsExactly(AlignmentRule.PER_TRY_WITHIN_BUDGET);
  }

  @Test
  void missingMarginIsReported() {
    TimeoutLayers layers = layers(server(), HandlerBudget.of(ofMillis(990)), client().build());
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("handler-margin")
        .hasMessageContaining(">= 50 ms (minimum margin)")
        .hasMessageContaining("10 ms = 1 s - 990 ms");
  }

  @Test
  void handlerBudgetAtOrAboveTheRequestTimeoutIsInnerNotBeforeOuter() {
    assertThat(broken(layers(server(), HandlerBudget.of(ofSeconds(1)), client().build())))
        .containsExactly(AlignmentRule.HANDLER_INSIDE_REQUEST);
    assertThat(broken(layers(server(), HandlerBudget.margin(ofSeconds(2)), client().build())))
        .contains(AlignmentRule.HANDLER_INSIDE_REQUEST);
  }

  @Test
  void serverRulesCompareRequestTimeoutWithItsCapAndHeaderRead() {
    ServerTimeouts bad =
        ServerTimeouts.builder()
            .requestTimeout(ofSeconds(10))
            .maxRequestTimeout(ofSeconds(5))
            .headerReadTimeout(ofSeconds(10))
            .build();
    assertThat(broken(layers(bad, HandlerBudget.margin(ofMillis(100)), client().build())))
        .containsExactly(
            AlignmentRule.SERVER_TIMEOUT_WITHIN_MAX, AlignmentRule.HEADER_READ_BEFORE_REQUEST);
  }

  @Test
  void phaseLongerThanTheAttemptIsReported() {
    TimeoutLayers layers =
        layers(
            server(),
            HandlerBudget.margin(ofMillis(100)),
            client().phase("body", ofSeconds(30)).build());
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("phase-within-per-try")
        .hasMessageContaining("<= 400 ms (per-try timeout)")
        .hasMessageContaining("30 s (body)");
  }

  @Test
  void clientWithoutAnyTimeoutIsReported() {
    ClientTimeouts naked = ClientTimeouts.builder("legacy").noTimeout("read").build();
    TimeoutLayers layers = layers(server(), HandlerBudget.margin(ofMillis(100)), naked);
    assertThatThrownBy(() -> assertThatTimeouts(layers).areAligned())
        .hasMessageContaining("client-has-timeouts")
        .hasMessageContaining("client legacy")
        .hasMessageContaining("none for per-try, read");
  }

  @Test
  void idleConnectionsKeptLongerThanTheUpstreamKeepsThemAreReported() {
    TimeoutLayers layers =
        layers(
            server(),
            HandlerBudget.margin(ofMillis(100)),
            client().idleTimeout(ofSeconds(20)).build());
    assertThatTimeouts(layers)
        .violates(AlignmentRule.IDLE_BELOW_UPSTREAM_KEEP_ALIVE)
        .satisfies(AlignmentRule.CLIENT_TOTAL_WITHIN_BUDGET);
  }

  @Test
  void clientsCalledInSequenceMustFitTheBudgetTogether() {
    TimeoutLayers.Builder b =
        TimeoutLayers.builder()
            .server(server())
            .handler(HandlerBudget.margin(ofMillis(100)))
            .client(client().build())
            .client(ClientTimeouts.builder("pricing").perTryTimeout(ofMillis(300)).build());
    assertThatTimeouts(b.build()).areAligned(); // in parallel each gets the whole 900 ms
    assertThatThrownBy(() -> assertThatTimeouts(b.clientsInSequence().build()).areAligned())
        .hasMessageContaining("sequential-clients-within-budget")
        .hasMessageContaining("inventory 850 ms + pricing 300 ms = 1.15 s");
  }

  @Test
  void tableListsEveryViolationWithAFix() {
    ClientTimeouts bad =
        client().maxAttempts(5).idleTimeout(ofSeconds(30)).phase("dns", ofSeconds(2)).build();
    TimeoutLayers layers = layers(server(), HandlerBudget.of(ofMillis(980)), bad);
    String table = TimeoutAlignment.table(TimeoutAlignment.check(layers));
    assertThat(table.lines().findFirst().orElseThrow())
        .matches("\\s+rule\\s+layer\\s+expected\\s+actual");
    assertThat(table)
        .contains(
            "handler-margin",
            "client-total-within-budget",
            "phase-within-per-try",
            "idle-below-upstream-keep-alive",
            "fixes:");
  }

  @Test
  void realConfigsAreReadThroughTheirGetters() {
    ServerConfig server =
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder()
                    .headerReadTimeout(ofSeconds(1))
                    .idleTimeout(ofSeconds(15))
                    .build())
            .requestDeadlines(
                RequestDeadlines.builder()
                    .defaultRequestTimeout(ofSeconds(2))
                    .inboundDeadlinePolicy(
                        InboundDeadlinePolicy.builder()
                            .maxTimeout(ofSeconds(5))
                            .defaultTimeout(ofSeconds(2))
                            .build())
                    .build())
            .build();
    HttpClientConfig client =
        HttpClientConfig.builder()
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .perTryTimeout(ofMillis(800))
                    .backoff(ofMillis(50), ofMillis(100), 2)
                    .build())
            .phaseTimeouts(
                PhaseTimeouts.builder()
                    .dns(ofMillis(200))
                    .acquire(ofMillis(100))
                    .connect(ofMillis(200))
                    .tls(ofMillis(300))
                    .write(ofMillis(300))
                    .responseHeaders(ofMillis(800))
                    .bodyTotal(ofMillis(800))
                    .bodyGap(ofMillis(400))
                    .build())
            .pool(PoolConfig.builder().idleTimeout(ofSeconds(10)).build())
            .build();
    assertThatTimeouts(server, HandlerBudget.margin(ofMillis(100)), client).areAligned();

    ServerTimeouts read = ServerTimeouts.from(server);
    assertThat(read.requestTimeout()).isEqualTo(ofSeconds(2));
    assertThat(read.maxRequestTimeout()).hasValue(ofSeconds(5));
    assertThat(read.keepAliveTimeout()).hasValue(ofSeconds(15));
    ClientTimeouts c =
        ClientTimeouts.from("inventory", client).withUpstreamKeepAlive(ofSeconds(15));
    assertThat(c.worstCaseTotal()).hasValue(ofMillis(1_650));
    assertThat(c.phases())
        .containsEntry("connect", ofMillis(200))
        .containsEntry("body gap", ofMillis(400));
  }

  @Test
  void loneAttemptIsBoundedByTheSumOfItsPhases() {
    HttpClientConfig single =
        HttpClientConfig.builder()
            .retryPolicy(RetryPolicy.none())
            .phaseTimeouts(
                PhaseTimeouts.builder()
                    .dns(ofMillis(10))
                    .acquire(ofMillis(10))
                    .connect(ofMillis(10))
                    .tls(ofMillis(10))
                    .write(ofMillis(10))
                    .responseHeaders(ofMillis(100))
                    .bodyTotal(ofMillis(100))
                    .bodyGap(ofMillis(50))
                    .build())
            .build();
    ClientTimeouts c = ClientTimeouts.from("single", single);
    assertThat(c.maxAttempts()).isEqualTo(1);
    assertThat(c.perTryTimeout()).hasValue(ofMillis(250));
    assertThat(c.backoffs()).isEmpty();
  }

  @Test
  void serverWithoutKeepAliveLeavesItUnknown() {
    ServerConfig noIdle =
        ServerConfig.builder()
            .connectionLimits(
                ConnectionLimits.builder().idleTimeout(java.time.Duration.ZERO).build())
            .build();
    assertThat(ServerTimeouts.from(noIdle).keepAliveTimeout()).isEmpty();
  }

  @Test
  void defaultConfigsAreNotAligned() {
    // defaults are generous on both sides: a lone attempt bounded by 60 s of phases cannot fit a 10
    // s request timeout
    assertThatTimeouts(
            ServerConfig.ofDefaults(),
            HandlerBudget.margin(ofMillis(100)),
            HttpClientConfig.ofDefaults())
        .violates(AlignmentRule.PER_TRY_WITHIN_BUDGET);
  }

  @Test
  void buildersValidateAtOnce() {
    assertThatThrownBy(() -> ClientTimeouts.builder("x").maxAttempts(0))
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ServerTimeouts.builder().requestTimeout(ofMillis(0)))
        .hasMessage("requestTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> TimeoutLayers.builder().handler(HandlerBudget.margin(ofMillis(1))).build())
        .hasMessageContaining("server: null");
  }
}
