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
 */
public record RouteOutcome(
    String path,
    Duration routeTimeout,
    Optional<RuntimeAlignmentResult.Layer> gaveUpFirst,
    Optional<Integer> status,
    Duration answeredAfter,
    List<String> upstreamCalls) {

  /**
   * Tells whether an inner layer (the client or the handler's budget) gave up before the server.
   *
   * @return {@code true} when the route is aligned at run time
   */
  public boolean aligned() {
    return gaveUpFirst.isPresent()
        && gaveUpFirst.get() != RuntimeAlignmentResult.Layer.SERVER_REQUEST
        && status.isPresent();
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
        + "); upstream saw "
        + (upstreamCalls.isEmpty() ? "no call" : String.join(", ", upstreamCalls));
  }
}
