package dev.stability.context.wire;

import dev.stability.context.RequestContext;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes the remaining time of a request into outbound headers: call it at every egress, for every
 * attempt, so each hop sees what is really left (1000 ms at the edge, 880 ms one hop down), never a
 * stale value.
 *
 * <p>Do not copy inbound timeout headers to outbound requests: they are stale by the time the
 * request leaves.
 */
public final class DeadlineHeaders {
  /** stability's own header only: the default for outbound calls. */
  public static final Set<DeadlineHeader> OWN = EnumSet.of(DeadlineHeader.REQUEST_TIMEOUT);

  private DeadlineHeaders() {}

  /**
   * Writes the context's remaining time into each header in {@code which}; writes nothing without a
   * deadline.
   *
   * @param ctx the context, may be {@code null}
   * @param which the headers to write
   * @param setter sets a header on the outbound request, replacing any earlier value
   * @return the remaining nanoseconds written, or {@code -1} when nothing was written
   */
  public static long write(
      RequestContext ctx, Set<DeadlineHeader> which, BiConsumer<String, String> setter) {
    if (ctx == null || !ctx.hasDeadline()) {
      return -1;
    }
    long remaining = ctx.remainingNanos();
    writeRemaining(remaining, which, setter);
    return remaining;
  }

  /**
   * Writes {@code remainingNanos} into each header in {@code which}.
   *
   * @param remainingNanos the time left; zero or negative is written as the smallest positive value
   * @param which the headers to write
   * @param setter sets a header on the outbound request
   */
  public static void writeRemaining(
      long remainingNanos, Set<DeadlineHeader> which, BiConsumer<String, String> setter) {
    Objects.requireNonNull(which, "which");
    Objects.requireNonNull(setter, "setter");
    for (DeadlineHeader header : which) {
      setter.accept(header.headerName(), header.encode(remainingNanos));
    }
  }
}
