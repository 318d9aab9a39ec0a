package dev.stability.testkit.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.testkit.Scenarios;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ContextLeakExtensionTest {

  @Test
  void failsATestWhoseTaskLeftItsScopeOpenOnAWatchedExecutor() {
    try {
      assertThat(Scenarios.failureOf(LeavesScopeOnPool.class))
          .contains("expected no RequestContext attached on")
          .contains("r-pool");
    } finally {
      LeavesScopeOnPool.pool.shutdownNow();
    }
  }

  @Test
  void passesATestThatClosesItsScopes() {
    assertThat(Scenarios.run(ClosesScopes.class)).isEmpty();
  }

  @Disabled("run through Scenarios only")
  static class LeavesScopeOnPool {
    static final ExecutorService pool = Executors.newSingleThreadExecutor();

    @RegisterExtension final ContextLeakExtension contexts = ContextLeakExtension.create();

    @Test
    void leaves() throws Exception {
      contexts.watch(pool).submit(() -> RequestContext.of("r-pool").attach()).get();
    }
  }

  @Disabled("run through Scenarios only")
  static class ClosesScopes {
    static final ExecutorService pool = Executors.newSingleThreadExecutor();

    @RegisterExtension final ContextLeakExtension contexts = ContextLeakExtension.create();

    @Test
    void closes() throws Exception {
      contexts
          .watch(pool)
          .submit(
              () -> {
                try (Scope ignored = RequestContext.of("r-ok").attach()) {
                  return "done";
                }
              })
          .get();
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
      pool.shutdown();
    }
  }
}
