package dev.stability.context;

import java.util.Objects;

/**
 * A typed key for a value carried by a {@link RequestContext}; identity, not the name, tells keys
 * apart.
 *
 * <p>Values are for request-scoped data such as a tenant or a trace id. A value can never replace
 * the request id, the deadline or the cancellation state: those are fields of the context, not
 * entries of its value map (the anti-pattern of overwriting a cancel function through a value store
 * cannot happen). Keep keys in {@code static final} fields; do not create a key per request.
 *
 * @param <T> the type of the value
 */
public final class ContextKey<T> {
  private final String name;
  private final T defaultValue;

  private ContextKey(String name, T defaultValue) {
    this.name = name;
    this.defaultValue = defaultValue;
  }

  /**
   * Creates a key whose default value is {@code null}.
   *
   * @param name a name for debugging
   * @param <T> the type of the value
   * @return a new key
   */
  public static <T> ContextKey<T> of(String name) {
    return new ContextKey<>(Objects.requireNonNull(name, "name"), null);
  }

  /**
   * Creates a key with a default value returned when no context sets it.
   *
   * @param name a name for debugging
   * @param defaultValue the value {@link RequestContext#get(ContextKey)} returns when unset
   * @param <T> the type of the value
   * @return a new key
   */
  public static <T> ContextKey<T> withDefault(String name, T defaultValue) {
    return new ContextKey<>(Objects.requireNonNull(name, "name"), defaultValue);
  }

  /** Returns the debugging name. */
  public String name() {
    return name;
  }

  T defaultValue() {
    return defaultValue;
  }

  @Override
  public String toString() {
    return "ContextKey(" + name + ")";
  }
}
