package dev.stability.time;

import java.time.Duration;
import java.util.Objects;

/**
 * An immutable point in monotonic time after which work should stop.
 *
 * <p>Deadlines are read through a {@link Ticker}, never the wall clock, so they are immune to clock
 * steps; that also means a deadline is meaningless on another machine: send the {@linkplain
 * #remaining() remaining time} across the wire, never the deadline itself. Arithmetic saturates: a
 * timeout of {@code Duration.ofDays(10_000_000)} is clamped to about 100 years instead of
 * overflowing. Do not compare deadlines made by different tickers.
 */
public final class Deadline implements Comparable<Deadline> {
  private final Ticker ticker;
  private final long deadlineNanos;

  private Deadline(Ticker ticker, long deadlineNanos) {
    this.ticker = ticker;
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * Returns a deadline {@code timeout} from now on the system ticker.
   *
   * @param timeout how long from now; zero or negative gives an expired deadline
   * @return the deadline
   */
  public static Deadline after(Duration timeout) {
    return after(timeout, Ticker.system());
  }

  /**
   * Returns a deadline {@code timeout} from now on the given ticker.
   *
   * @param timeout how long from now; zero or negative gives an expired deadline
   * @param ticker the ticker to read
   * @return the deadline
   */
  public static Deadline after(Duration timeout, Ticker ticker) {
    return afterNanos(Durations.saturatedNanos(timeout), ticker);
  }

  /**
   * Returns a deadline {@code nanos} from now on the given ticker; the offset is clamped to about
   * 100 years.
   *
   * @param nanos how long from now in nanoseconds
   * @param ticker the ticker to read
   * @return the deadline
   */
  public static Deadline afterNanos(long nanos, Ticker ticker) {
    Objects.requireNonNull(ticker, "ticker");
    return new Deadline(ticker, ticker.nanoTime() + Durations.clampOffset(nanos));
  }

  /**
   * Returns the deadline at an absolute reading of {@code ticker}; used by contexts that store raw
   * nanos.
   *
   * @param ticker the ticker the reading belongs to
   * @param deadlineNanos the absolute ticker reading
   * @return the deadline
   */
  public static Deadline atNanos(Ticker ticker, long deadlineNanos) {
    return new Deadline(Objects.requireNonNull(ticker, "ticker"), deadlineNanos);
  }

  /** Returns the ticker this deadline reads. */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Returns the absolute ticker reading of this deadline, in nanoseconds in the ticker's time base.
   */
  public long nanos() {
    return deadlineNanos;
  }

  /**
   * Returns the time left, negative once expired.
   *
   * @return the remaining time
   */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /**
   * Returns the nanoseconds left, negative once expired.
   *
   * @return the remaining nanoseconds
   */
  public long remainingNanos() {
    return deadlineNanos - ticker.nanoTime();
  }

  /**
   * Returns whether the deadline has passed.
   *
   * @return {@code true} once the ticker reached the deadline
   */
  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /**
   * Returns whether this deadline comes strictly before {@code other}.
   *
   * @param other a deadline of the same ticker
   * @return {@code true} when this one expires first
   */
  public boolean isBefore(Deadline other) {
    return deadlineNanos - other.deadlineNanos < 0;
  }

  /**
   * Returns the earlier of the two deadlines: the rule by which nesting can only shorten a
   * deadline.
   *
   * @param other a deadline of the same ticker
   * @return {@code this} or {@code other}, whichever expires first
   */
  public Deadline min(Deadline other) {
    Objects.requireNonNull(other, "other");
    return other.isBefore(this) ? other : this;
  }

  /**
   * Returns this deadline moved by {@code offset} (negative moves it earlier), saturating.
   *
   * @param offset how far to move it
   * @return the moved deadline
   */
  public Deadline offset(Duration offset) {
    return new Deadline(ticker, deadlineNanos + Durations.saturatedNanos(offset));
  }

  @Override
  public int compareTo(Deadline other) {
    long diff = deadlineNanos - other.deadlineNanos;
    return diff < 0 ? -1 : diff > 0 ? 1 : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline
        && ((Deadline) o).ticker == ticker
        && ((Deadline) o).deadlineNanos == deadlineNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(deadlineNanos);
  }

  @Override
  public String toString() {
    long remaining = remainingNanos();
    return remaining > 0
        ? "Deadline(" + Durations.format(remaining) + " from now)"
        : "Deadline(expired " + Durations.format(-remaining) + " ago)";
  }
}
