package dev.stability.netty.server;

import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.time.Durations;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a request may take from its decoded head to its response, and what the client is
 * answered when that passes first; immutable, built by {@link #builder()}.
 *
 * <p>A request's deadline is, in order: the one its client sent (read, trusted and capped by the
 * {@link #inboundDeadlinePolicy()}), its route's ({@link #requestTimeouts()}), else {@link
 * #defaultRequestTimeout()}.
 */
public final class RequestDeadlines {
  /** Default deadline of a request that carries none, in milliseconds: {@value}. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 10_000;

  /**
   * Default handler margin, in milliseconds: {@value}. Enough for a handler to build and write an
   * error answer after its downstream call gave up; measure yours (the adaptive margin does).
   */
  public static final long DEFAULT_HANDLER_MARGIN_MILLIS = 50;

  private static final RequestDeadlines DEFAULTS = builder().build();

  private final Duration defaultRequestTimeout;
  private final RequestTimeouts requestTimeouts;
  private final InboundDeadlinePolicy inboundDeadlinePolicy;
  private final HttpResponseStatus timeoutStatus;
  private final Duration handlerMargin;
  private final HandlerMargins handlerMargins;
  private final AdaptiveHandlerMargin adaptiveHandlerMargin;

  private RequestDeadlines(Builder b) {
    this.defaultRequestTimeout = b.defaultRequestTimeout;
    this.requestTimeouts = b.requestTimeouts;
    this.inboundDeadlinePolicy = b.inboundDeadlinePolicy;
    this.timeoutStatus = b.timeoutStatus;
    this.handlerMargin = b.handlerMargin;
    this.handlerMargins = b.handlerMargins;
    this.adaptiveHandlerMargin = b.adaptiveHandlerMargin;
  }

  /**
   * Returns the defaults: 10 s, no route timeouts, client deadlines accepted up to 30 s, 504.
   *
   * @return the defaults
   */
  public static RequestDeadlines ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these settings. @return a new builder */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.defaultRequestTimeout = defaultRequestTimeout;
    b.requestTimeouts = requestTimeouts;
    b.inboundDeadlinePolicy = inboundDeadlinePolicy;
    b.timeoutStatus = timeoutStatus;
    b.handlerMargin = handlerMargin;
    b.handlerMargins = handlerMargins;
    b.adaptiveHandlerMargin = adaptiveHandlerMargin;
    return b;
  }

  /**
   * Returns the deadline given to a request that carries none and has no route timeout. @return the
   * timeout
   */
  public Duration defaultRequestTimeout() {
    return defaultRequestTimeout;
  }

  /** Returns the per-route server timeouts. @return the route timeouts */
  public RequestTimeouts requestTimeouts() {
    return requestTimeouts;
  }

  /**
   * Returns how deadlines sent by clients are read, trusted and capped. A request with an accepted
   * header gets the policy's granted timeout; one without gets the route timeout or {@link
   * #defaultRequestTimeout()} (the policy's own default is not used).
   *
   * @return the inbound policy
   */
  public InboundDeadlinePolicy inboundDeadlinePolicy() {
    return inboundDeadlinePolicy;
  }

  /**
   * Returns the status answered when a request's deadline passes before its response
   * started. @return it
   */
  public HttpResponseStatus timeoutStatus() {
    return timeoutStatus;
  }

  /**
   * The handler margin of routes that {@link #handlerMargins()} leaves to the default (default
   * {@value #DEFAULT_HANDLER_MARGIN_MILLIS} ms).
   */
  public Duration handlerMargin() {
    return handlerMargin;
  }

  /** The adaptive handler margin, or {@code null} when margins are as configured (the default). */
  public AdaptiveHandlerMargin adaptiveHandlerMargin() {
    return adaptiveHandlerMargin;
  }

  /** The per-route handler margins, consulted before {@link #handlerMargin()}. */
  public HandlerMargins handlerMargins() {
    return handlerMargins;
  }

  @Override
  public String toString() {
    return "RequestDeadlines(default="
        + defaultRequestTimeout
        + ", handlerMargin="
        + handlerMargin
        + ", timeoutStatus="
        + timeoutStatus.code()
        + ", inbound="
        + inboundDeadlinePolicy
        + ')';
  }

  /** Builds {@link RequestDeadlines}; every setter validates its argument at once. */
  public static final class Builder {
    private Duration defaultRequestTimeout = Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MILLIS);
    private RequestTimeouts requestTimeouts = RequestTimeouts.NONE;
    private InboundDeadlinePolicy inboundDeadlinePolicy = InboundDeadlinePolicy.ofDefaults();
    private HttpResponseStatus timeoutStatus = HttpResponseStatus.GATEWAY_TIMEOUT;
    private Duration handlerMargin = Duration.ofMillis(DEFAULT_HANDLER_MARGIN_MILLIS);
    private HandlerMargins handlerMargins = HandlerMargins.NONE;
    private AdaptiveHandlerMargin adaptiveHandlerMargin;

    Builder() {}

    /**
     * Lets each route's handler margin follow the measured p99 of its handlers' own tail, within
     * the setting's bounds (see {@link AdaptiveHandlerMargin}); the configured margins apply until
     * a route has enough samples, and to requests whose route is not named yet ({@link
     * ServerRequestContexts#route}).
     *
     * @param adaptive the bounds
     * @return this builder
     */
    public Builder adaptiveHandlerMargin(AdaptiveHandlerMargin adaptive) {
      this.adaptiveHandlerMargin = Objects.requireNonNull(adaptive, "adaptiveHandlerMargin");
      return this;
    }

    /**
     * Sets the handler margin of every route that {@link #handlerMargins(HandlerMargins)} leaves to
     * the default (default {@value RequestDeadlines#DEFAULT_HANDLER_MARGIN_MILLIS} ms).
     *
     * @param margin zero or more
     * @return this builder
     */
    public Builder handlerMargin(Duration margin) {
      this.handlerMargin = Durations.requireNonNegative("handlerMargin", margin);
      return this;
    }

    /**
     * Sets per-route handler margins, consulted before {@link #handlerMargin(Duration)}.
     *
     * @param margins the route margins
     * @return this builder
     */
    public Builder handlerMargins(HandlerMargins margins) {
      this.handlerMargins = Objects.requireNonNull(margins, "handlerMargins");
      return this;
    }

    /**
     * Sets the deadline of requests that carry none and match no route timeout (default {@value
     * RequestDeadlines#DEFAULT_REQUEST_TIMEOUT_MILLIS} ms).
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder defaultRequestTimeout(Duration timeout) {
      this.defaultRequestTimeout = Durations.requirePositive("defaultRequestTimeout", timeout);
      return this;
    }

    /**
     * Sets per-route server timeouts, consulted before the default.
     *
     * @param timeouts the route timeouts
     * @return this builder
     */
    public Builder requestTimeouts(RequestTimeouts timeouts) {
      this.requestTimeouts = Objects.requireNonNull(timeouts, "requestTimeouts");
      return this;
    }

    /**
     * Sets how deadlines sent by clients are read, trusted and capped; the default is {@link
     * InboundDeadlinePolicy#ofDefaults()} (accepted, capped at 30 s). A malformed header is
     * answered 400.
     *
     * @param policy the inbound policy
     * @return this builder
     */
    public Builder inboundDeadlinePolicy(InboundDeadlinePolicy policy) {
      this.inboundDeadlinePolicy = Objects.requireNonNull(policy, "inboundDeadlinePolicy");
      return this;
    }

    /**
     * Sets the status answered when the deadline passes first: 504 (default, the server gave up on
     * its own work), 503 (overload shedding) or 408 (the client was too slow).
     *
     * @param status 504, 503 or 408
     * @return this builder
     */
    public Builder timeoutStatus(HttpResponseStatus status) {
      Objects.requireNonNull(status, "timeoutStatus");
      int code = status.code();
      if (code != 504 && code != 503 && code != 408) {
        throw new IllegalArgumentException(
            "timeoutStatus: " + code + " (expected: 504, 503 or 408)");
      }
      this.timeoutStatus = status;
      return this;
    }

    /** Builds the settings. @return the immutable settings */
    public RequestDeadlines build() {
      return new RequestDeadlines(this);
    }
  }
}
