package dev.stability.netty.client;

import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The state of one hedged call: which attempts were started, which are in flight, the pending hedge
 * timer and the last bad outcome, guarded by the call's own monitor.
 *
 * <p>Decisions are taken under the monitor, the caller's code (start, cancel, discard, completing
 * the result) runs outside it, so an attempt that completes on the thread that started it cannot
 * deadlock or re-enter a half-made decision. Contention is between the two to five attempts of one
 * call, so a monitor costs less than it saves.
 */
final class HedgedCall<T> {
  private enum State {
    RUNNING,
    DONE
  }

  private final HedgingScheduler scheduler;
  private final int maxAttempts;
  private final long deadlineNanos;
  private final HedgingScheduler.Attempts<T> attempts;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final List<CompletableFuture<T>> futures = new ArrayList<>();
  private final List<Boolean> finished = new ArrayList<>();

  private State state = State.RUNNING;
  private int inFlight;
  private boolean budgetRefused;
  private TimerScheduler.Timer timer;
  private T lastAnswer;
  private Throwable lastFailure;

  HedgedCall(
      HedgingScheduler scheduler,
      int maxAttempts,
      long deadlineNanos,
      HedgingScheduler.Attempts<T> attempts) {
    this.scheduler = scheduler;
    this.maxAttempts = maxAttempts;
    this.deadlineNanos = deadlineNanos;
    this.attempts = attempts;
  }

  CompletableFuture<T> result() {
    return result;
  }

  void begin() {
    // whoever completes the result other than us (a caller's cancel or timeout) stops the attempts
    result.whenComplete((v, e) -> abort());
    int index;
    synchronized (this) {
      index = reserveAttempt();
    }
    launch(index);
  }

  private int reserveAttempt() {
    futures.add(null);
    finished.add(false);
    inFlight++;
    return futures.size() - 1;
  }

  private void launch(int index) {
    CompletableFuture<T> f;
    try {
      f = attempts.start(index);
      if (f == null) {
        f =
            CompletableFuture.failedFuture(
                new NullPointerException("attempt " + index + " returned null"));
      }
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    boolean cancelNow;
    synchronized (this) {
      futures.set(index, f);
      cancelNow = state == State.DONE;
      if (!cancelNow) {
        armTimer();
      }
    }
    if (cancelNow) {
      attempts.cancel(index, f);
    }
    CompletableFuture<T> attempt = f;
    attempt.whenComplete((v, e) -> onComplete(index, v, e));
  }

  /**
   * Arms the timer of the next hedge, unless one is armed, none is left, or the deadline could not
   * fit it.
   */
  private void armTimer() {
    if (timer != null || futures.size() >= maxAttempts || budgetRefused) {
      return;
    }
    long delay = scheduler.delayNanos();
    long minimum = scheduler.policy().minAttemptTime().toNanos();
    if (remainingNanos() - delay < minimum) {
      return;
    }
    timer = scheduler.timers().schedule(this::onTimer, delay);
  }

  private long remainingNanos() {
    return deadlineNanos == HedgingScheduler.NO_DEADLINE
        ? Long.MAX_VALUE
        : deadlineNanos - scheduler.ticker().nanoTime();
  }

  /**
   * Whether one more attempt may start now; withdraws from the budget when it may. Holds the
   * monitor.
   */
  private boolean mayStartAnother() {
    if (state != State.RUNNING || futures.size() >= maxAttempts || budgetRefused) {
      return false;
    }
    if (remainingNanos() < scheduler.policy().minAttemptTime().toNanos()) {
      return false;
    }
    if (!scheduler.budget().tryWithdraw()) {
      budgetRefused = true;
      return false;
    }
    return true;
  }

  private void onTimer() {
    int index;
    synchronized (this) {
      timer = null;
      if (!mayStartAnother()) {
        return;
      }
      index = reserveAttempt();
    }
    launch(index);
  }

  private void onComplete(int index, T answer, Throwable error) {
    Throwable failure =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    boolean good = failure == null && isGood(answer);
    T discard = null;
    T superseded = null;
    List<Integer> losers = List.of();
    int next = -1;
    boolean finish = false;
    boolean won = false;
    synchronized (this) {
      finished.set(index, true);
      if (state == State.DONE) {
        discard = answer;
      } else {
        inFlight--;
        if (good) {
          won = true;
          state = State.DONE;
          superseded = lastAnswer;
          lastAnswer = answer;
          lastFailure = null;
          losers = inFlightIndexes();
          cancelTimer();
        } else {
          superseded = lastAnswer;
          lastAnswer = answer;
          lastFailure = failure;
          if (inFlight == 0) {
            if (mayStartAnother()) {
              cancelTimer();
              next = reserveAttempt();
            } else {
              state = State.DONE;
              cancelTimer();
              finish = true;
            }
          }
        }
      }
    }
    release(discard);
    release(superseded);
    if (won) {
      // no latency sample here: CallExecution records every attempt that ends below 500, the winner
      // included, and a second sample of the winner would skew the hedge delay's percentile
      // losers first: whoever reacts to the result finds their connections already closed
      cancel(losers);
      if (!result.complete(answer)) {
        release(answer);
      }
    } else if (finish) {
      completeWithLastOutcome();
    } else if (next >= 0) {
      launch(next);
    }
  }

  private boolean isGood(T answer) {
    try {
      return attempts.isGood(answer);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void completeWithLastOutcome() {
    T answer;
    Throwable failure;
    synchronized (this) {
      answer = lastAnswer;
      failure = lastFailure;
    }
    boolean completed =
        failure != null ? result.completeExceptionally(failure) : result.complete(answer);
    if (!completed || failure != null) {
      release(answer);
    }
  }

  /**
   * Stops everything once the result was completed by someone else; a no-op after we completed it.
   */
  private void abort() {
    List<Integer> losers;
    T stored;
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      state = State.DONE;
      cancelTimer();
      losers = inFlightIndexes();
      stored = lastAnswer;
      lastAnswer = null;
    }
    release(stored);
    cancel(losers);
  }

  private List<Integer> inFlightIndexes() {
    List<Integer> indexes = new ArrayList<>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      if (!finished.get(i) && futures.get(i) != null) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void cancel(List<Integer> losers) {
    for (int i : losers) {
      CompletableFuture<T> f;
      synchronized (this) {
        f = futures.get(i);
      }
      try {
        attempts.cancel(i, f);
      } catch (RuntimeException e) {
        // the contract says cancel must not throw; a broken callback must not stop the other
        // cancellations
      }
    }
  }

  private void release(T answer) {
    if (answer != null) {
      try {
        attempts.discard(answer);
      } catch (RuntimeException e) {
        // same as cancel: discard must not throw, and one failure must not hide the result
      }
    }
  }
}
