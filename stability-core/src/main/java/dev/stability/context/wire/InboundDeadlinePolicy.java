package dev.stability.context.wire;

import dev.stability.time.Durations;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides the timeout of an inbound request from its timeout headers and the server's limits.
 *
 * <p>Under {@link TrustPolicy#ACCEPT_CAPPED} the earliest value of the accepted headers wins (the
 * most conservative caller), repeated lines and comma-separated members included, clamped to {@code
 * [minTimeout, maxTimeout]}; without any header, or under {@code IGNORE}/{@code STRIP}, the default
 * timeout applies. A malformed value anywhere, even behind a valid one, is rejected with {@link
 * InvalidTimeoutHeaderException} (servers answer 400) unless {@link
 * Builder#ignoreMalformed(boolean)} is set. Build one per server and share it.
 */
public final class InboundDeadlinePolicy {
  private final TrustPolicy trust;
  private final long maxNanos;
  private final long minNanos;
  private final long defaultNanos;
  private final Set<DeadlineHeader> headers;
  private final DeadlineHeader[] order; // the headers as an array: no iterator per request
  private final InboundDeadline noHeader; // the answer when no header gave a deadline
  private final boolean ignoreMalformed;

  private InboundDeadlinePolicy(Builder b) {
    this.trust = b.trust;
    this.maxNanos = Durations.saturatedNanos(b.maxTimeout);
    this.minNanos = Durations.saturatedNanos(b.minTimeout);
    this.defaultNanos = b.defaultTimeout == null ? -1 : Durations.saturatedNanos(b.defaultTimeout);
    this.headers = EnumSet.copyOf(b.headers);
    this.order = headers.toArray(new DeadlineHeader[0]);
    this.ignoreMalformed = b.ignoreMalformed;
    this.noHeader =
        defaultNanos < 0
            ? InboundDeadline.none()
            : new InboundDeadline(defaultNanos, null, -1, false, false);
  }

  /**
   * Returns a builder with the defaults: accept capped at 30 s, floor 1 ms, default 10 s, every
   * header.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default policy.
   *
   * @return the policy built from {@link #builder()} unchanged
   */
  public static InboundDeadlinePolicy ofDefaults() {
    return builder().build();
  }

  /**
   * Resolves the timeout of one request from the first value of each header; for adapters that can
   * only look up one value. Prefer {@link #resolveAll(Function)}: a repeated header can hide a
   * second value here.
   *
   * @param headerLookup returns the first value of a header by lower-case name, or {@code null}
   * @return the decision
   * @throws InvalidTimeoutHeaderException when a header is malformed and malformed headers are
   *     rejected
   */
  public InboundDeadline resolve(Function<String, String> headerLookup) {
    Objects.requireNonNull(headerLookup, "headerLookup");
    return resolveAll(
        name -> {
          String value = headerLookup.apply(name);
          return value == null ? List.of() : List.of(value);
        });
  }

  /**
   * Resolves the timeout of one request from every value of every accepted header.
   *
   * <p>Each field line counts, and so does each comma-separated member of one line (an intermediary
   * may fold repeated lines into one, RFC 9110 §5.3): the same request gets the same answer however
   * it was serialized. The earliest valid value wins. One malformed value anywhere rejects the
   * request (unless {@link Builder#ignoreMalformed(boolean)}, which skips it), whatever its
   * position: a parser that honoured only the first or the last value would disagree with a proxy
   * that reads the other one.
   *
   * @param headerValues returns all values of a header by lower-case name, one per field line, in
   *     order; an empty list or {@code null} when absent
   * @return the decision
   * @throws InvalidTimeoutHeaderException when a value is malformed and malformed values are
   *     rejected
   */
  public InboundDeadline resolveAll(Function<String, ? extends List<String>> headerValues) {
    Objects.requireNonNull(headerValues, "headerValues");
    if (trust == TrustPolicy.ACCEPT_CAPPED) {
      long requested = -1;
      DeadlineHeader source = null;
      for (DeadlineHeader header : order) {
        List<String> values = headerValues.apply(header.headerName());
        if (values == null) {
          continue;
        }
        for (int i = 0; i < values.size(); i++) {
          long nanos = earliest(header, values.get(i));
          if (nanos >= 0 && (requested < 0 || nanos < requested)) {
            requested = nanos;
            source = header;
          }
        }
      }
      if (requested >= 0) {
        long granted = Math.max(minNanos, Math.min(maxNanos, requested));
        return new InboundDeadline(
            granted, source, requested, requested > maxNanos, requested < minNanos);
      }
    }
    return noHeader;
  }

  /**
   * The earliest valid member of one field line, or -1 for none (Envoy's 0, or malformed and
   * ignored).
   */
  private long earliest(DeadlineHeader header, String line) {
    if (line == null) {
      return parseOrSkip(header, null);
    }
    long best = -1;
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      long nanos = parseOrSkip(header, line.substring(start, comma < 0 ? line.length() : comma));
      if (nanos >= 0 && (best < 0 || nanos < best)) {
        best = nanos;
      }
      if (comma < 0) {
        return best;
      }
      start = comma + 1;
    }
  }

  private long parseOrSkip(DeadlineHeader header, String value) {
    try {
      return header.parse(value);
    } catch (InvalidTimeoutHeaderException e) {
      if (ignoreMalformed) {
        return -1;
      }
      throw e;
    }
  }

  /** Returns the trust policy. */
  public TrustPolicy trust() {
    return trust;
  }

  /** Returns the largest timeout a caller can get. */
  public Duration maxTimeout() {
    return Duration.ofNanos(maxNanos);
  }

  /** Returns the smallest timeout a caller gets. */
  public Duration minTimeout() {
    return Duration.ofNanos(minNanos);
  }

  /** Returns the timeout used when the caller sends none, or {@code null} for none. */
  public Duration defaultTimeout() {
    return defaultNanos < 0 ? null : Duration.ofNanos(defaultNanos);
  }

  /** Returns the headers read, as an unmodifiable set. */
  public Set<DeadlineHeader> headers() {
    return java.util.Collections.unmodifiableSet(headers);
  }

  /**
   * Returns whether the adapter must remove the timeout headers from the request: {@code true} for
   * STRIP.
   */
  public boolean stripsHeaders() {
    return trust == TrustPolicy.STRIP;
  }

  /** Returns a builder initialised with this policy. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .trust(trust)
            .maxTimeout(Duration.ofNanos(maxNanos))
            .minTimeout(Duration.ofNanos(minNanos))
            .headers(headers)
            .ignoreMalformed(ignoreMalformed);
    b.defaultTimeout = defaultTimeout();
    return b;
  }

  @Override
  public String toString() {
    return "InboundDeadlinePolicy("
        + trust
        + ", min="
        + Durations.format(minNanos)
        + ", max="
        + Durations.format(maxNanos)
        + ", default="
        + (defaultNanos < 0 ? "none" : Durations.format(defaultNanos))
        + ", headers="
        + headers
        + ")";
  }

  /** Builds an {@link InboundDeadlinePolicy}; every setter validates at once. */
  public static final class Builder {
    private TrustPolicy trust = TrustPolicy.ACCEPT_CAPPED;
    private Duration maxTimeout = Duration.ofSeconds(30);
    private Duration minTimeout = Duration.ofMillis(1);
    private Duration defaultTimeout = Duration.ofSeconds(10);
    private Set<DeadlineHeader> headers = EnumSet.allOf(DeadlineHeader.class);
    private boolean ignoreMalformed;

    Builder() {}

    /**
     * Sets how far callers are trusted.
     *
     * @param trust the policy
     * @return this builder
     */
    public Builder trust(TrustPolicy trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /**
     * Sets the cap on what a caller can ask for.
     *
     * @param maxTimeout the cap, &gt; 0
     * @return this builder
     */
    public Builder maxTimeout(Duration maxTimeout) {
      this.maxTimeout = Durations.requirePositive("maxTimeout", maxTimeout);
      return this;
    }

    /**
     * Sets the floor: a caller asking for less gets this much, so the answer can at least be
     * written.
     *
     * @param minTimeout the floor, &ge; 0
     * @return this builder
     */
    public Builder minTimeout(Duration minTimeout) {
      this.minTimeout = Durations.requireNonNegative("minTimeout", minTimeout);
      return this;
    }

    /**
     * Sets the timeout of requests that send none.
     *
     * @param defaultTimeout the default, &gt; 0
     * @return this builder
     */
    public Builder defaultTimeout(Duration defaultTimeout) {
      this.defaultTimeout = Durations.requirePositive("defaultTimeout", defaultTimeout);
      return this;
    }

    /**
     * Lets requests without a timeout header run without a deadline; strict mode will then reject
     * their work.
     *
     * @return this builder
     */
    public Builder noDefaultTimeout() {
      this.defaultTimeout = null;
      return this;
    }

    /**
     * Sets which headers are read.
     *
     * @param headers a non-empty set
     * @return this builder
     */
    public Builder headers(Set<DeadlineHeader> headers) {
      Objects.requireNonNull(headers, "headers");
      if (headers.isEmpty()) {
        throw new IllegalArgumentException(
            "headers: [] (expected: at least one header; use trust(IGNORE) "
                + "to ignore them all)");
      }
      this.headers = EnumSet.copyOf(headers);
      return this;
    }

    /**
     * Sets whether a malformed header is skipped instead of rejected.
     *
     * @param ignoreMalformed {@code true} to skip malformed headers
     * @return this builder
     */
    public Builder ignoreMalformed(boolean ignoreMalformed) {
      this.ignoreMalformed = ignoreMalformed;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException when minTimeout &gt; maxTimeout or the default exceeds the
     *     cap
     */
    public InboundDeadlinePolicy build() {
      if (minTimeout.compareTo(maxTimeout) > 0) {
        throw new IllegalArgumentException(
            "minTimeout: " + minTimeout + " (expected: <= maxTimeout " + maxTimeout + ")");
      }
      if (defaultTimeout != null && defaultTimeout.compareTo(maxTimeout) > 0) {
        throw new IllegalArgumentException(
            "defaultTimeout: " + defaultTimeout + " (expected: <= maxTimeout " + maxTimeout + ")");
      }
      return new InboundDeadlinePolicy(this);
    }
  }
}
