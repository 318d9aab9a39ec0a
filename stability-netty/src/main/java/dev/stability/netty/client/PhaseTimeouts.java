package dev.stability.netty.client;

import static dev.stability.time.Durations.requirePositive;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The configured time limit of every {@link CallPhase}; immutable, built by {@link #builder()}.
 *
 * <p>Each limit is an upper bound: at run time a phase gets {@code min(limit, remaining deadline -
 * margin)}, so a short request deadline always wins over a generous limit. Defaults follow the
 * common client settings: DNS 2 s, acquire 1 s, connect 2 s, TLS 5 s, write 10 s, response headers
 * 10 s, body 30 s total with 10 s between reads. Do not raise a limit to make a slow downstream
 * "work": give the request a deadline instead.
 */
public final class PhaseTimeouts {
  private static final PhaseTimeouts DEFAULTS = builder().build();

  private final Map<CallPhase, Duration> limits;
  private final Duration bodyGap;

  private PhaseTimeouts(Builder b) {
    this.limits = new EnumMap<>(b.limits);
    this.bodyGap = b.bodyGap;
  }

  /** Returns the default limits. */
  public static PhaseTimeouts ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these limits. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.limits.putAll(limits);
    b.bodyGap = bodyGap;
    return b;
  }

  /**
   * Returns the configured limit of {@code phase}; for {@link CallPhase#BODY} the total body time.
   *
   * @param phase the phase
   * @return its limit
   */
  public Duration limit(CallPhase phase) {
    return limits.get(Objects.requireNonNull(phase, "phase"));
  }

  /** Returns the DNS resolution limit; an upper bound, the deadline may cut it shorter. */
  public Duration dns() {
    return limits.get(CallPhase.DNS);
  }

  /** Returns the pool acquire limit. */
  public Duration acquire() {
    return limits.get(CallPhase.ACQUIRE);
  }

  /** Returns the TCP connect limit. */
  public Duration connect() {
    return limits.get(CallPhase.CONNECT);
  }

  /** Returns the TLS handshake limit. */
  public Duration tls() {
    return limits.get(CallPhase.TLS);
  }

  /** Returns the request write limit. */
  public Duration write() {
    return limits.get(CallPhase.WRITE);
  }

  /** Returns the time-to-first-byte limit: until the response headers arrived. */
  public Duration responseHeaders() {
    return limits.get(CallPhase.RESPONSE_HEADERS);
  }

  /** Returns the limit on the whole body read. */
  public Duration bodyTotal() {
    return limits.get(CallPhase.BODY);
  }

  /** Returns the longest allowed gap between two body reads. */
  public Duration bodyGap() {
    return bodyGap;
  }

  @Override
  public String toString() {
    return "PhaseTimeouts" + limits + "+bodyGap=" + bodyGap;
  }

  /** Builds {@link PhaseTimeouts}; every setter rejects zero or negative durations at once. */
  public static final class Builder {
    private final Map<CallPhase, Duration> limits = new EnumMap<>(CallPhase.class);
    private Duration bodyGap = Duration.ofSeconds(10);

    Builder() {
      limits.put(CallPhase.DNS, Duration.ofSeconds(2));
      limits.put(CallPhase.ACQUIRE, Duration.ofSeconds(1));
      limits.put(CallPhase.CONNECT, Duration.ofSeconds(2));
      limits.put(CallPhase.TLS, Duration.ofSeconds(5));
      limits.put(CallPhase.WRITE, Duration.ofSeconds(10));
      limits.put(CallPhase.RESPONSE_HEADERS, Duration.ofSeconds(10));
      limits.put(CallPhase.BODY, Duration.ofSeconds(30));
    }

    /**
     * Sets the limit of {@code phase} ({@link CallPhase#BODY}: the total body time).
     *
     * @param phase the phase
     * @param limit a positive duration
     * @return this builder
     */
    public Builder limit(CallPhase phase, Duration limit) {
      Objects.requireNonNull(phase, "phase");
      limits.put(phase, requirePositive(phase.name().toLowerCase(java.util.Locale.ROOT), limit));
      return this;
    }

    /** Sets the DNS resolution limit: positive; default 2 s. */
    public Builder dns(Duration limit) {
      return limit(CallPhase.DNS, limit);
    }

    /** Sets the pool acquire limit: positive; default 1 s. */
    public Builder acquire(Duration limit) {
      return limit(CallPhase.ACQUIRE, limit);
    }

    /** Sets the TCP connect limit: positive; default 2 s. */
    public Builder connect(Duration limit) {
      return limit(CallPhase.CONNECT, limit);
    }

    /** Sets the TLS handshake limit: positive; default 5 s. */
    public Builder tls(Duration limit) {
      return limit(CallPhase.TLS, limit);
    }

    /** Sets the request write limit: positive; default 10 s. */
    public Builder write(Duration limit) {
      return limit(CallPhase.WRITE, limit);
    }

    /** Sets the limit until the response headers arrived: positive; default 10 s. */
    public Builder responseHeaders(Duration limit) {
      return limit(CallPhase.RESPONSE_HEADERS, limit);
    }

    /** Sets the limit on the whole body read: positive; default 30 s. */
    public Builder bodyTotal(Duration limit) {
      return limit(CallPhase.BODY, limit);
    }

    /** Sets the longest gap between two body reads: positive; default 10 s. */
    public Builder bodyGap(Duration limit) {
      this.bodyGap = requirePositive("bodyGap", limit);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the immutable limits
     * @throws IllegalArgumentException when the body gap exceeds the total body limit
     */
    public PhaseTimeouts build() {
      if (bodyGap.compareTo(limits.get(CallPhase.BODY)) > 0) {
        throw new IllegalArgumentException(
            "bodyGap: " + bodyGap + " (expected: <= bodyTotal " + limits.get(CallPhase.BODY) + ")");
      }
      return new PhaseTimeouts(this);
    }
  }
}
