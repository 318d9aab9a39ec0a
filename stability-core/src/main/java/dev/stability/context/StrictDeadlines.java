package dev.stability.context;

/**
 * The strict-mode policy: refuse to start work under a context that has no deadline.
 *
 * <p>Off by default. Turn it on for the whole process with {@link #enableGlobally(boolean)}
 * (typically in tests and staging, to find call sites that forgot a deadline), or at one call site
 * with {@link #require}. Library components (context executors, the HTTP client) call {@link
 * #check} before starting work.
 */
public final class StrictDeadlines {
  private static volatile boolean global;

  private StrictDeadlines() {}

  /**
   * Turns strict mode on or off for every call to {@link #check}.
   *
   * @param enabled whether work without a deadline is rejected
   */
  public static void enableGlobally(boolean enabled) {
    global = enabled;
  }

  /** Returns whether strict mode is on globally (the JVM-wide setting, not a per-context one). */
  public static boolean isEnabledGlobally() {
    return global;
  }

  /**
   * Rejects {@code operation} when strict mode is on globally and {@code ctx} is {@code null} or
   * has no deadline.
   *
   * @param ctx the context the work would run under, or {@code null}
   * @param operation what is about to start, named in the exception
   * @throws MissingDeadlineException when strict mode rejects the work
   */
  public static void check(RequestContext ctx, String operation) {
    if (global) {
      require(ctx, operation);
    }
  }

  /**
   * Rejects {@code operation} when {@code ctx} is {@code null} or has no deadline, whatever the
   * global setting.
   *
   * @param ctx the context the work would run under, or {@code null}
   * @param operation what is about to start, named in the exception
   * @throws MissingDeadlineException when the context has no deadline
   */
  public static void require(RequestContext ctx, String operation) {
    if (ctx == null || !ctx.hasDeadline()) {
      throw new MissingDeadlineException(ctx == null ? "<none>" : ctx.requestId(), operation);
    }
  }
}
