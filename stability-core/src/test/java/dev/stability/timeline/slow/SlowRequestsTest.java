package dev.stability.timeline.slow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SlowRequestsTest {
  private final AtomicLong now = new AtomicLong();
  private final List<SlowRequest> seen = new ArrayList<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SlowRequests.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final SlowRequests slow =
      SlowRequests.builder()
          .threshold(Duration.ofMillis(500))
          .logInterval(Duration.ofSeconds(60))
          .listener(seen::add)
          .ticker(now::get)
          .build();

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  private PhaseTimeline requestTaking(long millis) {
    PhaseTimeline t = PhaseTimeline.start(now::get);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    t.mark(RequestPhase.HANDLER_START);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis - 1));
    return t;
  }

  @Test
  void aRequestUnderTheThresholdIsNotSlowAndLeavesNoTrace() {
    assertThat(slow.record("r1", "/orders", 200, requestTaking(499))).isFalse();
    assertThat(seen).isEmpty();
    assertThat(appender.list).isEmpty();
  }

  @Test
  void aSlowRequestReachesTheListenerWithItsTimelineAndIsLogged() {
    assertThat(slow.record("r1", "/orders/{id}", 200, requestTaking(700))).isTrue();

    assertThat(seen)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.requestId()).isEqualTo("r1");
              assertThat(r.route()).isEqualTo("/orders/{id}");
              assertThat(r.elapsedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
              assertThat(r.timeline().firstOffsetNanos(RequestPhase.HANDLER_START))
                  .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
            });
    assertThat(appender.list)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains(
                        "slow request \"r1\" on route \"/orders/{id}\": 200 after 700.0 ms (threshold 500 ms)")
                    .contains("handler_start"));
  }

  @Test
  void theLogKeepsOneLinePerRoutePerIntervalAndCountsTheRest() {
    for (int i = 0; i < 5; i++) {
      slow.record("a" + i, "/a", 200, requestTaking(600));
    }
    slow.record("b0", "/b", 200, requestTaking(600));
    now.addAndGet(TimeUnit.SECONDS.toNanos(61));
    slow.record("a5", "/a", 504, requestTaking(600));

    assertThat(seen).hasSize(7); // the listener hears every one
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .satisfiesExactly(
            m -> assertThat(m).contains("\"a0\""),
            m -> assertThat(m).contains("\"b0\""),
            m ->
                assertThat(m)
                    .contains("\"a5\"")
                    .contains("4 more on this route since the last line"));
  }

  @Test
  void attackerTextInIdAndRouteIsEscapedInTheLog() {
    slow.record("evil\nINFO forged", null, 500, requestTaking(600));

    assertThat(appender.list.get(0).getFormattedMessage())
        .contains("\"evil\\u000aINFO forged\"")
        .contains("route \"unknown\"");
  }

  @Test
  void aThrowingListenerDoesNotFailTheRecord() {
    SlowRequests broken =
        SlowRequests.builder()
            .threshold(Duration.ofMillis(1))
            .logging(false)
            .listener(
                r -> {
                  throw new IllegalStateException("broken");
                })
            .build();
    assertThat(broken.record("r", "/x", 200, requestTaking(5))).isTrue();
  }

  @Test
  void settingsOutOfRangeAreRejectedWithTheExpectedRange() {
    assertThatThrownBy(() -> SlowRequests.builder().threshold(Duration.ZERO))
        .hasMessage("threshold: PT0S (expected: > 0)");
    assertThatThrownBy(() -> SlowRequests.builder().logInterval(Duration.ofSeconds(-1)))
        .hasMessage("logInterval: PT-1S (expected: >= 0)");
  }
}
