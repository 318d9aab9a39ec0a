package dev.stability.netty.server;

import dev.stability.guard.GuardConfig;
import dev.stability.internal.LogLimiter;
import dev.stability.internal.LogText;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what clients do wrong to their own connections (reset, leave mid-request, send
 * garbage, stall the head): every one is counted in {@code stability.server.client.faults} by
 * {@link ClientFault kind}, one INFO line per kind per interval says how many there were, without a
 * stack trace, and the stack of each goes to DEBUG only.
 *
 * <p>Why not WARN with a stack, as Netty's tail would: a client can cause these at will, so a
 * per-occurrence WARN is log amplification (200 clients leaving mid-body wrote 219 stack traces),
 * and the stack only ever shows Netty's own decoder. The client's text in an exception message is
 * quoted and escaped. Thread-safe; one per server.
 */
final class ClientFaults {
  static final String METER = "stability.server.client.faults";

  /** Interval of the rate-limited line: the exception guard's default, {@value} s. */
  static final long LOG_INTERVAL_SECONDS = GuardConfig.DEFAULT_LOG_INTERVAL_SECONDS;

  private static final Logger log = LoggerFactory.getLogger(ClientFaults.class);
  private static final int MAX_MESSAGE = 160;

  private final LogLimiter limiter;
  private final Map<ClientFault, Counter> counters = new EnumMap<>(ClientFault.class);

  ClientFaults(MeterRegistry registry, Ticker ticker, long intervalNanos) {
    this.limiter = new LogLimiter(ticker, intervalNanos, ClientFault.values().length);
    if (registry != null) {
      for (ClientFault kind : ClientFault.values()) {
        counters.put(
            kind,
            Counter.builder(METER)
                .tag("kind", kind.tag())
                .description(
                    "Connections the client reset, left mid-request, sent undecodable bytes on or stalled")
                .register(registry));
      }
    }
  }

  /** Returns the faults of a server with the default interval and the system clock. */
  static ClientFaults of(MeterRegistry registry) {
    return new ClientFaults(
        registry, System::nanoTime, TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS));
  }

  /**
   * Counts and logs one fault.
   *
   * @param kind what happened
   * @param cause the exception, or {@code null} when there is none (a timeout)
   * @param channel the connection, for its remote address
   */
  void record(ClientFault kind, Throwable cause, Channel channel) {
    Counter counter = counters.get(kind);
    if (counter != null) {
      counter.increment();
    }
    long suppressed = limiter.acquire(kind.tag());
    if (suppressed != LogLimiter.SUPPRESS) {
      log.atInfo()
          .addKeyValue("event", "client_fault")
          .addKeyValue("kind", kind.tag())
          .log(
              "client fault {} on {}: {}{}",
              kind.tag(),
              channel.remoteAddress(),
              describe(cause),
              suppressed == 0
                  ? ""
                  : " (" + suppressed + " more of this kind since the last line; stacks at DEBUG)");
    }
    if (cause != null && log.isDebugEnabled()) {
      log.debug("client fault {} on {}", kind.tag(), channel.remoteAddress(), escapedCopy(cause));
    }
  }

  /**
   * The stack of {@code cause} under an escaped message: the original message may carry the
   * client's bytes.
   */
  private static Throwable escapedCopy(Throwable cause) {
    Throwable copy =
        new Throwable(describe(cause), null, false, true) {
          private static final long serialVersionUID = 1L;
        };
    copy.setStackTrace(cause.getStackTrace());
    return copy;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "no exception";
    }
    String message;
    try {
      message = cause.getMessage();
    } catch (RuntimeException e) {
      message = null;
    }
    return cause.getClass().getName()
        + (message == null ? "" : " " + LogText.quote(message, MAX_MESSAGE));
  }
}
