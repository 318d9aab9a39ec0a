package dev.stability.context.wire;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * The timeout a server decided to give one request, and how it got there: which header asked for
 * what, and whether the policy capped or floored it.
 *
 * <p>Servers log the requested value next to the granted one, so that a caller asking for more than
 * the server allows is visible in a postmortem.
 */
public final class InboundDeadline {
  private static final InboundDeadline NONE = new InboundDeadline(-1, null, -1, false, false);

  private final long timeoutNanos;
  private final DeadlineHeader source;
  private final long requestedNanos;
  private final boolean capped;
  private final boolean floored;

  InboundDeadline(
      long timeoutNanos,
      DeadlineHeader source,
      long requestedNanos,
      boolean capped,
      boolean floored) {
    this.timeoutNanos = timeoutNanos;
    this.source = source;
    this.requestedNanos = requestedNanos;
    this.capped = capped;
    this.floored = floored;
  }

  static InboundDeadline none() {
    return NONE;
  }

  /**
   * Returns the granted timeout, or empty when the request runs without a deadline.
   *
   * @return the timeout
   */
  public Optional<Duration> timeout() {
    return timeoutNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(timeoutNanos));
  }

  /** Returns the granted timeout in nanoseconds, or {@code -1} without one. */
  public long timeoutNanos() {
    return timeoutNanos;
  }

  /** Returns the header the timeout came from, or {@code null} when the server default applied. */
  public DeadlineHeader source() {
    return source;
  }

  /**
   * Returns what the caller asked for before capping, in nanoseconds, or {@code -1} when it asked
   * nothing.
   */
  public long requestedNanos() {
    return requestedNanos;
  }

  /** Returns whether the caller asked for more than the server maximum. */
  public boolean isCapped() {
    return capped;
  }

  /** Returns whether the caller asked for less than the server minimum. */
  public boolean isFloored() {
    return floored;
  }

  @Override
  public String toString() {
    if (timeoutNanos < 0) {
      return "InboundDeadline(none)";
    }
    StringBuilder sb = new StringBuilder("InboundDeadline(").append(Durations.format(timeoutNanos));
    sb.append(source == null ? " default" : " from " + source.headerName());
    if (capped || floored) {
      sb.append(capped ? ", capped" : ", floored")
          .append(" from ")
          .append(Durations.format(requestedNanos));
    }
    return sb.append(')').toString();
  }
}
