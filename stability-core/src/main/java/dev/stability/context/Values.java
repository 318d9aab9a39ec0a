package dev.stability.context;

import java.util.Arrays;

/**
 * Key/value pairs as a flat array that is never modified once a context holds it ({@code key,
 * value, key, value, ...}; keys distinct, compared by identity; trailing {@code null} keys are
 * unused room): contexts carry a handful of values, so a linear scan of a flat array beats a map in
 * both time and allocation, and the context holds the array itself rather than an object around it.
 */
final class Values {
  /** No values. */
  static final Object[] EMPTY = new Object[0];

  private Values() {}

  /**
   * Returns the value of {@code key} in {@code pairs}, or {@code null}.
   *
   * @param pairs the pairs
   * @param key the key, compared by identity, never {@code null}
   * @return the value
   */
  static Object get(Object[] pairs, Object key) {
    for (int i = pairs.length - 2; i >= 0; i -= 2) {
      if (pairs[i] == key) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /**
   * Returns whether {@code key} is present in {@code pairs}, even with a {@code null} value.
   *
   * @param pairs the pairs
   * @param key the key, never {@code null}
   * @return whether it was set
   */
  static boolean contains(Object[] pairs, Object key) {
    for (int i = pairs.length - 2; i >= 0; i -= 2) {
      if (pairs[i] == key) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns a copy of {@code pairs} with {@code key} set to {@code value}, replacing an earlier
   * value of the same key; {@code pairs} is left as it was.
   *
   * @param pairs the pairs
   * @param key the key
   * @param value the value, may be {@code null}
   * @return the new pairs
   */
  static Object[] with(Object[] pairs, Object key, Object value) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == key) {
        Object[] copy = pairs.clone();
        copy[i + 1] = value;
        return copy;
      }
    }
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == null) { // unused room a builder left
        Object[] copy = pairs.clone();
        copy[i] = key;
        copy[i + 1] = value;
        return copy;
      }
    }
    Object[] copy = Arrays.copyOf(pairs, pairs.length + 2);
    copy[pairs.length] = key;
    copy[pairs.length + 1] = value;
    return copy;
  }
}
