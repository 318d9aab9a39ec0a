package dev.stability.netty.server;

import dev.stability.context.RequestContext;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.Objects;

/**
 * Reaches the {@link RequestContext} the server guard created for a request, and reports back to
 * the guard.
 *
 * <p>Inside a handler's {@code channelRead} the context is also {@link RequestContext#current()}.
 * To continue on another thread, carry it there ({@code ContextExecutors} or {@code
 * ctx.wrap(task)}); when that work fails, call {@link #fail} so that the client gets its 500 at
 * once instead of waiting for the deadline. Do not keep a reference to a context after its response
 * was written: it has ended.
 */
public final class ServerRequestContexts {
  /** The channel attribute holding the context of the request being handled on that channel. */
  public static final AttributeKey<RequestContext> ATTRIBUTE =
      AttributeKey.valueOf("dev.stability.netty.server.requestContext");

  private ServerRequestContexts() {}

  /**
   * Returns the context of the request being handled on {@code channel}, or {@code null} between
   * requests.
   *
   * @param channel a guarded server channel
   * @return the context or {@code null}
   */
  public static RequestContext get(Channel channel) {
    return Objects.requireNonNull(channel, "channel").attr(ATTRIBUTE).get();
  }

  /**
   * Reports, from any thread, that the request failed: the guard answers the failure's status
   * (problem+json, no stack trace: 504 for the request's own deadline, 502/503/504 for a client
   * failure with its {@code Retry-After}, 400 for a {@code BadRequestException}, else 500) when no
   * response started, closes the connection when one did, and logs the incident with the request
   * id.
   *
   * @param context the request's context or a descendant of it
   * @param cause the failure
   * @return {@code false} when the context does not belong to a guarded server request
   */
  public static boolean fail(RequestContext context, Throwable cause) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(cause, "cause");
    return ServerExchange.fail(context, cause);
  }

  /**
   * Names the route of the request for the {@code route} tag of {@code http.server.requests}; call
   * it once routing decided, with a template ({@code /users/{id}}), never a raw path (unbounded tag
   * values).
   *
   * @param context the request's context or a descendant of it
   * @param route the route template
   * @return {@code false} when the context does not belong to a guarded server request
   */
  public static boolean route(RequestContext context, String route) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(route, "route");
    return ServerExchange.route(context, route);
  }

  /**
   * The handler margin of the request's route ({@link RequestDeadlines#handlerMargins()}, else
   * {@link RequestDeadlines#handlerMargin()}), as the server chose it when the request arrived.
   *
   * @param context the request's context or a descendant of it
   * @return the margin
   * @throws IllegalArgumentException when the context does not belong to a guarded server request
   */
  public static Duration handlerMargin(RequestContext context) {
    return Duration.ofNanos(marginNanos(exchangeOf(context)));
  }

  /**
   * The budget for the handler's downstream work: {@code context.budget(handlerMargin(context))},
   * so that the margin every handler keeps back is the route's configured one, the value the
   * testkit's alignment checks read too.
   *
   * @param context the request's context or a descendant of it
   * @return a child whose deadline is the request's less the route's margin
   * @throws dev.stability.context.BudgetExhaustedException when less than the margin is left
   * @throws IllegalArgumentException when the context does not belong to a guarded server request
   */
  public static RequestContext handlerBudget(RequestContext context) {
    return context.budget(Duration.ofNanos(marginNanos(exchangeOf(context))));
  }

  /** The configured margin, or with an adaptive margin the route's measured one within bounds. */
  private static long marginNanos(ServerExchange ex) {
    HandlerTails tails = ex.owner.handlerTails();
    return tails == null
        ? ex.handlerMarginNanos
        : tails.marginNanos(ex.route, ex.handlerMarginNanos);
  }

  private static ServerExchange exchangeOf(RequestContext context) {
    ServerExchange ex = ServerExchange.of(Objects.requireNonNull(context, "context"));
    if (ex == null) {
      throw new IllegalArgumentException(
          "context: " + context + " (expected: the context of a guarded server request)");
    }
    return ex;
  }
}
