package dev.stability.netty.client;

import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.RequestContext;
import java.net.URI;

/**
 * One attempt of a call, as {@link AttemptListener#onAttemptStart} sees it. Immutable.
 *
 * <p>{@link #number()} counts the attempts of one call (1 first, 2 for its first retry, ...); a
 * hedge is a call of its own ({@link #hedge()}), so its first attempt is number 1 again.
 */
public final class AttemptInfo {
  private final String method;
  private final URI uri;
  private final String host;
  private final int number;
  private final boolean hedge;
  private final CircuitBreakerState breakerState;
  private final long remainingNanos;
  private final RequestContext context;

  AttemptInfo(
      String method,
      URI uri,
      String host,
      int number,
      boolean hedge,
      CircuitBreakerState breakerState,
      long remainingNanos,
      RequestContext context) {
    this.method = method;
    this.uri = uri;
    this.host = host;
    this.number = number;
    this.hedge = hedge;
    this.breakerState = breakerState;
    this.remainingNanos = remainingNanos;
    this.context = context;
  }

  /**
   * Returns the request method, e.g. {@code GET}.
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request URI.
   *
   * @return the URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Returns the host key, e.g. {@code http://orders:8080}, also the breaker's name.
   *
   * @return it
   */
  public String host() {
    return host;
  }

  /**
   * Returns the attempt's number within its call, from 1.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * Returns whether the call is a hedge of another.
   *
   * @return whether it is a hedge
   */
  public boolean hedge() {
    return hedge;
  }

  /**
   * Returns the host breaker's state at the attempt's start, or {@code null} without breakers.
   *
   * @return the state or {@code null}
   */
  public CircuitBreakerState breakerState() {
    return breakerState;
  }

  /**
   * Returns the request's remaining time at the attempt's start, {@link Long#MAX_VALUE} without a
   * deadline.
   *
   * @return nanoseconds
   */
  public long remainingNanos() {
    return remainingNanos;
  }

  /**
   * Returns the context the call runs for, or {@code null}.
   *
   * @return the context
   */
  public RequestContext context() {
    return context;
  }

  @Override
  public String toString() {
    return "AttemptInfo(" + method + ' ' + uri + " #" + number + (hedge ? " hedge" : "") + ')';
  }
}
