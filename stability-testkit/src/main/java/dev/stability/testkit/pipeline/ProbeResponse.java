package dev.stability.testkit.pipeline;

import java.util.List;
import java.util.Map;

/**
 * One response read from the probed pipeline, already copied out of its buffers.
 *
 * @param requestNumber the 1-based number of the request it answers, by order on the connection;
 *     {@code 0} for a response that arrived with no request left to answer
 * @param status the status code
 * @param headers the headers, names in lower case
 * @param body the body decoded as UTF-8
 * @param complete whether the response ended (its last content arrived)
 */
public record ProbeResponse(
    int requestNumber,
    int status,
    Map<String, List<String>> headers,
    String body,
    boolean complete) {

  /**
   * Returns the first value of a header.
   *
   * @param name the name in lower case
   * @return the value, or {@code null}
   */
  public String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public String toString() {
    return "#"
        + requestNumber
        + " "
        + status
        + (complete ? "" : " (never ended)")
        + (body.isEmpty()
            ? ""
            : " \"" + (body.length() > 60 ? body.substring(0, 60) + "..." : body) + "\"");
  }
}
