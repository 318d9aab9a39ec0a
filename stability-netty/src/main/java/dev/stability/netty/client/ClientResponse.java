package dev.stability.netty.client;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * A complete HTTP response: status, headers and body bytes, copied out of Netty buffers so the
 * caller never releases anything.
 *
 * <p>The body was read up to {@link HttpClientConfig#maxResponseBodyBytes()}; a larger one failed
 * the call.
 */
public final class ClientResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final int attempts;
  private final String protocol;

  ClientResponse(int status, HttpHeaders headers, byte[] body, int attempts) {
    this(status, headers, body, attempts, "HTTP/1.1");
  }

  ClientResponse(int status, HttpHeaders headers, byte[] body, int attempts, String protocol) {
    this.protocol = protocol;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.attempts = attempts;
  }

  /** Returns the status code. */
  public int status() {
    return status;
  }

  /** Returns the response headers, immutable. */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, any case
   * @return the value, or {@code null}
   */
  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** Returns a copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** Returns the body length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** Returns the body decoded as UTF-8. */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Returns how many attempts the call took, 1 without retries. */
  public int attempts() {
    return attempts;
  }

  /** Returns the protocol the answer came over: {@code HTTP/1.1} or {@code HTTP/2}. */
  public String protocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return "ClientResponse("
        + status
        + ", "
        + protocol
        + ", "
        + body.length
        + " bytes, attempts="
        + attempts
        + ")";
  }
}
