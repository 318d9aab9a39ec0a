package dev.stability.netty.eventloop;

import java.time.Duration;
import java.util.List;

/**
 * What the watchdog saw of a blocked event loop: which loop, for how long so far, in which handler
 * and the loop thread's stack at that moment.
 *
 * @param group the name the loop's group was watched under
 * @param loop the loop thread's name, or {@code "unknown"} when the loop never answered
 * @param blockedFor how long the loop has not run the watchdog's task, at detection
 * @param handler the simple name of the innermost channel handler on the stack that is not Netty's
 *     own, or {@code "unknown"}
 * @param stack the loop thread's stack, innermost frame first; empty when the thread is unknown
 */
public record BlockedLoop(
    String group, String loop, Duration blockedFor, String handler, List<StackTraceElement> stack) {

  /** Copies the stack. */
  public BlockedLoop {
    stack = List.copyOf(stack);
  }
}
