package dev.stability.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogTapTest {
  private static final Logger log = LoggerFactory.getLogger(LogTapTest.class);

  @Test
  void countsLeakReportsAndTheDeadlinePhaseOfEachServiceThread() throws Exception {
    LogTap tap =
        LogTap.install(true); // exclusive: a fake LEAK line must not reach the build output
    try {
      log.error("LEAK: ByteBuf.release() was not called before it's garbage-collected.");
      Thread t =
          new Thread(
              () ->
                  log.atWarn()
                      .addKeyValue("event", "deadline_exceeded")
                      .addKeyValue("phase", "handler")
                      .log("request exceeded its deadline"),
              "inventory-3-1");
      t.start();
      t.join();
      log.warn("unrelated");
    } finally {
      tap.uninstall();
    }
    assertThat(tap.leaks()).isEqualTo(1);
    assertThat(tap.errors()).isEqualTo(1);
    assertThat(tap.warnings()).isEqualTo(2);
    assertThat(tap.deadlinePhases("inventory")).containsEntry("handler", 1L);
    assertThat(tap.deadlinePhases("edge")).isEmpty();
  }
}
