package dev.stability.examples.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * A logback appender that reads what the library logs instead of printing it: Netty leak reports
 * ({@code LEAK:}), the phase named by each server deadline event (attributed to a service by its
 * event loop thread name), and the number of warnings and errors.
 *
 * <p>Install it with {@link #install(boolean)} before the run and {@link #uninstall()} after it.
 */
public final class LogTap extends AppenderBase<ILoggingEvent> {
  private static final String NAME = "stability-log-tap";

  private final AtomicLong leaks = new AtomicLong();
  private final AtomicLong warnings = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Map<String, Map<String, AtomicLong>> deadlinePhases = new ConcurrentHashMap<>();
  private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

  private LogTap() {}

  /**
   * Attaches a new tap to the root logger.
   *
   * @param exclusive {@code true} to detach the other root appenders (the console) so that the
   *     demo's tables stay readable; they come back with {@link #uninstall()}
   * @return the tap
   */
  public static LogTap install(boolean exclusive) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    LogTap tap = new LogTap();
    tap.setName(NAME);
    tap.setContext(context);
    tap.start();
    if (exclusive) {
      root.iteratorForAppenders().forEachRemaining(tap.detached::add);
      tap.detached.forEach(root::detachAppender);
    }
    if (root.getLevel() == null || root.getLevel().isGreaterOrEqual(Level.ERROR)) {
      root.setLevel(Level.WARN);
    }
    root.addAppender(tap);
    return tap;
  }

  /** Detaches this tap and restores the appenders it detached. */
  public void uninstall() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(this);
    stop();
    detached.forEach(root::addAppender);
    detached.clear();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message != null && message.contains("LEAK:")) {
      leaks.incrementAndGet();
    }
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      errors.incrementAndGet();
    } else if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      warnings.incrementAndGet();
    }
    if (event.getKeyValuePairs() == null) {
      return;
    }
    String kind = null;
    String phase = null;
    for (KeyValuePair kv : event.getKeyValuePairs()) {
      if ("event".equals(kv.key)) {
        kind = String.valueOf(kv.value);
      } else if ("phase".equals(kv.key)) {
        phase = String.valueOf(kv.value);
      }
    }
    if ("deadline_exceeded".equals(kind) && phase != null) {
      String service = serviceOf(event.getThreadName());
      deadlinePhases
          .computeIfAbsent(service, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(phase, k -> new AtomicLong())
          .incrementAndGet();
    }
  }

  /** Event loop threads are named {@code <service>-<pool>-<n>} by {@link HttpService}. */
  private static String serviceOf(String thread) {
    int dash = thread.indexOf('-');
    return dash > 0 ? thread.substring(0, dash) : thread;
  }

  /** Returns how many {@code LEAK:} reports were logged. */
  public long leaks() {
    return leaks.get();
  }

  /** Returns how many warnings were logged. */
  public long warnings() {
    return warnings.get();
  }

  /** Returns how many errors were logged (leak reports included). */
  public long errors() {
    return errors.get();
  }

  /**
   * Returns, for one service, how many server deadline events named each phase.
   *
   * @param service the service name
   * @return phase to count, sorted by phase
   */
  public Map<String, Long> deadlinePhases(String service) {
    Map<String, Long> out = new TreeMap<>();
    deadlinePhases.getOrDefault(service, Map.of()).forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
