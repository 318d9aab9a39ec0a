package dev.stability.jdbc;

import java.util.Locale;

/** The step of a database call that a {@link DatabaseDeadlineException} stopped. */
public enum JdbcPhase {
  /** Getting a connection from the pool (or opening one). */
  ACQUIRE,
  /** Running a statement on a connection. */
  EXECUTE;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** Returns the lowercase name used in messages and metric tags, e.g. {@code acquire}. */
  public String label() {
    return label;
  }
}
