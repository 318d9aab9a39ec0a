package dev.stability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadableConfigTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> events = new ArrayList<>();
  private final ConfigListener<CircuitBreakerConfig> recorder =
      new ConfigListener<>() {
        @Override
        public void onApplied(
            String source, CircuitBreakerConfig previous, CircuitBreakerConfig current) {
          events.add(
              "applied "
                  + previous.failureRateThreshold()
                  + " -> "
                  + current.failureRateThreshold());
        }

        @Override
        public void onRejected(ConfigRejectedException rejection) {
          events.add("rejected " + rejection.reason());
        }
      };

  private ReloadableConfig<CircuitBreakerConfig> source() {
    return ReloadableConfig.builder("breakers", CircuitBreakerConfig.ofDefaults())
        .parser(BreakerText.PARSER)
        .meterRegistry(meters)
        .listener(recorder)
        .build();
  }

  private double count(String outcome) {
    return meters
        .get("stability.config.updates")
        .tag("source", "breakers")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void validUpdateBecomesCurrentAndListenersHearIt() {
    ReloadableConfig<CircuitBreakerConfig> source = source();
    assertThat(source.offerText("test", "failureRateThreshold=0.25"))
        .isEqualTo(UpdateOutcome.APPLIED);
    assertThat(source.current().failureRateThreshold()).isEqualTo(0.25);
    assertThat(events).containsExactly("applied 0.5 -> 0.25");
    assertThat(count("applied")).isEqualTo(1);
  }

  @Test
  void invalidUpdateIsRejectedWithTheBuildersMessageCountedAndLastGoodKept() {
    ReloadableConfig<CircuitBreakerConfig> source = source();
    source.offerText("test", "failureRateThreshold=0.25");
    assertThat(source.offerText("/etc/breakers", "failureRateThreshold=1.5"))
        .isEqualTo(UpdateOutcome.REJECTED);
    assertThat(source.current().failureRateThreshold()).isEqualTo(0.25);
    assertThat(events)
        .last()
        .asString()
        .startsWith("rejected failureRateThreshold: 1.5 (expected: ");
    assertThat(count("rejected")).isEqualTo(1);
  }

  @Test
  void parserThatThrowsSomethingElseIsRejectedTooNamingTheException() {
    ReloadableConfig<CircuitBreakerConfig> source = source();
    assertThat(source.offerText("test", "failureRateThreshold=abc"))
        .isEqualTo(UpdateOutcome.REJECTED);
    assertThat(events).singleElement().asString().contains("NumberFormatException");
    assertThat(source.current()).isSameAs(CircuitBreakerConfig.ofDefaults());
  }

  @Test
  void validatorSeesCurrentAndCandidateAndCanVeto() {
    ReloadableConfig<CircuitBreakerConfig> source =
        ReloadableConfig.builder("breakers", CircuitBreakerConfig.ofDefaults())
            .parser(BreakerText.PARSER)
            .listener(recorder)
            .validator(
                (current, candidate) -> {
                  if (candidate.failureRateThreshold() < current.failureRateThreshold() / 2) {
                    throw new IllegalArgumentException(
                        "failureRateThreshold: "
                            + candidate.failureRateThreshold()
                            + " (expected: >= half the current "
                            + current.failureRateThreshold()
                            + ")");
                  }
                })
            .build();
    assertThat(source.offerText("test", "failureRateThreshold=0.1"))
        .isEqualTo(UpdateOutcome.REJECTED);
    assertThat(source.offerText("test", "failureRateThreshold=0.3"))
        .isEqualTo(UpdateOutcome.APPLIED);
    assertThat(events)
        .containsExactly(
            "rejected failureRateThreshold: 0.1 (expected: >= half the current 0.5)",
            "applied 0.5 -> 0.3");
  }

  @Test
  void equalValueIsUnchangedAndNotCounted() {
    ReloadableConfig<String> source =
        ReloadableConfig.builder("names", "a").meterRegistry(meters).build();
    assertThat(source.offer("test", "a")).isEqualTo(UpdateOutcome.UNCHANGED);
    assertThat(
            meters
                .get("stability.config.updates")
                .tag("source", "names")
                .tag("outcome", "applied")
                .counter()
                .count())
        .isZero();
  }

  @Test
  void throwingListenerDoesNotUndoTheUpdateNorSilenceOthers() {
    ReloadableConfig<CircuitBreakerConfig> source = source();
    source.subscribe(
        (name, previous, current) -> {
          throw new IllegalStateException("boom");
        });
    ConfigSource.Subscription late = source.subscribe(recorder);
    assertThat(source.offerText("test", "failureRateThreshold=0.2"))
        .isEqualTo(UpdateOutcome.APPLIED);
    late.cancel();
    source.offerText("test", "failureRateThreshold=0.3");
    assertThat(events)
        .containsExactly("applied 0.5 -> 0.2", "applied 0.5 -> 0.2", "applied 0.2 -> 0.3");
  }

  @Test
  void badNamesAndMissingParserAreRefusedWithTheExpectation() {
    assertThatThrownBy(() -> ReloadableConfig.builder("has space", "x"))
        .hasMessage(
            "name: 'has space' (expected: 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit)");
    assertThatThrownBy(() -> ReloadableConfig.builder("n", "x").build().offerText("t", "y"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no parser");
    assertThat(ConfigSource.constant("fixed", 3).current()).isEqualTo(3);
  }

  @Test
  void initialTextParsesLikeAnOfferButAFailureThrowsForWantOfALastGoodValue() {
    assertThat(
            ReloadableConfig.parseInitial(
                    "breakers", "boot", BreakerText.PARSER, "failureRateThreshold=0.25")
                .failureRateThreshold())
        .isEqualTo(0.25);
    assertThatThrownBy(
            () -> ReloadableConfig.parseInitial("breakers", "boot", BreakerText.PARSER, "nope"))
        .isInstanceOf(ConfigRejectedException.class)
        .hasMessage(
            "config 'breakers' update from boot rejected, keeping the last good value: "
                + "text: 'nope' (expected: failureRateThreshold=<rate>); no last good value");
    assertThatThrownBy(() -> ReloadableConfig.parseInitial("breakers", "boot", text -> null, "x"))
        .isInstanceOf(ConfigRejectedException.class)
        .hasMessageEndingWith("parser returned null; no last good value");
  }
}
