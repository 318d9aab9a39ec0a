package dev.stability.context.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.testing.RandomCases;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundDeadlinePolicyTest {
  private final Map<String, String> headers = new HashMap<>();
  private final InboundDeadlinePolicy policy =
      InboundDeadlinePolicy.builder()
          .maxTimeout(Duration.ofSeconds(5))
          .minTimeout(Duration.ofMillis(10))
          .defaultTimeout(Duration.ofSeconds(2))
          .build();

  @Test
  void callerTimeoutWithinLimitsIsGrantedAsIs() {
    headers.put("x-request-timeout", "880m");
    InboundDeadline d = policy.resolve(headers::get);
    assertThat(d.timeout()).contains(Duration.ofMillis(880));
    assertThat(d.source()).isEqualTo(DeadlineHeader.REQUEST_TIMEOUT);
    assertThat(d.isCapped()).isFalse();
  }

  @Test
  void untrustedCallerCannotExtendBeyondTheServerMaximum() {
    headers.put("grpc-timeout", "1H");
    InboundDeadline d = policy.resolve(headers::get);
    assertThat(d.timeout()).contains(Duration.ofSeconds(5));
    assertThat(d.isCapped()).isTrue();
    assertThat(d.requestedNanos()).isEqualTo(Duration.ofHours(1).toNanos());
    assertThat(d).hasToString("InboundDeadline(5000ms from grpc-timeout, capped from 3600.0s)");
  }

  @Test
  void tinyTimeoutsAreFlooredSoTheAnswerCanStillBeWritten() {
    headers.put("x-envoy-expected-rq-timeout-ms", "1");
    InboundDeadline d = policy.resolve(headers::get);
    assertThat(d.timeout()).contains(Duration.ofMillis(10));
    assertThat(d.isFloored()).isTrue();
  }

  @Test
  void theEarliestOfSeveralHeadersWins() {
    headers.put("x-request-timeout", "900m");
    headers.put("grpc-timeout", "2S");
    headers.put("connect-timeout-ms", "700");
    InboundDeadline d = policy.resolve(headers::get);
    assertThat(d.timeout()).contains(Duration.ofMillis(700));
    assertThat(d.source()).isEqualTo(DeadlineHeader.CONNECT_TIMEOUT);
  }

  @Test
  void envoyZeroMeansNoTimeoutSoTheDefaultApplies() {
    headers.put("x-envoy-expected-rq-timeout-ms", "0");
    InboundDeadline d = policy.resolve(headers::get);
    assertThat(d.timeout()).contains(Duration.ofSeconds(2));
    assertThat(d.source()).isNull();
  }

  @Test
  void withoutHeadersTheDefaultOrNothingApplies() {
    assertThat(policy.resolve(headers::get).timeout()).contains(Duration.ofSeconds(2));
    InboundDeadlinePolicy none = policy.toBuilder().noDefaultTimeout().build();
    assertThat(none.resolve(headers::get).timeout()).isEmpty();
  }

  @Test
  void ignoreAndStripUseTheDefault() {
    headers.put("x-request-timeout", "100m");
    for (TrustPolicy trust : new TrustPolicy[] {TrustPolicy.IGNORE, TrustPolicy.STRIP}) {
      InboundDeadlinePolicy p = policy.toBuilder().trust(trust).build();
      assertThat(p.resolve(headers::get).timeout()).contains(Duration.ofSeconds(2));
      assertThat(p.stripsHeaders()).isEqualTo(trust == TrustPolicy.STRIP);
    }
  }

  @Test
  void malformedHeaderIsRejectedUnlessIgnored() {
    headers.put("x-request-timeout", "-5m");
    headers.put("grpc-timeout", "300m");
    assertThatThrownBy(() -> policy.resolve(headers::get))
        .isInstanceOf(InvalidTimeoutHeaderException.class)
        .hasMessageContaining("x-request-timeout: \"-5m\"");
    InboundDeadlinePolicy lenient = policy.toBuilder().ignoreMalformed(true).build();
    assertThat(lenient.resolve(headers::get).timeout()).contains(Duration.ofMillis(300));
  }

  @Test
  void onlyConfiguredHeadersAreRead() {
    headers.put("grpc-timeout", "100m");
    InboundDeadlinePolicy own =
        policy.toBuilder().headers(EnumSet.of(DeadlineHeader.REQUEST_TIMEOUT)).build();
    assertThat(own.resolve(headers::get).source()).isNull();
  }

  @Test
  void builderRejectsInconsistentLimitsNamingTheValues() {
    assertThatThrownBy(
            () -> InboundDeadlinePolicy.builder().minTimeout(Duration.ofSeconds(40)).build())
        .hasMessage("minTimeout: PT40S (expected: <= maxTimeout PT30S)");
    assertThatThrownBy(() -> InboundDeadlinePolicy.builder().maxTimeout(Duration.ZERO))
        .hasMessage("maxTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> InboundDeadlinePolicy.builder().defaultTimeout(Duration.ofMinutes(1)).build())
        .hasMessage("defaultTimeout: PT1M (expected: <= maxTimeout PT30S)");
    assertThatThrownBy(
            () -> InboundDeadlinePolicy.builder().headers(EnumSet.noneOf(DeadlineHeader.class)))
        .hasMessageStartingWith("headers: []");
  }

  @Test
  void connectRejectsZeroAndElevenDigits() {
    assertThatThrownBy(() -> DeadlineHeader.CONNECT_TIMEOUT.parse("0")).hasMessageContaining("> 0");
    assertThatThrownBy(() -> DeadlineHeader.CONNECT_TIMEOUT.parse("12345678901"))
        .isInstanceOf(InvalidTimeoutHeaderException.class);
    assertThatThrownBy(() -> DeadlineHeader.ENVOY_EXPECTED_TIMEOUT.parse("-1"))
        .isInstanceOf(InvalidTimeoutHeaderException.class);
  }

  @Test
  void grantedTimeoutIsNeverAboveTheServerMaximum() {
    InboundDeadlinePolicy lenient = policy.toBuilder().ignoreMalformed(true).build();
    RandomCases.forAll(
        20_000,
        r ->
            Map.of(
                "x-request-timeout",
                timeoutLike(r),
                "grpc-timeout",
                timeoutLike(r),
                "x-envoy-expected-rq-timeout-ms",
                timeoutLike(r),
                "connect-timeout-ms",
                timeoutLike(r)),
        h -> {
          InboundDeadline d = lenient.resolve(h::get);
          assertThat(d.timeoutNanos())
              .isBetween(Duration.ofMillis(10).toNanos(), Duration.ofSeconds(5).toNanos());
        });
  }

  /** Half valid-looking values (digits and a unit, any size), half junk. */
  private static String timeoutLike(java.util.Random r) {
    if (r.nextBoolean()) {
      return RandomCases.string(r, 10);
    }
    return RandomCases.longBetween(r, 0, 99_999_999_999L)
        + (r.nextBoolean() ? "" : String.valueOf("HMSmun".charAt(r.nextInt(6))));
  }
}
