package dev.stability.guard;

import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The result of a guarded call: either its value or the {@link Incident} its exception became.
 *
 * @param <T> the value type
 */
public final class Outcome<T> {
  private final T value;
  private final Incident incident;

  private Outcome(T value, Incident incident) {
    this.value = value;
    this.incident = incident;
  }

  /**
   * Returns a successful outcome.
   *
   * @param value the value, may be {@code null}
   * @param <T> the value type
   * @return the outcome
   */
  public static <T> Outcome<T> success(T value) {
    return new Outcome<>(value, null);
  }

  /**
   * Returns a failed outcome.
   *
   * @param incident the incident the failure became
   * @param <T> the value type
   * @return the outcome
   */
  public static <T> Outcome<T> failure(Incident incident) {
    if (incident == null) {
      throw new NullPointerException("incident");
    }
    return new Outcome<>(null, incident);
  }

  /** Returns whether the call returned normally. */
  public boolean isSuccess() {
    return incident == null;
  }

  /**
   * Returns the value.
   *
   * @return the value, may be {@code null}
   * @throws NoSuchElementException when the call failed: check {@link #isSuccess()} first
   */
  public T value() {
    if (incident != null) {
      throw new NoSuchElementException("no value: the call failed with " + incident);
    }
    return value;
  }

  /** Returns the incident, or empty when the call succeeded. */
  public Optional<Incident> incident() {
    return Optional.ofNullable(incident);
  }

  @Override
  public String toString() {
    return incident == null ? "Outcome(success)" : "Outcome(" + incident + ")";
  }
}
