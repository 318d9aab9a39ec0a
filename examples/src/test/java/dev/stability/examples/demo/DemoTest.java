package dev.stability.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {
  // about 5 s on an idle 2-core machine; the timeout only bounds a broken run on a starved one
  @Test
  @Timeout(120)
  void shortScenarioEndsWithEveryInvariantHolding() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
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
  }
}
