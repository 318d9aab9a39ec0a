package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class GuardStatusMapperTest {
  private static Guard guard(java.util.function.Function<Throwable, OptionalInt> mapper) {
    return Guard.of(
        GuardConfig.builder()
            .meterRegistry(new SimpleMeterRegistry())
            .statusMapper(mapper)
            .build());
  }

  @Test
  void mapperStatusWinsOverTheGuardsOwnMapping() {
    Guard g =
        guard(t -> t instanceof IllegalStateException ? OptionalInt.of(502) : OptionalInt.empty());
    assertThat(g.report(RequestContext.of("a"), new IllegalStateException("x")).status())
        .isEqualTo(502);
  }

  @Test
  void anEmptyAnswerLeavesTheGuardsMapping() {
    Guard g = guard(t -> OptionalInt.empty());
    assertThat(g.report(RequestContext.of("b"), new IllegalStateException("x")).status())
        .isEqualTo(500);
    assertThat(g.report(RequestContext.of("c"), new TimeoutException("t")).status())
        .isEqualTo(
            Guard.of(GuardConfig.builder().meterRegistry(new SimpleMeterRegistry()).build())
                .report(RequestContext.of("d"), new TimeoutException("t"))
                .status());
  }

  @Test
  void aThrowingOrOutOfRangeMapperIsIgnored() {
    Guard throwing =
        guard(
            t -> {
              throw new IllegalArgumentException("broken hook");
            });
    assertThat(throwing.report(RequestContext.of("e"), new IllegalStateException("x")).status())
        .isEqualTo(500);
    Guard outOfRange = guard(t -> OptionalInt.of(200));
    assertThat(outOfRange.report(RequestContext.of("f"), new IllegalStateException("x")).status())
        .isEqualTo(500);
  }

  @Test
  void theDefaultMapsNothingAndNullIsRejected() {
    assertThat(GuardConfig.ofDefaults().statusMapper()).isSameAs(GuardConfig.NO_STATUS_MAPPER);
    assertThat(
            GuardConfig.builder().statusMapper(t -> OptionalInt.of(503)).build().toBuilder()
                .build()
                .statusMapper()
                .apply(new RuntimeException()))
        .hasValue(503);
    assertThatThrownBy(() -> GuardConfig.builder().statusMapper(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("statusMapper");
  }
}
