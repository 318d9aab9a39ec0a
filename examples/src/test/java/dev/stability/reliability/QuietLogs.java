package dev.stability.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the suite's output readable: logback's default is DEBUG for everything, and a soak makes the guards log
 * one WARN per deadline answer by design. Errors still print.
 */
final class QuietLogs {
  private QuietLogs() {}

  static void install() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.ERROR);
    }
    if (LoggerFactory.getLogger("dev.stability") instanceof Logger ours) {
      ours.setLevel(Level.OFF); // incidents are expected here by the hundred; the tests count their outcomes
    }
  }
}
