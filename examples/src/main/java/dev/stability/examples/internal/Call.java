package dev.stability.examples.internal;

import dev.stability.chain.Stage;
import dev.stability.chain.TrackedRequest;
import dev.stability.context.RequestContext;
import dev.stability.guard.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One routed request and the way to answer it, from the event loop or any other thread.
 *
 * <p>Every answer is reported to the service's chain tracker first, then written through the server
 * guard, so a second answer is both reported by the chain and dropped on the wire by the guard.
 */
public final class Call {
  private final HttpService service;
  private final ChannelHandlerContext ctx;
  private final RequestContext context;
  private final TrackedRequest exchange;
  private final Stage stage;
  private final String path;
  private final Map<String, List<String>> query;
  private final HttpHeaders headers;

  Call(
      HttpService service,
      ChannelHandlerContext ctx,
      RequestContext context,
      TrackedRequest exchange,
      Stage stage,
      String path,
      Map<String, List<String>> query,
      HttpHeaders headers) {
    this.service = service;
    this.ctx = ctx;
    this.context = context;
    this.exchange = exchange;
    this.stage = stage;
    this.path = path;
    this.query = query;
    this.headers = headers;
  }

  /** Returns the service handling the call. */
  public HttpService service() {
    return service;
  }

  /** Returns the request's context, created by the server guard with the request's deadline. */
  public RequestContext context() {
    return context;
  }

  /** Returns the path without the query. */
  public String path() {
    return path;
  }

  /** Returns the request headers. */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * Returns a query parameter that may be given at most once.
   *
   * @param name the parameter
   * @return the value, or {@code null} when absent
   * @throws BadRequestException when it is given more than once: which one counts would be a guess
   */
  public String query(String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw BadRequestException.invalid(name, values.size() + " values", "at most one");
    }
    return values.get(0);
  }

  /**
   * Returns an integer query parameter within {@code [min, max]}.
   *
   * @param name the parameter
   * @param fallback the value when absent
   * @param min the smallest accepted value
   * @param max the largest accepted value
   * @return the value
   * @throws BadRequestException when the value is not a decimal integer in range, or is repeated
   *     (answered 400)
   */
  public long queryLong(String name, long fallback, long min, long max) {
    String v = query(name);
    if (v == null) {
      return fallback;
    }
    String expected = "an integer from " + min + " to " + max;
    if (v.isEmpty() || !(Character.isDigit(v.charAt(0)) || v.charAt(0) == '-')) {
      throw BadRequestException.invalid(name, v, expected); // no "+1", no blanks
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw BadRequestException.invalid(name, v, expected);
    }
    if (n < min || n > max) {
      throw BadRequestException.invalid(name, v, expected);
    }
    return n;
  }

  /**
   * Returns a query parameter that must be one of {@code allowed}.
   *
   * @param name the parameter
   * @param allowed the accepted values
   * @return the value, or {@code null} when absent
   * @throws BadRequestException when the value is not one of them, or is repeated (answered 400)
   */
  public String queryChoice(String name, Set<String> allowed) {
    String v = query(name);
    if (v != null && !allowed.contains(v)) {
      throw BadRequestException.invalid(name, v, "one of " + new TreeSet<>(allowed));
    }
    return v;
  }

  /** Returns the connection's event loop. */
  public EventExecutor executor() {
    return ctx.executor();
  }

  /** Declares that the answer comes later, from other work; the deadline still bounds it. */
  public void async() {
    exchange.async(stage);
  }

  /**
   * Runs {@code task} on the event loop after {@code delay}, with the request's context attached.
   *
   * @param delay the delay
   * @param task the task, typically one that answers
   */
  public void later(Duration delay, Runnable task) {
    async();
    ctx.executor().schedule(context.wrap(task), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Answers with a text body.
   *
   * @param status the status code
   * @param body the body
   */
  public void text(int status, String body) {
    respond(status, "text/plain; charset=utf-8", body);
  }

  /**
   * Answers with a JSON body.
   *
   * @param status the status code
   * @param json the JSON text
   */
  public void json(int status, String json) {
    respond(status, "application/json", json);
  }

  /**
   * Answers with an RFC 9457 problem body.
   *
   * @param status the status code
   * @param detail what went wrong, safe to show to the client
   */
  public void problem(int status, String detail) {
    respond(status, "application/problem+json", Problems.json(status, detail, context.requestId()));
  }

  /**
   * Answers; may be called from any thread, and more than once (the extra answers are dropped by
   * the guard).
   *
   * @param status the status code
   * @param contentType the content type
   * @param body the body
   */
  public void respond(int status, String contentType, String body) {
    if (ctx.executor().inEventLoop()) {
      write(status, contentType, body, true);
    } else {
      ctx.executor().execute(context.wrap(() -> write(status, contentType, body, true)));
    }
  }

  /** Writes the answer the chain tracker asked for after a repair verdict; on the event loop. */
  void repair(int status, String detail) {
    write(
        status,
        "application/problem+json",
        Problems.json(status, detail, context.requestId()),
        false);
  }

  private void write(int status, String contentType, String body, boolean report) {
    if (report) {
      boolean first = !exchange.isResponded();
      exchange.responded(
          stage); // REPORT policy: a duplicate is reported here and dropped on the wire by the
      // guard
      if (first) {
        exchange.completed(stage);
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set("x-service", service.name());
    ctx.writeAndFlush(response);
  }
}
