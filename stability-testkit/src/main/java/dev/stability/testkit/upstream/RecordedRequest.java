package dev.stability.testkit.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as the upstream received it, in arrival order.
 *
 * @param sequence the 1-based arrival number across all paths
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the path without the query string
 * @param uri the full request target as sent
 * @param headers the headers, names in lower case, values in arrival order
 * @param body the body decoded as UTF-8, empty when there was none
 * @param requestTimeout the parsed {@code x-request-timeout}, empty when absent or malformed
 */
public record RecordedRequest(
    int sequence,
    String method,
    String path,
    String uri,
    Map<String, List<String>> headers,
    String body,
    Optional<Duration> requestTimeout) {

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, any case
   * @return the value, or empty when absent
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Parses one of the deadline headers the request carries, e.g. {@code grpc-timeout} or Envoy's.
   *
   * @param header which header
   * @return the timeout, or empty when absent, malformed, or Envoy's 0 ("no timeout")
   */
  public Optional<Duration> timeout(dev.stability.context.wire.DeadlineHeader header) {
    return header(header.headerName())
        .flatMap(
            v -> {
              try {
                long nanos = header.parse(v);
                return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
              } catch (RuntimeException malformed) {
                return Optional.empty();
              }
            });
  }

  @Override
  public String toString() {
    return "#"
        + sequence
        + " "
        + method
        + " "
        + uri
        + requestTimeout
            .map(t -> " (x-request-timeout " + t.toMillis() + " ms)")
            .orElse(" (no x-request-timeout)");
  }
}
