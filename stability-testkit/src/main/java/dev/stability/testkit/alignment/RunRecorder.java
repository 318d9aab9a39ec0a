package dev.stability.testkit.alignment;

import dev.stability.context.CancellationCause;
import dev.stability.netty.client.PhaseTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Collects the timed events of one alignment run from the server, handler and client threads. */
final class RunRecorder {
  /**
   * Timer lateness tolerated before a client failure counts as caused by its budget, not its own
   * limit.
   */
  private static final long SLACK_NANOS = 5_000_000L;

  private final long clientMarginNanos;
  private final List<RuntimeAlignmentResult.FiredTimeout> fired = new ArrayList<>();
  private final List<String> timeline = new ArrayList<>();
  private volatile long startNanos = System.nanoTime();

  RunRecorder(Duration clientMargin) {
    this.clientMarginNanos = clientMargin.toNanos();
  }

  void requestRead() {
    startNanos = System.nanoTime();
    note("the handler got the request (the server's deadline started when it read the head)");
  }

  synchronized void note(String event) {
    timeline.add(Times.format(elapsed()) + ": " + event);
  }

  private synchronized void fire(RuntimeAlignmentResult.Layer layer, String detail) {
    Duration at = elapsed();
    if (fired.stream().anyMatch(f -> f.layer() == layer)) {
      timeline.add(Times.format(at) + ": " + layer + " timer ran too (" + detail + ")");
      return;
    }
    fired.add(new RuntimeAlignmentResult.FiredTimeout(layer, detail, at));
    timeline.add(Times.format(at) + ": " + layer + " timeout fired (" + detail + ")");
  }

  /**
   * The handler sees the server's context or a child of it: a passed deadline there is the
   * server's.
   */
  void serverEnded(CancellationCause cause) {
    if (cause.isDeadlineExceeded()) {
      fire(RuntimeAlignmentResult.Layer.SERVER_REQUEST, "server request deadline");
    } else {
      note("server request context ended: " + cause);
    }
  }

  void budgetEnded(CancellationCause cause) {
    if (cause.isDeadlineExceeded() && !cause.isInherited()) {
      fire(RuntimeAlignmentResult.Layer.HANDLER_BUDGET, "handler budget deadline");
    } else if (cause.isDeadlineExceeded()) {
      fire(
          RuntimeAlignmentResult.Layer.SERVER_REQUEST,
          "server request deadline, inherited by the budget");
    } else {
      note("handler budget ended: " + cause);
    }
  }

  /**
   * Records the client's failure: its own timeout when budget was left, else the deadline of the
   * layer whose deadline the client ran under ({@code budgetOwner}), which may be noticed by the
   * client before that layer's own timer runs.
   */
  void clientFailed(Throwable failure, RuntimeAlignmentResult.Layer budgetOwner) {
    if (failure instanceof PhaseTimeoutException) {
      PhaseTimeoutException p = (PhaseTimeoutException) failure;
      if (p.remainingBudgetNanos() > clientMarginNanos + SLACK_NANOS) {
        fire(
            RuntimeAlignmentResult.Layer.CLIENT,
            p.phase() + " phase timeout after " + Times.format(Duration.ofNanos(p.limitNanos())));
        return;
      }
    }
    note("client failed because its budget ended: " + failure);
    fire(
        budgetOwner,
        budgetOwner == RuntimeAlignmentResult.Layer.SERVER_REQUEST
            ? "server request deadline, noticed by the client"
            : "handler budget deadline, noticed by the client");
  }

  void clientAnswered(int status) {
    note("client got " + status + " from the upstream (it was supposed to hang)");
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  synchronized RuntimeAlignmentResult result(
      Optional<Integer> status, Duration callerElapsed, Duration callerTimeout) {
    List<RuntimeAlignmentResult.FiredTimeout> sorted = new ArrayList<>(fired);
    sorted.sort(Comparator.comparing(RuntimeAlignmentResult.FiredTimeout::elapsed));
    return new RuntimeAlignmentResult(
        List.copyOf(sorted), List.copyOf(timeline), status, callerElapsed, callerTimeout);
  }
}
