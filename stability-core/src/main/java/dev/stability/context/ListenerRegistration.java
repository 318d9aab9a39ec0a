package dev.stability.context;

/**
 * A registered cancellation listener; {@link #remove()} it when the work it guards finished first.
 *
 * <p>Long-lived contexts (a connection, a background job) would otherwise keep one listener per
 * finished call.
 */
@FunctionalInterface
public interface ListenerRegistration {

  /** Removes the listener if it has not run yet; calling it again does nothing. */
  void remove();
}
