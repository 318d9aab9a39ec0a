package dev.stability.guard;

import java.util.Objects;

/**
 * Computes stack fingerprints: a 64-bit FNV-1a hash of the exception type and its top frames
 * (class, method and line), written as 16 hex digits.
 *
 * <p>The same failure at the same place gets the same fingerprint on every request and every run of
 * the same build, so it works as a grouping and log-deduplication key. Messages are not hashed:
 * they often carry ids.
 */
public final class StackFingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private StackFingerprint() {}

  /**
   * Returns the fingerprint of {@code t} over at most {@code frames} top frames.
   *
   * @param t the throwable
   * @param frames how many top frames to hash; 0 hashes the type only
   * @return 16 lowercase hex digits
   */
  public static String of(Throwable t, int frames) {
    Objects.requireNonNull(t, "t");
    if (frames < 0) {
      throw new IllegalArgumentException("frames: " + frames + " (expected: >= 0)");
    }
    long h = mix(OFFSET, t.getClass().getName());
    StackTraceElement[] trace = t.getStackTrace();
    int n = Math.min(frames, trace.length);
    for (int i = 0; i < n; i++) {
      StackTraceElement e = trace[i];
      h = mix(h, e.getClassName());
      h = mix(h, e.getMethodName());
      h = (h ^ e.getLineNumber()) * PRIME;
    }
    String hex = Long.toHexString(h);
    return "0000000000000000".substring(hex.length()) + hex;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * PRIME;
    }
    return (h ^ 0xff) * PRIME; // separator, so ("ab","c") and ("a","bc") differ
  }
}
