package dev.stability.timeline.slow;

import dev.stability.timeline.TimelineSnapshot;
import java.util.Objects;

/**
 * A request that took longer than its {@link SlowRequests} threshold, with its timeline.
 *
 * @param requestId the request id
 * @param route the route template, or {@code "unknown"}
 * @param status the HTTP status answered
 * @param elapsedNanos from the request's head to its answer
 * @param timeline the request's marks at the answer
 */
public record SlowRequest(
    String requestId, String route, int status, long elapsedNanos, TimelineSnapshot timeline) {
  /**
   * Validates the record.
   *
   * @param requestId the request id
   * @param route the route template
   * @param status the HTTP status
   * @param elapsedNanos the elapsed time
   * @param timeline the timeline snapshot
   */
  public SlowRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(timeline, "timeline");
  }
}
