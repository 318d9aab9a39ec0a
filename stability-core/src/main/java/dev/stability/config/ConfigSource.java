package dev.stability.config;

import java.util.Objects;

/**
 * A named value that may be replaced at run time by a validated update; readers always see the last
 * good value.
 *
 * <p>{@link #current()} is a volatile read, cheap enough for every request: read it where the value
 * is used rather than caching it, or {@linkplain #subscribe(ConfigListener) subscribe} to rebuild
 * something derived from it. An update that fails validation never becomes current: it is rejected,
 * counted and reported to listeners.
 *
 * @param <T> the immutable value type, typically a config built by a validating builder
 */
public interface ConfigSource<T> extends AutoCloseable {

  /**
   * Returns the name used in logs, metrics ({@code source} tag) and rejection messages.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the value in force: the initial one or the last update that passed validation.
   *
   * @return the current value, never {@code null}
   */
  T current();

  /**
   * Registers {@code listener} for later updates and rejections; it is not called for the current
   * value.
   *
   * @param listener called on the thread that applied the update; must be fast and must not throw
   * @return a handle that removes the listener
   */
  Subscription subscribe(ConfigListener<? super T> listener);

  /**
   * Stops watching for updates; {@link #current()} keeps answering the last good value. Idempotent.
   */
  @Override
  void close();

  /**
   * Returns a source whose value never changes: for tests, and for callers that accept a source but
   * have a fixed value.
   *
   * @param name the name
   * @param value the value
   * @param <T> the value type
   * @return the constant source
   */
  static <T> ConfigSource<T> constant(String name, T value) {
    return ReloadableConfig.builder(name, Objects.requireNonNull(value, "value")).build();
  }

  /** A registered listener. */
  @FunctionalInterface
  interface Subscription {
    /** Removes the listener; calling it again does nothing. */
    void cancel();
  }
}
