package dev.stability.jdbc;

import dev.stability.context.CancellationCause;
import dev.stability.context.ListenerRegistration;
import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import dev.stability.timeline.RequestPhase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code execute*} call bounded by its request: armed before the driver is called, cancelled by
 * the request's deadline or cancellation, finished when the driver returns.
 *
 * <p>The state machine is what keeps the pool healthy. A cancel runs only while the statement is
 * {@link State#RUNNING}; {@link #finish} waits for a cancel already under way, so the connection
 * goes back to the pool only once no cancel can reach it any more: a late cancel would otherwise
 * stop the next borrower's query.
 */
final class StatementCall implements Consumer<CancellationCause> {
  private static final Logger log = LoggerFactory.getLogger(StatementCall.class);

  /**
   * How long {@link #finish} waits for a cancel that is under way before it gives up on the
   * connection.
   */
  static final long CANCEL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * How many times a statement that keeps running is cancelled before its connection is aborted.
   */
  static final int CANCEL_ATTEMPTS = 3;

  /** The pause between two cancel attempts, in milliseconds. */
  static final long CANCEL_RETRY_MILLIS = 50;

  enum State {
    RUNNING,
    CANCELLING,
    CANCELLED,
    DONE
  }

  private final DeadlineDataSource ds;
  private final Statement statement;
  private final Connection connection;
  private final RequestContext scope;
  private final long budgetNanos;
  private final long startNanos;
  private ListenerRegistration registration;
  private State state = State.RUNNING; // guarded by this
  private CancellationCause cancelCause; // guarded by this
  private boolean abortedConnection; // guarded by this

  private StatementCall(
      DeadlineDataSource ds, Statement statement, Connection connection, RequestContext scope) {
    this.ds = ds;
    this.statement = statement;
    this.connection = connection;
    this.scope = scope;
    this.budgetNanos = CallBudget.budgetOf(scope);
    this.startNanos = ds.ticker.nanoTime();
  }

  /**
   * Arms a call on {@code scope} (from {@link CallBudget#open}); the caller must {@link #finish}
   * it.
   */
  static StatementCall start(
      DeadlineDataSource ds, Statement statement, Connection connection, RequestContext scope) {
    StatementCall call = new StatementCall(ds, statement, connection, scope);
    ds.callStarted();
    PhaseTimeline.mark(scope, RequestPhase.DB_EXECUTE);
    call.registration = scope.onCancel(call, ds.cancelExecutor);
    return call;
  }

  /** Returns the call's budget in nanoseconds. */
  long budgetNanos() {
    return budgetNanos;
  }

  /**
   * Runs on the cancel executor when the call's context ends: cancel the statement while it still
   * runs. A cancel that reaches the driver before it sent the query is ignored (pgjdbc cancels only
   * a statement in flight), so the cancel is repeated {@value #CANCEL_ATTEMPTS} times {@value
   * #CANCEL_RETRY_MILLIS} ms apart; a statement still running after that gets its connection
   * aborted, which the pool evicts.
   */
  @Override
  public void accept(CancellationCause cause) {
    if (!cause.reason().isAbnormal()) {
      return;
    }
    for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      synchronized (this) {
        if (state == State.DONE || (attempt == 0 && state != State.RUNNING)) {
          return;
        }
        state = State.CANCELLING;
        cancelCause = cause;
      }
      boolean cancelled = cancelOnce();
      synchronized (this) {
        state = State.CANCELLED;
        notifyAll();
        if (!cancelled) {
          break;
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_RETRY_MILLIS);
        while (state == State.CANCELLED && until - System.nanoTime() > 0) {
          try {
            TimeUnit.NANOSECONDS.timedWait(this, until - System.nanoTime());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (state == State.DONE) {
          return;
        }
      }
    }
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
    }
    // a driver that cannot cancel must not keep the connection busy past the deadline: close its
    // socket, the
    // statement fails at once and the pool sees a broken connection and evicts it
    log.warn(
        "statement still running after {} cancel attempts; aborting its connection so the pool evicts it",
        CANCEL_ATTEMPTS);
    abort();
  }

  private boolean cancelOnce() {
    try {
      statement.cancel();
      return true;
    } catch (SQLException | RuntimeException e) {
      log.warn("Statement.cancel() failed: {}", e.toString());
      return false;
    }
  }

  private void abort() {
    try {
      connection.abort(Runnable::run);
      synchronized (this) {
        abortedConnection = true;
      }
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "Connection.abort() failed too; the statement runs until the driver's query timeout", e);
    }
  }

  /**
   * Ends the call once the driver returned; returns the failure to throw instead of {@code
   * driverFailure}, or {@code null} to let the driver's outcome stand.
   */
  DatabaseDeadlineException finish(String operation, Throwable driverFailure) {
    State last;
    CancellationCause cause;
    synchronized (this) {
      long waitUntil = System.nanoTime() + CANCEL_WAIT_NANOS;
      boolean interrupted = false;
      while (state == State.CANCELLING && waitUntil - System.nanoTime() > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, waitUntil - System.nanoTime());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      last = state;
      cause = cancelCause;
      state = State.DONE;
      notifyAll(); // a cancel waiting to retry can stop now
    }
    registration.remove(); // before complete(): a completed context runs its remaining listeners
    long elapsed = ds.ticker.nanoTime() - startNanos;
    if (cause == null && driverFailure != null) {
      cause =
          endedCause(); // the backstop query timeout, or a cancel whose listener had not run yet
    }
    scope.complete();
    ds.callEnded();
    PhaseTimeline.mark(scope, RequestPhase.DB_DONE);
    if (last == State.CANCELLING) {
      log.warn(
          "Statement.cancel() still running after {} ms; returning the connection anyway",
          TimeUnit.NANOSECONDS.toMillis(CANCEL_WAIT_NANOS));
      abort();
    }
    if (driverFailure == null) {
      ds.metrics.operation(operation, JdbcMetrics.NO_ERROR, elapsed);
      return null; // the statement beat the cancel: its result is valid
    }
    if (cause == null) {
      ds.metrics.operation(operation, driverFailure.getClass().getName(), elapsed);
      return null;
    }
    ds.metrics.operation(operation, CallBudget.reasonOf(cause), elapsed);
    return CallBudget.stopped(
        ds, JdbcPhase.EXECUTE, operation, scope, budgetNanos, elapsed, cause, driverFailure);
  }

  private CancellationCause endedCause() {
    CancellationCause c = scope.cancellationCause();
    return c != null && c.reason().isAbnormal() ? c : null;
  }

  /** Returns whether the connection was aborted because cancelling failed; visible for testing. */
  synchronized boolean abortedConnection() {
    return abortedConnection;
  }
}
