package dev.stability.context;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable record of why and where a {@link RequestContext} ended.
 *
 * <p>Causes without a message or throwable are shared constants, so cancelling allocates nothing. A
 * cause reaching a descendant is {@linkplain #isInherited() inherited}: a handler's own 900 ms
 * budget running out reads {@code DEADLINE_EXCEEDED}, while the caller's 1 s deadline running out
 * reads inherited {@code DEADLINE_EXCEEDED}.
 */
public final class CancellationCause {
  private static final Map<CancelReason, CancellationCause> LOCAL =
      new EnumMap<>(CancelReason.class);
  private static final Map<CancelReason, CancellationCause> INHERITED =
      new EnumMap<>(CancelReason.class);

  static {
    for (CancelReason reason : CancelReason.values()) {
      LOCAL.put(reason, new CancellationCause(reason, false, null, null));
      INHERITED.put(reason, new CancellationCause(reason, true, null, null));
    }
  }

  private final CancelReason reason;
  private final boolean inherited;
  private final String message;
  private final Throwable throwable;

  private CancellationCause(
      CancelReason reason, boolean inherited, String message, Throwable throwable) {
    this.reason = reason;
    this.inherited = inherited;
    this.message = message;
    this.throwable = throwable;
  }

  /**
   * Returns the shared local cause for {@code reason}.
   *
   * @param reason why the context ended
   * @return a shared instance
   */
  public static CancellationCause of(CancelReason reason) {
    return LOCAL.get(Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Returns a local cause with a message and an optional underlying throwable.
   *
   * @param reason why the context ended
   * @param message a short explanation for logs; never sent to remote clients
   * @param throwable the failure behind it, or {@code null}
   * @return a new cause
   */
  public static CancellationCause of(CancelReason reason, String message, Throwable throwable) {
    return new CancellationCause(
        Objects.requireNonNull(reason, "reason"), false, message, throwable);
  }

  /**
   * Returns this cause as a descendant sees it.
   *
   * @return the inherited form, {@code this} when already inherited
   */
  public CancellationCause inherited() {
    if (inherited) {
      return this;
    }
    return message == null && throwable == null
        ? INHERITED.get(reason)
        : new CancellationCause(reason, true, message, throwable);
  }

  /** Returns why the context ended. */
  public CancelReason reason() {
    return reason;
  }

  /** Returns {@code true} when the cause was inherited from an ancestor context. */
  public boolean isInherited() {
    return inherited;
  }

  /** Returns the explanation, or {@code null}. */
  public String message() {
    return message;
  }

  /** Returns the underlying failure, or {@code null}. */
  public Throwable throwable() {
    return throwable;
  }

  /**
   * Returns whether the deadline ran out, locally or in an ancestor.
   *
   * @return {@code true} for {@link CancelReason#DEADLINE_EXCEEDED}
   */
  public boolean isDeadlineExceeded() {
    return reason == CancelReason.DEADLINE_EXCEEDED;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(reason.name());
    if (inherited) {
      sb.append(" (inherited)");
    }
    if (message != null) {
      sb.append(": ").append(message);
    }
    if (throwable != null) {
      sb.append(" [").append(throwable.getClass().getSimpleName()).append(']');
    }
    return sb.toString();
  }
}
