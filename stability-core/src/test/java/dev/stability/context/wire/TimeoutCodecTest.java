package dev.stability.context.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.testing.RandomCases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutCodecTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1n",
    "99999999, 99999999n",
    "100000000, 100000u",
    "880000000, 880000u",
    "99999999999, 99999999u",
    "100000000000, 100000m",
    "3600000000000000, 3600000S",
    "360000000000000000, 6000000M"
  })
  void encodesInTheFinestUnitThatFitsEightDigits(long nanos, String expected) {
    assertThat(TimeoutCodec.encode(nanos)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void neverEncodesZeroEvenWhenTheBudgetIsGone(long nanos) {
    assertThat(TimeoutCodec.encode(nanos)).isEqualTo("1n");
  }

  @ParameterizedTest
  @CsvSource({
    "1n, 1",
    "250m, 250000000",
    "3S, 3000000000",
    "2M, 120000000000",
    "1H, 3600000000000",
    "7u, 7000",
    "99999999H, 359999996400000000000",
    "' 10m ', 10000000"
  })
  void parsesEveryUnit(String value, String expectedNanos) {
    long expected =
        new java.math.BigInteger(expectedNanos)
            .min(java.math.BigInteger.valueOf(Long.MAX_VALUE))
            .longValueExact();
    assertThat(TimeoutCodec.parse("grpc-timeout", value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "m",
        "10",
        "-5m",
        "+5m",
        "5 m",
        "5mm",
        "123456789m",
        "5x",
        "5ms",
        "0x10m",
        "1.5S",
        "1e3m",
        "５m",
        "5\u0000",
        "m5",
        "1_0m",
        "10M ",
        "\t",
        "9999999999S",
        "5s",
        "5h"
      })
  void rejectsMalformedValuesNamingTheHeaderAndValue(String value) {
    if (value.equals("10M ")) { // trailing blank is stripped: this one is valid
      assertThat(TimeoutCodec.parse("x-request-timeout", value)).isEqualTo(600_000_000_000L);
      return;
    }
    assertThatThrownBy(() -> TimeoutCodec.parse("x-request-timeout", value))
        .isInstanceOf(InvalidTimeoutHeaderException.class)
        .hasMessageStartingWith("x-request-timeout: \"")
        .hasMessageContaining("(expected: 1-8 digits followed by one of H M S m u n");
  }

  @org.junit.jupiter.api.Test
  void rejectsNullAndTruncatesHostileValuesInTheMessage() {
    assertThatThrownBy(() -> TimeoutCodec.parse("grpc-timeout", null))
        .hasMessageContaining("\"null\"");
    String hostile = "9".repeat(10_000);
    assertThatThrownBy(() -> TimeoutCodec.parse("grpc-timeout", hostile))
        .hasMessageContaining("9".repeat(32) + "...\"")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(150));
  }

  @org.junit.jupiter.api.Test
  void roundTripNeverGrantsMoreThanWasLeftAndKeepsFiveSignificantDigits() {
    RandomCases.forAll(
        20_000,
        r -> RandomCases.longBetween(r, 1, 3_000_000_000_000_000L),
        TimeoutCodecTest::roundTrips);
  }

  private static void roundTrips(long nanos) {
    String encoded = TimeoutCodec.encode(nanos);
    assertThat(encoded.length()).isBetween(2, 9);
    long decoded = TimeoutCodec.parse("x-request-timeout", encoded);
    assertThat(decoded).isLessThanOrEqualTo(nanos).isPositive();
    // a unit is at most 1000x the next finer one, so the value keeps >= 5 significant digits
    assertThat((double) (nanos - decoded) / nanos).isLessThanOrEqualTo(1e-5);
  }

  @org.junit.jupiter.api.Test
  void parsingArbitraryTextEitherSucceedsOrThrowsTheNamedException() {
    RandomCases.forAll(
        20_000, r -> RandomCases.string(r, 12), TimeoutCodecTest::parsesOrNamesTheHeader);
  }

  private static void parsesOrNamesTheHeader(String junk) {
    try {
      assertThat(TimeoutCodec.parse("grpc-timeout", junk)).isNotNegative();
    } catch (InvalidTimeoutHeaderException e) {
      assertThat(e.header()).isEqualTo("grpc-timeout");
    }
  }
}
