package dev.stability.jdbc;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Builds a {@link DeadlineDataSource}; every setter validates its value at once. */
public final class DeadlineDataSourceBuilder {
  private static final Pattern TAG = Pattern.compile("[a-z0-9_.-]{1,64}");

  final DataSource delegate;
  Duration margin = DeadlineDataSource.DEFAULT_MARGIN;
  Duration minimumBudget = DeadlineDataSource.DEFAULT_MINIMUM_BUDGET;
  boolean requireDeadline;
  boolean queryTimeoutBackstop = true;
  MeterRegistry meterRegistry;
  String system = DeadlineDataSource.DEFAULT_SYSTEM;
  String poolName = DeadlineDataSource.DEFAULT_POOL_NAME;
  Executor cancelExecutor;
  Ticker ticker = Ticker.system();

  DeadlineDataSourceBuilder(DataSource delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (delegate instanceof DeadlineDataSource) {
      throw new IllegalArgumentException(
          "delegate: "
              + delegate
              + " (expected: a pool or driver DataSource; "
              + "wrapping twice would cancel every statement twice)");
    }
  }

  /**
   * Sets the time kept back from the request's remaining budget for the caller to answer after a
   * database failure: a statement with 300 ms left gets 300 ms minus this. Default {@code 10ms}.
   *
   * @param value zero or more
   * @return this builder
   */
  public DeadlineDataSourceBuilder margin(Duration value) {
    this.margin = Durations.requireNonNegative("margin", value);
    return this;
  }

  /**
   * Sets the smallest budget worth starting a call with; with less left, the call fails at once
   * without touching the database. Default {@code 1ms}.
   *
   * @param value more than zero
   * @return this builder
   */
  public DeadlineDataSourceBuilder minimumBudget(Duration value) {
    this.minimumBudget = Durations.requirePositive("minimumBudget", value);
    return this;
  }

  /**
   * Rejects statements run without a deadline on this data source even when {@link
   * dev.stability.context.StrictDeadlines} is off globally. Default {@code false}: follow the
   * global setting.
   *
   * @param value whether a deadline is required
   * @return this builder
   */
  public DeadlineDataSourceBuilder requireDeadline(boolean value) {
    this.requireDeadline = value;
    return this;
  }

  /**
   * Sets whether each statement also gets {@code setQueryTimeout} with its budget rounded up to
   * whole seconds, as a backstop that the driver (or the server, for drivers that send it) enforces
   * if the precise cancel is lost. A smaller timeout set by the caller is kept. Default {@code
   * true}.
   *
   * @param value whether to set the backstop
   * @return this builder
   */
  public DeadlineDataSourceBuilder queryTimeoutBackstop(boolean value) {
    this.queryTimeoutBackstop = value;
    return this;
  }

  /**
   * Records {@code db.client.operation.duration}, {@code db.client.connection.wait_time} and {@code
   * db.client.deadline.stopped} in {@code value}. Default: no metrics.
   *
   * @param value the registry
   * @return this builder
   */
  public DeadlineDataSourceBuilder meterRegistry(MeterRegistry value) {
    this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
    return this;
  }

  /**
   * Sets the {@code db.system.name} tag, e.g. {@code postgresql} or {@code h2}. Default {@code
   * other_sql}.
   *
   * @param value lowercase letters, digits, {@code _ . -}, at most 64
   * @return this builder
   */
  public DeadlineDataSourceBuilder system(String value) {
    this.system = tag("system", value);
    return this;
  }

  /**
   * Sets the {@code db.client.connection.pool.name} tag. Default {@code default}.
   *
   * @param value lowercase letters, digits, {@code _ . -}, at most 64
   * @return this builder
   */
  public DeadlineDataSourceBuilder poolName(String value) {
    this.poolName = tag("poolName", value);
    return this;
  }

  /**
   * Sets where {@code Statement.cancel()} runs. Cancelling talks to the database (PostgreSQL opens
   * a connection for it), so it must not run on the thread that fires deadlines. Default: a small
   * shared daemon pool.
   *
   * @param value the executor
   * @return this builder
   */
  public DeadlineDataSourceBuilder cancelExecutor(Executor value) {
    this.cancelExecutor = Objects.requireNonNull(value, "cancelExecutor");
    return this;
  }

  /**
   * Sets the ticker that measures call durations. Test only.
   *
   * @param value the ticker
   * @return this builder
   */
  public DeadlineDataSourceBuilder ticker(Ticker value) {
    this.ticker = Objects.requireNonNull(value, "ticker");
    return this;
  }

  /**
   * Builds the data source.
   *
   * @return the wrapper
   */
  public DeadlineDataSource build() {
    return new DeadlineDataSource(this);
  }

  private static String tag(String name, String value) {
    Objects.requireNonNull(value, name);
    if (!TAG.matcher(value).matches()) {
      throw new IllegalArgumentException(
          name
              + ": \""
              + value.replaceAll("\\p{Cntrl}", "?")
              + "\" (expected: 1 to 64 of a-z 0-9 _ . -)");
    }
    return value;
  }
}
