package dev.stability.jdbc;

import dev.stability.context.CancellationCause;
import dev.stability.context.ListenerRegistration;
import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * One bounded {@code getConnection()}: the waiting thread is interrupted when the call's budget
 * runs out or the request is cancelled. HikariCP, like most pools, stops waiting when interrupted
 * and throws; a connection that arrives anyway after the interrupt goes straight back to the pool.
 *
 * <p>The interrupt is ours to take back: {@link #finish} clears it under the same lock that sent
 * it, so the thread never leaves with a stray interrupt that would break its next blocking call.
 */
final class Acquisition implements Consumer<CancellationCause> {
  static final String OPERATION = "CONNECTION";

  enum State {
    WAITING,
    INTERRUPTED,
    DONE
  }

  private final Thread thread = Thread.currentThread();
  private State state = State.WAITING; // guarded by this
  private CancellationCause cause; // guarded by this

  private Acquisition() {}

  static Connection acquire(DeadlineDataSource ds, String user, String password, boolean withUser)
      throws SQLException {
    RequestContext ctx = RequestContext.current();
    long start = ds.ticker.nanoTime();
    RequestContext scope = CallBudget.open(ds, ctx, JdbcPhase.ACQUIRE, OPERATION);
    if (scope == null) {
      return timed(ds, user, password, withUser, start);
    }
    PhaseTimeline.mark(scope, RequestPhase.DB_ACQUIRE);
    long budget = CallBudget.budgetOf(scope);
    Acquisition a = new Acquisition();
    ds.callStarted();
    ListenerRegistration registration =
        scope.onCancel(a); // inline: an interrupt is cheap and never blocks
    Connection connection = null;
    SQLException failure = null;
    try {
      connection =
          withUser ? ds.delegate.getConnection(user, password) : ds.delegate.getConnection();
    } catch (SQLException e) {
      failure = e;
    } finally {
      registration.remove();
    }
    CancellationCause stoppedBy = a.finish();
    if (stoppedBy == null && failure != null) {
      CancellationCause c =
          scope.cancellationCause(); // e.g. the pool's own timeout fired just after ours
      stoppedBy = c != null && c.reason().isAbnormal() ? c : null;
    }
    scope.complete();
    ds.callEnded();
    long elapsed = ds.ticker.nanoTime() - start;
    if (stoppedBy == null) {
      ds.metrics.acquire(
          failure == null ? JdbcMetrics.NO_ERROR : failure.getClass().getName(), elapsed);
      if (failure != null) {
        throw failure;
      }
      return connection;
    }
    if (connection != null) {
      closeQuietly(connection, failure);
    }
    ds.metrics.acquire(CallBudget.reasonOf(stoppedBy), elapsed);
    throw CallBudget.stopped(
        ds, JdbcPhase.ACQUIRE, OPERATION, scope, budget, elapsed, stoppedBy, failure);
  }

  private static Connection timed(
      DeadlineDataSource ds, String user, String password, boolean withUser, long start)
      throws SQLException {
    try {
      Connection c =
          withUser ? ds.delegate.getConnection(user, password) : ds.delegate.getConnection();
      ds.metrics.acquire(JdbcMetrics.NO_ERROR, ds.ticker.nanoTime() - start);
      return c;
    } catch (SQLException e) {
      ds.metrics.acquire(e.getClass().getName(), ds.ticker.nanoTime() - start);
      throw e;
    }
  }

  @Override
  public void accept(CancellationCause c) {
    if (!c.reason().isAbnormal()) {
      return;
    }
    synchronized (this) {
      if (state == State.WAITING) {
        state = State.INTERRUPTED;
        cause = c;
        thread.interrupt();
      }
    }
  }

  /**
   * Ends the wait; returns the cause when this acquisition interrupted the thread, after clearing
   * it.
   */
  private CancellationCause finish() {
    synchronized (this) {
      State last = state;
      state = State.DONE;
      if (last == State.INTERRUPTED) {
        Thread.interrupted(); // ours: the pool saw it (or not); the caller must not
        return cause;
      }
      return null;
    }
  }

  private static void closeQuietly(Connection connection, SQLException failure) {
    try {
      connection.close(); // back to the pool: it was never used
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }
}
