package dev.stability.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {
  @Test
  @Timeout(60)
  void shortScenarioEndsWithEveryInvariantHolding() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    long start = System.nanoTime();
    DemoResult result;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      result = Demo.run(DemoOptions.quick(), out, false);
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    assertThat(result.broken()).as(text).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(text.strip()).endsWith("invariants: OK");
    assertThat(text).contains("What each service answered", "Breaker transitions", "flowchart LR",
        "Budget of one traced request");
    assertThat(result.requests()).isGreaterThanOrEqualTo(DemoOptions.quick().plannedRequests());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }
}
