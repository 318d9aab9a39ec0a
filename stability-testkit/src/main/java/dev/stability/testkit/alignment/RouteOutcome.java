package dev.stability.testkit.alignment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one route of the user's service did when its downstream hung.
 *
 * @param path the route's path
 * @param routeTimeout the server's timeout for the route (its {@code RequestTimeouts} answer, else
 *     the default)
 * @param gaveUpFirst the layer that gave up first; empty when nothing gave up by the caller's
 *     deadline, or the handler never called the upstream
 * @param status the status the caller got, empty when none by its deadline
 * @param answeredAfter how long the caller waited
 * @param upstreamCalls what the upstream saw, one line per attempt
 * @param handlerMargin the route's configured handler margin ({@code RequestDeadlines
 *     .handlerMargins}, else {@code handlerMargin}): what {@code
 *     ServerRequestContexts.handlerBudget} keeps back
 * @param keptMargin at most what the handler kept back: the route timeout less the deadline its
 *     first downstream attempt carried (an upper bound: time spent before the call also counts);
 *     empty when no attempt carried one
 * @param slack the check's tolerance for loopback latency and timer lateness
 */
public record RouteOutcome(
    String path,
    Duration routeTimeout,
    Optional<RuntimeAlignmentResult.Layer> gaveUpFirst,
    Optional<Integer> status,
    Duration answeredAfter,
    List<String> upstreamCalls,
    Duration handlerMargin,
    Optional<Duration> keptMargin,
    Duration slack) {

  /**
   * Tells whether the handler kept at least its configured margin (within the slack), or carried no
   * deadline to check.
   *
   * @return {@code false} when the downstream was given more of the request's time than the route's
   *     margin allows
   */
  public boolean marginKept() {
    return keptMargin.isEmpty() || keptMargin.get().plus(slack).compareTo(handlerMargin) >= 0;
  }

  /**
   * Tells whether an inner layer (the client or the handler's budget) gave up before the server,
   * and the handler kept its configured margin.
   *
   * @return {@code true} when the route is aligned at run time
   */
  public boolean aligned() {
    return gaveUpFirst.isPresent()
        && gaveUpFirst.get() != RuntimeAlignmentResult.Layer.SERVER_REQUEST
        && status.isPresent()
        && marginKept();
  }

  @Override
  public String toString() {
    return path
        + ": "
        + gaveUpFirst.map(Enum::name).orElse("nothing")
        + " gave up first; caller got "
        + status.map(String::valueOf).orElse("no answer")
        + " after "
        + Times.format(answeredAfter)
        + " (route timeout "
        + Times.format(routeTimeout)
        + ", handler margin "
        + Times.format(handlerMargin)
        + keptMargin
            .map(
                k ->
                    marginKept()
                        ? ", kept " + Times.format(k)
                        : ", but kept only " + Times.format(k))
            .orElse("")
        + "); upstream saw "
        + (upstreamCalls.isEmpty() ? "no call" : String.join(", ", upstreamCalls));
  }
}
