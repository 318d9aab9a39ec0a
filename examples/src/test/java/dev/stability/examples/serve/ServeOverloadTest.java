package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.testkit.leak.LeakDetectionExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overload by hand in serve mode, over real loopback sockets: {@code /cpu} beyond the configured
 * limit is shed with 503 and {@code Retry-After}, counted by reason on {@code /metrics}; {@code
 * /cpu} on the event loop is caught by the watchdog.
 */
class ServeOverloadTest {
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ServeCommand serve;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
  }

  private CompletableFuture<HttpResponse<String>> get(String path) {
    return http.sendAsync(
        HttpRequest.newBuilder(serve.uri().resolve(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private double metric(String name, String labels) throws Exception {
    String text = get("/metrics").get().body();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$")
            .matcher(text);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  @Test
  void cpuBeyondTheLimitIsShedWith503AndRetryAfterAndCountedByReason() throws Exception {
    serve =
        ServeCommand.start(
            ServeOptions.parse(
                "--port", "0", "--limit", "1", "--queue", "0", "--default-deadline", "5s"));
    CompletableFuture<HttpResponse<String>> busy = get("/cpu?us=300000&offload=true");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("stability_admission_inflight", "route=\"/cpu\"") == 1);

    HttpResponse<String> shed = get("/cpu?us=10&offload=true").get();

    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.headers().firstValue("retry-after")).hasValue("1");
    assertThat(shed.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(busy.get().statusCode()).isEqualTo(200);
    assertThat(busy.get().body()).isEqualTo("spun 300000 us on the CPU pool");
    assertThat(metric("stability_admission_rejections_total", "reason=\"limit\",route=\"/cpu\""))
        .isEqualTo(1);
    assertThat(get("/hello").get().statusCode()).isEqualTo(200); // its own route, its own limit
  }

  @Test
  void cpuOnTheEventLoopIsCaughtByTheWatchdog() throws Exception {
    serve = ServeCommand.start(ServeOptions.parse("--port", "0", "--default-deadline", "5s"));
    assertThat(get("/hello").get().statusCode()).isEqualTo(200); // the loop is watched from here

    HttpResponse<String> r = get("/cpu?us=300000").get();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("spun 300000 us on the event loop");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("stability_eventloop_blocked_total", "") >= 1);
  }

  @Test
  void admissionOffServesBeyondAnyLimit() throws Exception {
    serve = ServeCommand.start(ServeOptions.parse("--port", "0", "--admission", "off"));
    assertThat(get("/cpu?us=10").get().statusCode()).isEqualTo(200);
    assertThat(metric("stability_admission_admitted_total", "")).isZero();
  }

  @Test
  void badOverloadOptionsNameTheValueAndTheExpectedRange() {
    assertThatThrownBy(() -> ServeOptions.parse("--limit", "0"))
        .hasMessageContaining("--limit: 0 (expected: a whole number >= 1)");
    assertThatThrownBy(() -> ServeOptions.parse("--admission", "maybe"))
        .hasMessageContaining("--admission: maybe (expected: on or off)");
    assertThatThrownBy(() -> ServeOptions.parse("--queue", "-1"))
        .hasMessageContaining("--queue: -1 (expected: a whole number >= 0)");
    assertThatThrownBy(() -> ServeOptions.parse("--cpu-threads", "1000"))
        .hasMessageContaining("--cpu-threads: 1000 (expected: 1 to 256)");
  }

  @Test
  void cpuRefusesAnOutOfRangeCost() throws Exception {
    serve = ServeCommand.start(ServeOptions.parse("--port", "0"));
    assertThat(get("/cpu?us=99999999").get().statusCode()).isEqualTo(400);
    assertThat(get("/cpu?us=1&offload=maybe").get().statusCode()).isEqualTo(400);
  }
}
