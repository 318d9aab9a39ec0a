package dev.stability.context;

import java.util.Arrays;
import java.util.Objects;

/**
 * The registered {@link ContextCarrier}s, and what they captured for one task.
 *
 * <p>Without a registered carrier, {@link #capture()} is one volatile read that returns the shared
 * {@link Captured#NONE}, whose {@link Captured#restore()} does nothing: {@link ContextExecutors}
 * costs what it cost before. Registration is meant for start-up (it copies the array, once per
 * carrier); registering the same carrier twice keeps one.
 */
public final class ContextCarriers {
  private static final ContextCarrier[] NO_CARRIERS = new ContextCarrier[0];
  private static final Scope NOTHING = () -> {};

  private static volatile ContextCarrier[] carriers = NO_CARRIERS;

  private ContextCarriers() {}

  /**
   * Adds {@code carrier}: tasks wrapped from now on carry what it captures.
   *
   * @param carrier the carrier; a second registration of the same instance is ignored
   */
  public static synchronized void register(ContextCarrier carrier) {
    Objects.requireNonNull(carrier, "carrier");
    ContextCarrier[] current = carriers;
    for (ContextCarrier c : current) {
      if (c == carrier) {
        return;
      }
    }
    ContextCarrier[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = carrier;
    carriers = next;
  }

  /**
   * Removes {@code carrier}; tasks wrapped before still restore what it captured.
   *
   * @param carrier the carrier
   * @return whether it was registered
   */
  public static synchronized boolean unregister(ContextCarrier carrier) {
    ContextCarrier[] current = carriers;
    for (int i = 0; i < current.length; i++) {
      if (current[i] == carrier) {
        ContextCarrier[] next = new ContextCarrier[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        carriers = next.length == 0 ? NO_CARRIERS : next;
        return true;
      }
    }
    return false;
  }

  /**
   * Captures what every registered carrier holds on this thread.
   *
   * @return the captured state; {@link Captured#NONE} when no carrier is registered or none had
   *     anything to carry
   */
  public static Captured capture() {
    ContextCarrier[] current = carriers;
    if (current.length == 0) {
      return Captured.NONE;
    }
    Object[] values = null;
    for (int i = 0; i < current.length; i++) {
      Object v;
      try {
        v = current[i].capture();
      } catch (RuntimeException e) {
        v = null; // the contract says never throw: a broken carrier carries nothing
      }
      if (v != null) {
        if (values == null) {
          values = new Object[current.length];
        }
        values[i] = v;
      }
    }
    return values == null ? Captured.NONE : new Captured(current, values);
  }

  /** What the carriers captured on one thread, to be restored on another. Immutable. */
  public static final class Captured {
    /** Nothing captured: {@link #restore()} does nothing. */
    public static final Captured NONE = new Captured(NO_CARRIERS, new Object[0]);

    private final ContextCarrier[] carriers;
    private final Object[] values;

    private Captured(ContextCarrier[] carriers, Object[] values) {
      this.carriers = carriers;
      this.values = values;
    }

    /**
     * Restores everything captured on this thread, in registration order.
     *
     * @return the scope that undoes it, in reverse order; close it on this thread
     */
    public Scope restore() {
      if (this == NONE) {
        return NOTHING;
      }
      Scope[] scopes = new Scope[values.length];
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          try {
            scopes[i] = carriers[i].restore(values[i]);
          } catch (RuntimeException e) {
            scopes[i] = null; // skipped, as in capture
          }
        }
      }
      return () -> {
        for (int i = scopes.length - 1; i >= 0; i--) {
          if (scopes[i] != null) {
            try {
              scopes[i].close();
            } catch (RuntimeException e) {
              // a carrier's scope must not stop the others from being restored
            }
          }
        }
      };
    }
  }
}
