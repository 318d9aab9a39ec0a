package dev.stability.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures what stability's own loggers write at INFO and above during a test class, so that a test
 * can assert what an attack makes the server log: how many lines, at which level, with or without a
 * stack, and that the attacker's text never appears unescaped. Restores the level after the class.
 */
final class CapturedLogs implements BeforeAllCallback, AfterAllCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;
  private Level level;

  @Override
  public void beforeAll(ExtensionContext context) {
    logger = (Logger) LoggerFactory.getLogger("dev.stability");
    level = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    logger.detachAppender(appender);
    logger.setLevel(level);
  }

  /** Forgets what was captured so far. */
  void clear() {
    synchronized (appender) {
      appender.list.clear();
    }
  }

  /**
   * Returns a copy of the events captured since the last {@link #clear()} that match {@code
   * filter}.
   */
  List<ILoggingEvent> events(Predicate<ILoggingEvent> filter) {
    synchronized (appender) { // ListAppender appends under its own lock: AppenderBase.doAppend is
      // synchronized
      return appender.list.stream().filter(filter).toList();
    }
  }

  List<ILoggingEvent> atLeast(Level min) {
    return events(e -> e.getLevel().isGreaterOrEqual(min));
  }
}
