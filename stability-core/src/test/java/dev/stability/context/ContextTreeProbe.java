package dev.stability.context;

/**
 * Test-only view of a context's cancellation tree for other modules' tests (shipped in
 * stability-core's test-jar, never in the main jar): the hooks themselves stay package-private on
 * {@link RequestContext}.
 */
public final class ContextTreeProbe {
  private ContextTreeProbe() {}

  /**
   * Returns how many children of {@code ctx} are linked because they need cancellation pushed to
   * them.
   *
   * @param ctx the context
   * @return the linked child count
   */
  public static int linkedChildCount(RequestContext ctx) {
    return ctx.linkedChildCount();
  }

  /**
   * Returns whether {@code ctx} has a deadline timer armed.
   *
   * @param ctx the context
   * @return whether armed
   */
  public static boolean hasArmedTimer(RequestContext ctx) {
    return ctx.hasArmedTimer();
  }
}
