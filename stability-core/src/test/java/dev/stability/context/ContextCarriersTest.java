package dev.stability.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextCarriersTest {
  private static final ThreadLocal<String> TRACE = new ThreadLocal<>();

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final List<String> log = new ArrayList<>();
  private final ContextCarrier traceCarrier = new ThreadLocalCarrier("trace");

  @AfterEach
  void cleanUp() throws InterruptedException {
    ContextCarriers.unregister(traceCarrier);
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    TRACE.remove();
  }

  /** Carries {@link #TRACE}, logging each restore and close. */
  private final class ThreadLocalCarrier implements ContextCarrier {
    private final String name;

    ThreadLocalCarrier(String name) {
      this.name = name;
    }

    @Override
    public Object capture() {
      return TRACE.get();
    }

    @Override
    public Scope restore(Object captured) {
      String previous = TRACE.get();
      TRACE.set((String) captured);
      synchronized (log) {
        log.add(name + " restore " + captured);
      }
      return () -> {
        TRACE.set(previous);
        synchronized (log) {
          log.add(name + " close");
        }
      };
    }
  }

  private String runOnPool(Runnable wrapped) throws Exception {
    String[] seen = new String[2];
    pool.submit(
            () -> {
              wrapped.run();
              seen[1] = TRACE.get(); // after the task: the pool thread is clean again
            })
        .get(5, TimeUnit.SECONDS);
    return seen[1];
  }

  @Test
  void oneWrapCarriesTheRequestContextAndTheRegisteredCarriersState() throws Exception {
    ContextCarriers.register(traceCarrier);
    RequestContext ctx = RequestContext.of("r-carried");
    String[] inside = new String[2];
    Runnable wrapped;
    TRACE.set("span-1");
    try (Scope s = ctx.attach()) {
      wrapped =
          ContextExecutors.wrap(
              () -> {
                inside[0] = RequestContext.current().requestId();
                inside[1] = TRACE.get();
              });
    }
    TRACE.set("span-2"); // what the wrapping thread does afterwards does not matter

    String after = runOnPool(wrapped);

    assertThat(inside).containsExactly("r-carried", "span-1");
    assertThat(after).isNull();
    assertThat(log).containsExactly("trace restore span-1", "trace close");
  }

  @Test
  void withoutARegisteredCarrierNothingIsCapturedAndNothingRestored() throws Exception {
    TRACE.set("span-1");
    assertThat(ContextCarriers.capture()).isSameAs(ContextCarriers.Captured.NONE);
    String[] inside = new String[1];
    Runnable wrapped =
        ContextExecutors.wrap(RequestContext.of("r-plain"), () -> inside[0] = TRACE.get());

    runOnPool(wrapped);

    assertThat(inside[0]).isNull();
    assertThat(log).isEmpty();
  }

  @Test
  void aCarrierWithNothingToCarryAddsNothingToTheTask() {
    ContextCarriers.register(traceCarrier);
    TRACE.remove();
    assertThat(ContextCarriers.capture()).isSameAs(ContextCarriers.Captured.NONE);
  }

  @Test
  void registeringTwiceKeepsOneAndUnregisterRemovesIt() {
    ContextCarriers.register(traceCarrier);
    ContextCarriers.register(traceCarrier);
    TRACE.set("span-1");

    try (Scope s = ContextCarriers.capture().restore()) {
      assertThat(TRACE.get()).isEqualTo("span-1");
    }

    assertThat(log).containsExactly("trace restore span-1", "trace close");
    assertThat(ContextCarriers.unregister(traceCarrier)).isTrue();
    assertThat(ContextCarriers.unregister(traceCarrier)).isFalse();
    assertThat(ContextCarriers.capture()).isSameAs(ContextCarriers.Captured.NONE);
  }

  @Test
  void carriersRestoreInRegistrationOrderAndCloseInReverse() {
    ContextCarrier second = new ThreadLocalCarrier("second");
    ContextCarriers.register(traceCarrier);
    ContextCarriers.register(second);
    try {
      TRACE.set("x");
      ContextCarriers.capture().restore().close();
    } finally {
      ContextCarriers.unregister(second);
    }
    assertThat(log)
        .containsExactly("trace restore x", "second restore x", "second close", "trace close");
  }

  @Test
  void aThrowingCarrierIsSkippedAndNeverFailsTheTask() throws Exception {
    ContextCarrier broken =
        new ContextCarrier() {
          @Override
          public Object capture() {
            throw new IllegalStateException("broken capture");
          }

          @Override
          public Scope restore(Object captured) {
            throw new IllegalStateException("broken restore");
          }
        };
    ContextCarrier brokenRestore =
        new ContextCarrier() {
          @Override
          public Object capture() {
            return "captured";
          }

          @Override
          public Scope restore(Object captured) {
            throw new IllegalStateException("broken restore");
          }
        };
    ContextCarriers.register(broken);
    ContextCarriers.register(brokenRestore);
    ContextCarriers.register(traceCarrier);
    try {
      TRACE.set("span-1");
      String[] inside = new String[1];
      Runnable wrapped =
          ContextExecutors.wrap(RequestContext.of("r-broken"), () -> inside[0] = TRACE.get());
      runOnPool(wrapped);
      assertThat(inside[0]).isEqualTo("span-1");
      assertThat(log).containsExactly("trace restore span-1", "trace close");
    } finally {
      ContextCarriers.unregister(broken);
      ContextCarriers.unregister(brokenRestore);
    }
  }
}
