package dev.stability.context;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread-local slot behind {@code RequestContext.current()} and the MDC entry that mirrors its
 * request id.
 *
 * <p>Generic over the context type: it keeps no knowledge of {@link RequestContext} beyond storing
 * it.
 */
final class ContextStorage {
  /** The MDC key under which the attached request id is visible to log patterns. */
  static final String MDC_KEY = "requestId";

  private static final Logger log = LoggerFactory.getLogger(ContextStorage.class);
  private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();
  private static final AtomicBoolean MISMATCH_LOGGED = new AtomicBoolean();

  private ContextStorage() {}

  /**
   * Returns the attached context of this thread.
   *
   * @return the context, or {@code null}
   */
  static Object current() {
    return CURRENT.get();
  }

  /**
   * Attaches {@code context} and returns the scope that restores the previous state.
   *
   * @param context the context to attach
   * @param requestId its request id, mirrored into the MDC
   * @return the scope
   */
  static AttachedScope attach(Object context, String requestId) {
    Object previous = CURRENT.get();
    return new AttachedScope(context, previous, enter(context, requestId));
  }

  /**
   * Makes {@code context} current and its id the MDC's; returns the MDC's previous id. The caller
   * read {@link #current()} before and hands both back to {@link #exit}.
   *
   * @param context the context to attach
   * @param requestId its request id
   * @return the MDC's previous request id, or {@code null}
   */
  static String enter(Object context, String requestId) {
    CURRENT.set(context);
    String previousId = MDC.get(MDC_KEY);
    if (!requestId.equals(previousId)) {
      MDC.put(MDC_KEY, requestId);
    }
    return previousId;
  }

  static void detach(AttachedScope scope) {
    exit(scope.context, scope.previous, scope.previousId);
  }

  /**
   * Restores what {@link #enter} replaced: {@code previous} as the current context and {@code
   * previousId} in the MDC; reports (once) a {@code context} that is no longer the current one.
   */
  static void exit(Object context, Object previous, String previousId) {
    Object actual = CURRENT.get();
    if (actual != context && MISMATCH_LOGGED.compareAndSet(false, true)) {
      log.error(
          "RequestContext scopes closed out of order: closing a scope of {} while {} is attached; "
              + "restoring the previous context. Use try-with-resources around attach(). "
              + "(logged once per JVM)",
          context,
          actual,
          new IllegalStateException("mismatched detach"));
    }
    // set(null), not remove(): remove() followed by the next set() allocates a new map entry per
    // request
    CURRENT.set(previous);
    if (previousId == null) {
      MDC.remove(MDC_KEY);
    } else if (!previousId.equals(MDC.get(MDC_KEY))) {
      MDC.put(MDC_KEY, previousId);
    }
  }

  /** Returns whether a mismatched detach was ever reported; for tests. @return the flag */
  static boolean mismatchReported() {
    return MISMATCH_LOGGED.get();
  }

  /** A scope as returned by {@link #attach}; closes once. */
  static final class AttachedScope implements Scope {
    private final Object context;
    private final Object previous;
    private final String previousId;
    private boolean closed;

    AttachedScope(Object context, Object previous, String previousId) {
      this.context = context;
      this.previous = previous;
      this.previousId = previousId;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        detach(this);
      }
    }
  }
}
