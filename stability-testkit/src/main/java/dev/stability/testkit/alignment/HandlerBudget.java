package dev.stability.testkit.alignment;

import java.time.Duration;
import java.util.Objects;

/**
 * The middle layer: the part of the server's request timeout a handler hands to its downstream
 * calls, the rest (the margin) being kept to write an answer (a 504, a fallback) before the
 * server's own timeout fires.
 *
 * <p>Give either the margin ({@link #margin(Duration)}, the usual {@code ctx.budget(margin)}) or
 * the absolute budget ({@link #of(Duration)}); the other follows from the server's request timeout.
 * The margin must be at least {@link #minimumMargin()} (default {@value
 * #DEFAULT_MINIMUM_MARGIN_MILLIS} ms).
 */
public final class HandlerBudget {
  /** The default smallest acceptable margin, in milliseconds. */
  public static final long DEFAULT_MINIMUM_MARGIN_MILLIS = 50;

  private final Duration margin;
  private final Duration budget;
  private final Duration minimumMargin;

  private HandlerBudget(Duration margin, Duration budget, Duration minimumMargin) {
    this.margin = margin;
    this.budget = budget;
    this.minimumMargin = minimumMargin;
  }

  /**
   * Returns a budget of the request timeout minus {@code margin}, as {@code ctx.budget(margin)}
   * gives.
   *
   * @param margin the time kept back for the handler's own answer, zero or more
   * @return the budget
   */
  public static HandlerBudget margin(Duration margin) {
    return new HandlerBudget(
        Times.nonNegative("margin", margin),
        null,
        Duration.ofMillis(DEFAULT_MINIMUM_MARGIN_MILLIS));
  }

  /**
   * Returns the budget a handler gets from {@code ServerRequestContexts.handlerBudget(ctx)} on one
   * route of {@code server}: the request timeout less the route's configured handler margin ({@code
   * RequestDeadlines.handlerMargins}, else {@code handlerMargin}). A check built from it checks the
   * margin production code uses, not a copy of it.
   *
   * @param server the server configuration the service runs with
   * @param method the route's method
   * @param path the route's path
   * @return the budget
   */
  public static HandlerBudget fromServer(
      dev.stability.netty.server.ServerConfig server,
      io.netty.handler.codec.http.HttpMethod method,
      String path) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    return margin(RouteTimeouts.marginOf(server, method, path));
  }

  /**
   * Returns an absolute budget, for handlers that set their own timeout for downstream work.
   *
   * @param budget the downstream budget, positive
   * @return the budget
   */
  public static HandlerBudget of(Duration budget) {
    return new HandlerBudget(
        null, Times.positive("budget", budget), Duration.ofMillis(DEFAULT_MINIMUM_MARGIN_MILLIS));
  }

  /**
   * Returns a copy with another smallest acceptable margin.
   *
   * @param minimum zero or more
   * @return a new budget
   */
  public HandlerBudget withMinimumMargin(Duration minimum) {
    return new HandlerBudget(margin, budget, Times.nonNegative("minimumMargin", minimum));
  }

  /**
   * Returns the downstream budget under a given server request timeout.
   *
   * @param requestTimeout the server's request timeout
   * @return the time downstream calls may take
   */
  public Duration budgetUnder(Duration requestTimeout) {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    return budget != null ? budget : requestTimeout.minus(margin);
  }

  /**
   * Returns the margin under a given server request timeout.
   *
   * @param requestTimeout the server's request timeout
   * @return the time left for the handler's own answer; negative when the budget exceeds the
   *     timeout
   */
  public Duration marginUnder(Duration requestTimeout) {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    return margin != null ? margin : requestTimeout.minus(budget);
  }

  /** Returns the margin when given as one, else {@code null}. */
  Duration marginOrNull() {
    return margin;
  }

  /** Returns the absolute budget when given as one, else {@code null}. */
  Duration budgetOrNull() {
    return budget;
  }

  /** Returns the smallest acceptable margin. */
  public Duration minimumMargin() {
    return minimumMargin;
  }

  @Override
  public String toString() {
    return margin != null
        ? "HandlerBudget(request timeout - " + Times.format(margin) + ")"
        : "HandlerBudget(" + Times.format(budget) + ")";
  }
}
