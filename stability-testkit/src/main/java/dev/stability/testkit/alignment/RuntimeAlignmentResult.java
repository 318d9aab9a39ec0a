package dev.stability.testkit.alignment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What happened when one request crossed a real guarded server calling a hung upstream: which
 * timeouts fired, in order, and what the caller got back when.
 *
 * @param timeouts the timeouts that fired, earliest first, each timed from when the handler got the
 *     request
 * @param timeline every event in order, including consequences (the client failing because its
 *     budget ended)
 * @param callerStatus the status the caller received, or empty when it got no answer by its
 *     deadline
 * @param callerElapsed how long the caller waited, from sending to the answer or its deadline
 * @param callerTimeout the caller's own deadline
 */
public record RuntimeAlignmentResult(
    List<FiredTimeout> timeouts,
    List<String> timeline,
    Optional<Integer> callerStatus,
    Duration callerElapsed,
    Duration callerTimeout) {

  /** The layers whose timeouts the run observes, innermost first. */
  public enum Layer {
    /** The downstream client's own limit: a phase or per-try timeout with budget left. */
    CLIENT,
    /** The handler's downstream budget ({@code ctx.budget(margin)} or its own timeout) ended. */
    HANDLER_BUDGET,
    /** The server's request deadline passed. */
    SERVER_REQUEST
  }

  /**
   * One timeout that fired.
   *
   * @param layer the layer it belongs to
   * @param detail what exactly fired, e.g. {@code RESPONSE_HEADERS phase timeout}
   * @param elapsed when, after the handler got the request
   */
  public record FiredTimeout(Layer layer, String detail, Duration elapsed) {
    @Override
    public String toString() {
      return layer + " at " + Times.format(elapsed) + " (" + detail + ")";
    }
  }

  /**
   * Returns the timeout that fired first.
   *
   * @return it, or empty when none fired (the upstream answered after all)
   */
  public Optional<FiredTimeout> first() {
    return timeouts.isEmpty() ? Optional.empty() : Optional.of(timeouts.get(0));
  }

  /**
   * Returns a readable account of the run, for failure messages.
   *
   * @return several lines
   */
  public String describe() {
    StringBuilder sb =
        new StringBuilder("timeouts fired: ")
            .append(timeouts.isEmpty() ? "none" : timeouts)
            .append("\ncaller: ")
            .append(callerStatus.map(s -> "got " + s).orElse("got no answer"))
            .append(" after ")
            .append(Times.format(callerElapsed))
            .append(" (its deadline: ")
            .append(Times.format(callerTimeout))
            .append(")\ntimeline:");
    for (String line : timeline) {
      sb.append("\n  ").append(line);
    }
    return sb.toString();
  }
}
