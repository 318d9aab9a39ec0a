package dev.stability.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Seeded random test cases for property-style tests in plain JUnit: the seed is printed on failure,
 * so any failing case can be replayed with {@code -Dstability.seed=N}.
 */
public final class RandomCases {
  private static final String ALPHABET =
      "0123456789 +-._,;:/\\\"'\t\r\n\u0000\u00a0HMSmunxyz\u0665\uff15\ud83d\ude00";

  private RandomCases() {}

  /**
   * Runs {@code check} on {@code tries} random cases made by {@code generator}; the failure names
   * seed and case.
   *
   * @param tries how many cases
   * @param generator makes one case from the random source
   * @param check asserts the property of one case
   * @param <T> the case type
   */
  public static <T> void forAll(int tries, Function<Random, T> generator, Consumer<T> check) {
    long seed = Long.getLong("stability.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int i = 0; i < tries; i++) {
      T value = generator.apply(random);
      try {
        check.accept(value);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "property failed for case #"
                + i
                + " "
                + describe(value)
                + " (replay with -Dstability.seed="
                + seed
                + ")",
            e);
      }
    }
  }

  /**
   * Returns a random string of up to {@code maxLength} characters, biased towards digits, units,
   * signs, blanks and odd code points, and sometimes an arbitrary one.
   *
   * @param random the source
   * @param maxLength the longest string
   * @return the string
   */
  public static String string(Random random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(
          random.nextInt(8) == 0
              ? (char) random.nextInt(0x3000)
              : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /**
   * Returns a random long in {@code [min, max]}, biased towards both ends.
   *
   * @param random the source
   * @param min the smallest value
   * @param max the largest value
   * @return the value
   */
  public static long longBetween(Random random, long min, long max) {
    switch (random.nextInt(10)) {
      case 0:
        return min;
      case 1:
        return max;
      default:
        double fraction =
            Math.pow(random.nextDouble(), 3); // more small values, as real timeouts are
        return min + (long) ((max - min) * fraction);
    }
  }

  /**
   * Returns a list of up to {@code maxSize} elements.
   *
   * @param random the source
   * @param maxSize the largest size
   * @param element makes one element
   * @param <T> the element type
   * @return the list
   */
  public static <T> List<T> list(Random random, int maxSize, Function<Random, T> element) {
    int size = random.nextInt(maxSize + 1);
    List<T> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(element.apply(random));
    }
    return list;
  }

  private static String describe(Object value) {
    String s = String.valueOf(value);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
