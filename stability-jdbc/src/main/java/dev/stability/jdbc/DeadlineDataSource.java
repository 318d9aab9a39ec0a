package dev.stability.jdbc;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that carries the current {@link dev.stability.context.RequestContext}'s
 * deadline and cancellation into JDBC: getting a connection and every statement are bounded by the
 * request's remaining budget.
 *
 * <p>Wrap the pool once, at start-up: {@code DeadlineDataSource.wrap(hikari)}. While a context is
 * current on the calling thread, each {@code execute*} call gets the remaining time minus
 * {@linkplain DeadlineDataSourceBuilder#margin margin} as its budget, a cancellation listener that
 * calls {@link java.sql.Statement#cancel()} when that budget runs out or the request is cancelled
 * (the client went away, a sibling failed), and, as a backstop, {@code setQueryTimeout} rounded up
 * to whole seconds. The listener is removed when the statement returns, so a million fast
 * statements leave nothing behind. The caller gets a {@link DatabaseDeadlineException}; the
 * statement returns only once the driver gave the connection back (PostgreSQL answers a cancelled
 * query with SQLState 57014 and the connection is reusable), so the pool never hands out a
 * connection that is still running a query.
 *
 * <p>Without a current context, calls go straight to the pool and the driver, unless strict
 * deadlines are on (see {@link dev.stability.context.StrictDeadlines} and {@link
 * DeadlineDataSourceBuilder#requireDeadline}): then a statement is rejected with a {@link
 * dev.stability.context.MissingDeadlineException} naming it.
 *
 * <p>Getting a connection is bounded by interrupting the waiting thread at the deadline: HikariCP
 * and most pools stop waiting when interrupted. Rows fetched after {@code execute} returns (a
 * streaming cursor) are not bounded.
 */
public final class DeadlineDataSource implements DataSource {
  /** The default margin kept back for the caller: {@value #DEFAULT_MARGIN_MILLIS} ms. */
  public static final long DEFAULT_MARGIN_MILLIS = 10;

  /** The default margin, {@link #DEFAULT_MARGIN_MILLIS} ms. */
  public static final Duration DEFAULT_MARGIN = Duration.ofMillis(DEFAULT_MARGIN_MILLIS);

  /** The default smallest budget worth starting a call with, 1 ms. */
  public static final Duration DEFAULT_MINIMUM_BUDGET = Duration.ofMillis(1);

  /** The default {@code db.system.name} tag: {@value}. */
  public static final String DEFAULT_SYSTEM = "other_sql";

  /** The default {@code db.client.connection.pool.name} tag: {@value}. */
  public static final String DEFAULT_POOL_NAME = "default";

  final DataSource delegate;
  final long marginNanos;
  final long minimumNanos;
  final boolean requireDeadline;
  final boolean queryTimeoutBackstop;
  final JdbcMetrics metrics;
  final Executor cancelExecutor;
  final Ticker ticker;
  private final AtomicInteger inFlight = new AtomicInteger();

  DeadlineDataSource(DeadlineDataSourceBuilder b) {
    this.delegate = b.delegate;
    this.marginNanos = Durations.saturatedNanos(b.margin);
    this.minimumNanos = Durations.saturatedNanos(b.minimumBudget);
    this.requireDeadline = b.requireDeadline;
    this.queryTimeoutBackstop = b.queryTimeoutBackstop;
    this.metrics = new JdbcMetrics(b.meterRegistry, b.system, b.poolName);
    this.cancelExecutor = b.cancelExecutor != null ? b.cancelExecutor : CancelExecutor.shared();
    this.ticker = b.ticker;
  }

  /**
   * Wraps {@code dataSource} with the defaults.
   *
   * @param dataSource the pool, or a driver's data source
   * @return the wrapper
   */
  public static DeadlineDataSource wrap(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * Returns a builder for a wrapper around {@code dataSource}.
   *
   * @param dataSource the pool, or a driver's data source
   * @return a new builder
   */
  public static DeadlineDataSourceBuilder builder(DataSource dataSource) {
    return new DeadlineDataSourceBuilder(dataSource);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return ConnectionHandler.proxy(this, Acquisition.acquire(this, null, null, false));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return ConnectionHandler.proxy(this, Acquisition.acquire(this, username, password, true));
  }

  /** Returns the number of statements and acquisitions under way; visible for testing. */
  int inFlightCalls() {
    return inFlight.get();
  }

  void callStarted() {
    inFlight.incrementAndGet();
  }

  void callEnded() {
    inFlight.decrementAndGet();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "DeadlineDataSource(" + delegate + ")";
  }
}
