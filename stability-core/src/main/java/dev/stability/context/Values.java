package dev.stability.context;

import java.util.Arrays;

/**
 * An immutable copy-on-write list of key/value pairs; contexts carry a handful of values, so a
 * linear scan of a flat array beats a map in both time and allocation.
 */
final class Values {
  /** No values. */
  static final Values EMPTY = new Values(new Object[0]);

  private final Object[] pairs;

  private Values(Object[] pairs) {
    this.pairs = pairs;
  }

  /**
   * Returns the first {@code size} entries of {@code pairs} (key, value, ...; keys distinct) as
   * values; the array is copied, so the caller may keep using it.
   */
  static Values of(Object[] pairs, int size) {
    return size == 0 ? EMPTY : new Values(Arrays.copyOf(pairs, size));
  }

  /**
   * Returns the value of {@code key}, or {@code null}.
   *
   * @param key the key, compared by identity
   * @return the value
   */
  Object get(Object key) {
    for (int i = pairs.length - 2; i >= 0; i -= 2) {
      if (pairs[i] == key) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /**
   * Returns whether {@code key} is present, even with a {@code null} value.
   *
   * @param key the key
   * @return whether it was set
   */
  boolean contains(Object key) {
    for (int i = pairs.length - 2; i >= 0; i -= 2) {
      if (pairs[i] == key) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns a copy with {@code key} set to {@code value}, replacing an earlier value of the same
   * key.
   *
   * @param key the key
   * @param value the value, may be {@code null}
   * @return the new values
   */
  Values with(Object key, Object value) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == key) {
        Object[] copy = pairs.clone();
        copy[i + 1] = value;
        return new Values(copy);
      }
    }
    Object[] copy = Arrays.copyOf(pairs, pairs.length + 2);
    copy[pairs.length] = key;
    copy[pairs.length + 1] = value;
    return new Values(copy);
  }
}
