package dev.stability.context.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rule for repeated deadline headers, for each of the four: every field line and every
 * comma-separated member counts, the earliest valid value wins, and one malformed value anywhere
 * answers 400.
 */
class RepeatedDeadlineHeadersTest {
  private final Map<String, List<String>> headers = new HashMap<>();
  private final InboundDeadlinePolicy policy =
      InboundDeadlinePolicy.builder()
          .maxTimeout(Duration.ofSeconds(5))
          .minTimeout(Duration.ofMillis(1))
          .defaultTimeout(Duration.ofSeconds(2))
          .build();

  private static DeadlineHeader of(String name) {
    for (DeadlineHeader h : DeadlineHeader.values()) {
      if (h.headerName().equals(name)) {
        return h;
      }
    }
    throw new IllegalArgumentException(name);
  }

  @ParameterizedTest
  @CsvSource({
    "x-request-timeout, 1500m, 100m",
    "grpc-timeout, 1500m, 100m",
    "x-envoy-expected-rq-timeout-ms, 1500, 100",
    "connect-timeout-ms, 1500, 100"
  })
  void theEarliestOfRepeatedLinesWinsWhicheverComesFirst(String name, String late, String early) {
    headers.put(name, List.of(late, early));
    assertThat(policy.resolveAll(headers::get).timeout()).contains(Duration.ofMillis(100));

    headers.put(name, List.of(early, late));
    InboundDeadline d = policy.resolveAll(headers::get);
    assertThat(d.timeout()).contains(Duration.ofMillis(100));
    assertThat(d.source()).isEqualTo(of(name));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "x-request-timeout|1500m, 100m",
        "grpc-timeout|1500m,100m",
        "x-envoy-expected-rq-timeout-ms|1500 ,100",
        "connect-timeout-ms|1500,  100"
      })
  void aFoldedLineCountsLikeRepeatedLines(String name, String folded) {
    headers.put(name, List.of(folded));
    assertThat(policy.resolveAll(headers::get).timeout()).contains(Duration.ofMillis(100));
  }

  @ParameterizedTest
  @CsvSource({
    "x-request-timeout, 100m, 1500",
    "grpc-timeout, 100m, -1m",
    "x-envoy-expected-rq-timeout-ms, 100, 1e3",
    "connect-timeout-ms, 100, 0"
  })
  void aMalformedValueBehindAValidOneIsRejected(String name, String valid, String malformed) {
    headers.put(name, List.of(valid, malformed));
    assertThatThrownBy(() -> policy.resolveAll(headers::get))
        .isInstanceOf(InvalidTimeoutHeaderException.class)
        .hasMessageStartingWith(name + ": \"" + malformed + "\"");

    headers.put(name, List.of(valid + "," + malformed));
    assertThatThrownBy(() -> policy.resolveAll(headers::get))
        .isInstanceOf(InvalidTimeoutHeaderException.class);
  }

  @ParameterizedTest
  @CsvSource({"x-request-timeout, 100m", "connect-timeout-ms, 100"})
  void anEmptyMemberIsMalformed(String name, String valid) {
    headers.put(name, List.of(valid + ","));
    assertThatThrownBy(() -> policy.resolveAll(headers::get))
        .isInstanceOf(InvalidTimeoutHeaderException.class);
  }

  @ParameterizedTest
  @CsvSource({"x-request-timeout, 300m, junk", "x-envoy-expected-rq-timeout-ms, 300, x"})
  void withIgnoreMalformedTheEarliestValidValueStillWins(
      String name, String valid, String malformed) {
    InboundDeadlinePolicy lenient = policy.toBuilder().ignoreMalformed(true).build();
    headers.put(name, List.of(malformed, valid, malformed + "," + valid));
    assertThat(lenient.resolveAll(headers::get).timeout()).contains(Duration.ofMillis(300));
  }

  @Test
  void theEarliestWinsAcrossDifferentRepeatedHeaders() {
    headers.put("x-request-timeout", List.of("900m", "800m"));
    headers.put("connect-timeout-ms", List.of("950", "700"));
    headers.put(
        "x-envoy-expected-rq-timeout-ms", List.of("0")); // Envoy's "no timeout" asks for nothing
    InboundDeadline d = policy.resolveAll(headers::get);
    assertThat(d.timeout()).contains(Duration.ofMillis(700));
    assertThat(d.source()).isEqualTo(DeadlineHeader.CONNECT_TIMEOUT);
  }

  @Test
  void theSingleValueLookupReadsCommaSeparatedMembersToo() {
    Map<String, String> single = Map.of("x-request-timeout", "1500m, 100m");
    assertThat(policy.resolve(single::get).timeout()).contains(Duration.ofMillis(100));
  }
}
