package dev.stability.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChainTrackerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void stagesKeepTheirDeclaredOrderAndLaterOnesAreAppended() {
    ChainTracker tracker = ChainTracker.of("api", "auth", "handler");

    Stage late = tracker.stage("metrics");

    assertThat(tracker.stages())
        .extracting(Stage::name)
        .containsExactly("auth", "handler", "metrics");
    assertThat(late.index()).isEqualTo(2);
    assertThat(tracker.stage("auth")).isSameAs(tracker.stages().get(0));
  }

  @Test
  void builderRejectsBadInputAtOnce() {
    assertThatThrownBy(() -> ChainTracker.builder(""))
        .hasMessage("name: \"\" (expected: a non-empty name)");
    assertThatThrownBy(() -> ChainTracker.builder("x").stages("a", "a"))
        .hasMessage("stages: duplicate 'a' (expected: unique stage names)");
    assertThatThrownBy(() -> ChainTracker.builder("x").logInterval(java.time.Duration.ofMillis(-1)))
        .hasMessage("logInterval: PT-0.001S (expected: >= 0)");
  }

  @Test
  void moreThanSixtyFourStagesAreRejected() {
    ChainTracker tracker = ChainTracker.of("big");
    for (int i = 0; i < ChainTracker.MAX_STAGES; i++) {
      tracker.stage("s" + i);
    }

    assertThatThrownBy(() -> tracker.stage("one-too-many"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected: at most 64");
  }

  @Test
  void policiesDefaultToRepairAndCanBeSetPerType() {
    ChainTracker tracker =
        ChainTracker.builder("api").policy(ViolationType.MISSING_END, ViolationPolicy.FAIL).build();

    assertThat(tracker.policy(ViolationType.SWALLOWED)).isEqualTo(ViolationPolicy.REPAIR);
    assertThat(tracker.policy(ViolationType.MISSING_END)).isEqualTo(ViolationPolicy.FAIL);
  }

  @Test
  void concurrentExchangesAreCountedExactly() throws Exception {
    ChainTracker tracker =
        ChainTracker.builder("api").stages("auth", "handler").meterRegistry(registry).build();
    Stage auth = tracker.stage("auth");
    Stage handler = tracker.stage("handler");
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    TrackedRequest ex = tracker.track("r");
                    ex.enter(auth);
                    ex.forwarded(auth);
                    ex.enter(handler);
                    if (i % 10 == 0) {
                      ex.stageReturned(handler); // swallowed
                    } else {
                      ex.responded(handler);
                      ex.completed();
                    }
                    ex.finish();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    StageStats h = tracker.report().stages().get(1);
    int total = threads * perThread;
    assertThat(tracker.report().stages().get(0).forwarded()).isEqualTo(total);
    assertThat(h.entered()).isEqualTo(total);
    assertThat(h.responded()).isEqualTo(total - total / 10);
    assertThat(h.violations(ViolationType.SWALLOWED)).isEqualTo(total / 10);
    assertThat(
            registry.get(ChainTracker.VIOLATIONS_METER).tag("stage", "handler").counter().count())
        .isEqualTo(total / 10);
  }

  @Test
  void racingResponsesOnOneExchangeLetExactlyOneThrough() throws Exception {
    ChainTracker tracker = ChainTracker.builder("api").meterRegistry(registry).build();
    Stage handler = tracker.stage("handler");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 200; round++) {
        TrackedRequest ex = tracker.track("r" + round);
        ex.enter(handler);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger allowed = new AtomicInteger();
        List<Future<?>> racers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          racers.add(
              pool.submit(
                  () -> {
                    start.await();
                    if (ex.responded(handler) == Verdict.ALLOW) {
                      allowed.incrementAndGet();
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : racers) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(allowed).hasValue(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
