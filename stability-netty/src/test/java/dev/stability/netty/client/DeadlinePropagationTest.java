package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinePropagationTest {
  private final TestUpstream hop2 = TestUpstream.start();
  private final TestUpstream hop1 = TestUpstream.start();
  private final StabilityHttpClient client =
      StabilityHttpClient.builder()
          .ioThreads(1)
          .config(HttpClientConfig.builder().sendGrpcTimeout(true).build())
          .build();

  @AfterEach
  void tearDown() {
    client.close();
    hop1.close();
    hop2.close();
  }

  @Test
  void headerCarriesTheShrinkingBudgetAcrossTwoHops() {
    hop2.behave(
        (ctx, req, n) ->
            TestUpstream.respond(
                ctx, req, HttpResponseStatus.OK, req.headers().get("x-request-timeout")));
    hop1.behave(
        (ctx, req, n) -> {
          String received = req.headers().get("x-request-timeout");
          RequestContext inbound = RequestContext.of("hop1", Duration.ofNanos(parse(received)));
          FullHttpRequest retained = req.retain();
          client
              .execute(ClientRequest.builder("GET", hop2.uri("/")).context(inbound).build())
              .whenComplete(
                  (r, e) -> {
                    try {
                      TestUpstream.respond(
                          ctx,
                          retained,
                          HttpResponseStatus.OK,
                          received + "|" + (e == null ? r.bodyAsString() : e.toString()));
                    } finally {
                      retained.release();
                    }
                  });
        });
    RequestContext root = RequestContext.of("root", Duration.ofSeconds(2));
    ClientResponse r =
        client.executeBlocking(ClientRequest.builder("GET", hop1.uri("/")).context(root).build());

    String[] budgets = r.bodyAsString().split("\\|");
    long atHop1 = parse(budgets[0]);
    long atHop2 = parse(budgets[1]);
    assertThat(atHop1).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    assertThat(atHop2).isPositive().isLessThan(atHop1);
    assertThat(hop1.last().headers().get("grpc-timeout")).isEqualTo(budgets[0]);
  }

  @Test
  void noDeadlineMeansNoTimeoutHeader() {
    hop2.behave(TestUpstream.ok("x"));
    client.executeBlocking(ClientRequest.get(hop2.uri("/")));
    assertThat(hop2.last().headers().contains("x-request-timeout")).isFalse();
    assertThat(hop2.last().headers().get("x-attempt-count")).isEqualTo("1");
  }

  /** Parses the gRPC timeout grammar: 1-8 digits and a unit. */
  static long parse(String value) {
    long amount = Long.parseLong(value.substring(0, value.length() - 1));
    return switch (value.charAt(value.length() - 1)) {
      case 'H' -> TimeUnit.HOURS.toNanos(amount);
      case 'M' -> TimeUnit.MINUTES.toNanos(amount);
      case 'S' -> TimeUnit.SECONDS.toNanos(amount);
      case 'm' -> TimeUnit.MILLISECONDS.toNanos(amount);
      case 'u' -> TimeUnit.MICROSECONDS.toNanos(amount);
      case 'n' -> amount;
      default -> throw new IllegalArgumentException(value);
    };
  }
}
