package dev.stability.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Keeps a reliability test's output readable and restores the log levels after its class, so that
 * other tests in the same JVM log as before: logback's default is DEBUG for everything, and a soak
 * makes the guards log one incident per thrown handler and one WARN per deadline answer, by design
 * and by the thousand. The tests count those outcomes instead; errors from other code still print.
 */
final class QuietLogs implements BeforeAllCallback, AfterAllCallback {
  private Level root;
  private Level ours;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger r
        && LoggerFactory.getLogger("dev.stability") instanceof Logger o) {
      root = r.getLevel();
      ours = o.getLevel();
      r.setLevel(Level.ERROR);
      o.setLevel(Level.OFF);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger r
        && LoggerFactory.getLogger("dev.stability") instanceof Logger o) {
      r.setLevel(root);
      o.setLevel(ours);
    }
  }
}
