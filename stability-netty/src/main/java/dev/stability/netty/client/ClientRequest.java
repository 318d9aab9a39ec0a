package dev.stability.netty.client;

import dev.stability.context.RequestContext;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One HTTP request: method, absolute {@code http} or {@code https} URI, headers, body and the
 * {@link RequestContext} it runs under; immutable, built by {@link #builder(String, URI)} or {@link
 * #get(URI)}.
 *
 * <p>Without an explicit context the call runs under {@link RequestContext#current()} at the time
 * it is executed, so a handler's call inherits the handler's deadline and cancellation. Do not set
 * the deadline or attempt headers yourself: the client writes them per attempt.
 */
public final class ClientRequest {
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final String method;
  private final URI uri;
  private final HttpHeaders headers;
  private final byte[] body;
  private final RequestContext context;
  private final boolean idempotent;

  private ClientRequest(Builder b) {
    this.method = b.method;
    this.uri = b.uri;
    this.headers = HttpHeaders.of(b.headers, (n, v) -> true);
    this.body = b.body;
    this.context = b.context;
    this.idempotent = b.idempotent != null ? b.idempotent : IDEMPOTENT.contains(b.method);
  }

  /**
   * Returns a builder.
   *
   * @param method the HTTP method, e.g. {@code "POST"}
   * @param uri an absolute {@code http} or {@code https} URI
   * @return a new builder
   */
  public static Builder builder(String method, URI uri) {
    return new Builder(method, uri);
  }

  /**
   * Returns a builder for a typed method, e.g. {@code HttpMethod.POST}.
   *
   * @param method the HTTP method
   * @param uri an absolute {@code http} or {@code https} URI
   * @return a new builder
   */
  public static Builder builder(io.netty.handler.codec.http.HttpMethod method, URI uri) {
    return new Builder(Objects.requireNonNull(method, "method").name(), uri);
  }

  /**
   * Returns a POST request of {@code body} (UTF-8) for {@code uri} under the current context; not
   * retried unless marked idempotent through {@link #builder(String, URI)}.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @param body the body
   * @return the request
   */
  public static ClientRequest post(URI uri, String body) {
    return builder("POST", uri).body(body).build();
  }

  /**
   * Returns a PUT request of {@code body} (UTF-8) for {@code uri} under the current context.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @param body the body
   * @return the request
   */
  public static ClientRequest put(URI uri, String body) {
    return builder("PUT", uri).body(body).build();
  }

  /**
   * Returns a DELETE request for {@code uri} under the current context.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the request
   */
  public static ClientRequest delete(URI uri) {
    return builder("DELETE", uri).build();
  }

  /**
   * Returns a GET request for {@code uri} under the current context.
   *
   * @param uri an absolute {@code http} or {@code https} URI
   * @return the request
   */
  public static ClientRequest get(URI uri) {
    return builder("GET", uri).build();
  }

  /** Returns the method in upper case. */
  public String method() {
    return method;
  }

  /** Returns the absolute URI. */
  public URI uri() {
    return uri;
  }

  /** Returns the headers set by the caller, immutable. */
  public HttpHeaders headers() {
    return headers;
  }

  /** Returns a copy of the body; empty when there is none. */
  public byte[] body() {
    return body.clone();
  }

  byte[] bodyUnsafe() {
    return body;
  }

  /** Returns the explicit context, or {@code null} to use the current one at execution. */
  public RequestContext context() {
    return context;
  }

  /** Returns whether the request may be sent twice without harm. */
  public boolean isIdempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }

  /** Builds {@link ClientRequest}. */
  public static final class Builder {
    private final String method;
    private final URI uri;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private byte[] body = new byte[0];
    private RequestContext context;
    private Boolean idempotent;

    Builder(String method, URI uri) {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      if (!method.matches("[A-Za-z]{1,20}")) {
        throw new IllegalArgumentException(
            "method: " + method + " (expected: an HTTP method token)");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "uri: " + uri + " (expected: an absolute http or https URI with a host)");
      }
      this.method = method.toUpperCase(Locale.ROOT);
      this.uri = uri;
    }

    /**
     * Adds a header value.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      return this;
    }

    /**
     * Sets the body; the array is copied.
     *
     * @param bytes the body
     * @return this builder
     */
    public Builder body(byte[] bytes) {
      this.body = Objects.requireNonNull(bytes, "bytes").clone();
      return this;
    }

    /**
     * Sets a UTF-8 text body.
     *
     * @param text the body text
     * @return this builder
     */
    public Builder body(String text) {
      this.body = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * Sets the context the call runs under instead of the current one.
     *
     * @param ctx the context, or {@code null} for the current one at execution
     * @return this builder
     */
    public Builder context(RequestContext ctx) {
      this.context = ctx;
      return this;
    }

    /**
     * Overrides whether the request is idempotent (default: by method).
     *
     * @param value whether sending it twice is harmless
     * @return this builder
     */
    public Builder idempotent(boolean value) {
      this.idempotent = value;
      return this;
    }

    /** Builds the immutable request. */
    public ClientRequest build() {
      return new ClientRequest(this);
    }
  }
}
