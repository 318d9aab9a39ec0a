package dev.stability.context.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineHeadersTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);

  @Test
  void egressIsRestampedWithWhatIsReallyLeft() {
    RequestContext ctx =
        RequestContext.builder("r1").ticker(now::get).timeout(Duration.ofMillis(1000)).build();
    Map<String, String> out = new HashMap<>();
    now.addAndGet(120_000_000L);
    DeadlineHeaders.write(ctx, EnumSet.allOf(DeadlineHeader.class), out::put);
    assertThat(out)
        .containsEntry("x-request-timeout", "880000u")
        .containsEntry("grpc-timeout", "880000u")
        .containsEntry("x-envoy-expected-rq-timeout-ms", "880")
        .containsEntry("connect-timeout-ms", "880");
    now.addAndGet(120_000_000L);
    DeadlineHeaders.write(ctx, DeadlineHeaders.OWN, out::put);
    assertThat(out).containsEntry("x-request-timeout", "760000u");
  }

  @Test
  void expiredBudgetIsWrittenAsTheSmallestPositiveValueNeverZero() {
    Map<String, String> out = new HashMap<>();
    DeadlineHeaders.writeRemaining(-5, EnumSet.allOf(DeadlineHeader.class), out::put);
    assertThat(out)
        .containsEntry("x-request-timeout", "1n")
        .containsEntry("x-envoy-expected-rq-timeout-ms", "1")
        .containsEntry("connect-timeout-ms", "1");
  }

  @Test
  void nothingIsWrittenWithoutADeadline() {
    Map<String, String> out = new HashMap<>();
    assertThat(DeadlineHeaders.write(RequestContext.of("r2"), DeadlineHeaders.OWN, out::put))
        .isEqualTo(-1);
    assertThat(DeadlineHeaders.write(null, DeadlineHeaders.OWN, out::put)).isEqualTo(-1);
    assertThat(out).isEmpty();
  }
}
