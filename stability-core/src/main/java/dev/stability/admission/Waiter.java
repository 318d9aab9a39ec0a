package dev.stability.admission;

import dev.stability.time.TimerScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A queued admission: waits in its route's queue until granted, rejected (timeout, CoDel, shed,
 * evicted) or cancelled. Its phase and timer are guarded by the route limiter's lock; the stage
 * completes on the caller's executor.
 */
final class Waiter implements Admission {
  /** Where a waiter is; it leaves {@code WAITING} exactly once, under the limiter's lock. */
  enum Phase {
    WAITING,
    GRANTED,
    REJECTED,
    CANCELLED
  }

  final RouteLimiter limiter;
  final Priority priority;
  final long enqueuedNanos;
  final boolean hasDeadline;
  final long deadlineNanos;
  final long sequence;
  private final Executor executor;
  private final CompletableFuture<AdmissionPermit> future = new CompletableFuture<>();
  Phase phase = Phase.WAITING;
  TimerScheduler.Timer timer;
  RoutePermit permit;
  AdmissionRejectedException pending;

  Waiter(
      RouteLimiter limiter,
      Priority priority,
      long enqueuedNanos,
      boolean hasDeadline,
      long deadlineNanos,
      long sequence,
      Executor executor) {
    this.limiter = limiter;
    this.priority = priority;
    this.enqueuedNanos = enqueuedNanos;
    this.hasDeadline = hasDeadline;
    this.deadlineNanos = deadlineNanos;
    this.sequence = sequence;
    this.executor = executor;
  }

  /** Hands the granted permit over on the caller's executor; called outside the lock. */
  void deliverGrant() {
    RoutePermit p = permit;
    try {
      executor.execute(
          () -> {
            if (!future.complete(p)) {
              p.onIgnore(); // cancelled between the grant and this task: give the slot back
            }
          });
    } catch (RejectedExecutionException e) {
      p.onIgnore(); // the loop is shutting down: nobody will run the request
      future.completeExceptionally(e);
    }
  }

  /** Hands a rejection over on the caller's executor; called outside the lock. */
  void deliverRejection(AdmissionRejectedException rejection) {
    try {
      executor.execute(() -> future.completeExceptionally(rejection));
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(rejection);
    }
  }

  @Override
  public State state() {
    return State.QUEUED;
  }

  @Override
  public AdmissionPermit permit() {
    throw new IllegalStateException("the request was queued: use whenAdmitted()");
  }

  @Override
  public AdmissionRejectedException rejection() {
    throw new IllegalStateException("the request was queued: use whenAdmitted()");
  }

  @Override
  public CompletionStage<AdmissionPermit> whenAdmitted() {
    return future;
  }

  @Override
  public void cancel() {
    if (limiter.cancel(this)) {
      future.cancel(false);
      return;
    }
    RoutePermit p = grantedPermit();
    if (p != null && !future.cancel(false)) {
      p.onIgnore(); // already handed over: the caller gave up, so the slot goes back
    }
  }

  private RoutePermit grantedPermit() {
    synchronized (limiter) {
      return phase == Phase.GRANTED ? permit : null;
    }
  }

  @Override
  public String toString() {
    return "Admission(QUEUED, " + priority + ")";
  }
}
