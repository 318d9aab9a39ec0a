package dev.stability.testkit.context;

import dev.stability.context.RequestContext;
import java.time.Duration;

/**
 * What one recorded task saw: its label, the context attached when it ran, its thread and the time
 * left then.
 *
 * @param name the label given to {@link ContextCapture#task(String)}
 * @param context the attached context, or {@code null} when none was attached
 * @param threadName the name of the thread that ran the task
 * @param remaining the context's time left at that moment, or {@code null} without a deadline or
 *     context
 */
public record CapturedContext(
    String name, RequestContext context, String threadName, Duration remaining) {

  @Override
  public String toString() {
    return name
        + "["
        + (context == null
            ? "no context"
            : context.requestId()
                + (remaining == null
                    ? ", no deadline"
                    : ", remaining " + remaining.toMillis() + " ms"))
        + " on "
        + threadName
        + "]";
  }
}
