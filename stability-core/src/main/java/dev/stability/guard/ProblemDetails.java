package dev.stability.guard;

import dev.stability.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A client-facing error body in the RFC 9457 {@code application/problem+json} format, with the
 * status, a generic title and the request id, so that the client can quote the id and operators can
 * find the incident.
 *
 * <p>By default the body never contains an exception message, class name or stack trace: those stay
 * in the server's logs. Only {@link #forIncident(Incident, boolean)} with {@code devMode} set adds
 * a {@code detail} (the sanitized message), the {@code exception} type and the {@code fingerprint};
 * never enable it in production. Example: {@code {"title":"Internal Server
 * Error","status":500,"requestId":"r-42"}}. The one exception is a {@link BadRequestException}: its
 * message is written for the client and always becomes the {@code detail}, e.g. {@code
 * {"title":"Bad Request","status":400,"requestId":"r-7","detail":"ms: \"abc\" (expected: an integer
 * from 0 to 60000)"}}.
 *
 * <p>A problem may carry a {@link #retryAfter()} (from the failure's {@link StatusHint}, such as an
 * open circuit breaker's remaining wait): the server writes it as a {@code Retry-After} header of
 * {@link #retryAfterSeconds()}, never into the body.
 */
public final class ProblemDetails {
  /** The media type of the body. */
  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String title;
  private final String requestId;
  private final String detail;
  private final String exceptionType;
  private final String fingerprint;
  private final Duration retryAfter;

  private ProblemDetails(
      int status,
      String title,
      String requestId,
      String detail,
      String exceptionType,
      String fingerprint,
      Duration retryAfter) {
    this.status = status;
    this.title = title;
    this.requestId = requestId;
    this.detail = detail;
    this.exceptionType = exceptionType;
    this.fingerprint = fingerprint;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns the problem for {@code status} with its standard title.
   *
   * @param status an HTTP status from 400 to 599
   * @param requestId the request id, may be {@code null} when unknown
   * @return the problem
   */
  public static ProblemDetails of(int status, String requestId) {
    return of(status, titleOf(status), requestId);
  }

  /**
   * Returns the problem with a custom title; keep titles generic (they must not describe the
   * exception).
   *
   * @param status an HTTP status from 400 to 599
   * @param title a short, human-readable, generic summary
   * @param requestId the request id, may be {@code null} when unknown
   * @return the problem
   */
  public static ProblemDetails of(int status, String title, String requestId) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
    }
    return new ProblemDetails(
        status, Objects.requireNonNull(title, "title"), requestId, null, null, null, null);
  }

  /**
   * Returns the problem for an incident: its status, the standard title and its request id; with
   * {@code devMode} also its sanitized message, exception type and fingerprint.
   *
   * @param incident the incident
   * @param devMode whether to include diagnostics; only for local development
   * @return the problem
   */
  public static ProblemDetails forIncident(Incident incident, boolean devMode) {
    Objects.requireNonNull(incident, "incident");
    int status = incident.status();
    Duration retryAfter = incident.statusHint().flatMap(StatusHint::retryAfter).orElse(null);
    if (incident.kind()
        == IncidentKind.CLIENT_ERROR) { // the handler wrote this detail for the client
      return new ProblemDetails(
          status,
          titleOf(status),
          incident.requestId(),
          incident.message(),
          devMode ? incident.exceptionType() : null,
          null,
          retryAfter);
    }
    if (!devMode) {
      return new ProblemDetails(
          status, titleOf(status), incident.requestId(), null, null, null, retryAfter);
    }
    return new ProblemDetails(
        status,
        titleOf(status),
        incident.requestId(),
        incident.message(),
        incident.exceptionType(),
        incident.fingerprint(),
        retryAfter);
  }

  /**
   * Returns a copy that tells the client when to try again, for a 503 or 429 the server decides
   * itself.
   *
   * @param value positive
   * @return a copy with the value
   */
  public ProblemDetails withRetryAfter(Duration value) {
    Objects.requireNonNull(value, "retryAfter");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("retryAfter: " + value + " (expected: > 0)");
    }
    return new ProblemDetails(status, title, requestId, detail, exceptionType, fingerprint, value);
  }

  /**
   * Returns the standard reason phrase for {@code status}, or a generic one for unusual codes.
   *
   * @param status the HTTP status
   * @return the title
   */
  public static String titleOf(int status) {
    switch (status) {
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 408:
        return "Request Timeout";
      case 409:
        return "Conflict";
      case 413:
        return "Content Too Large";
      case 414:
        return "URI Too Long";
      case 429:
        return "Too Many Requests";
      case 431:
        return "Request Header Fields Too Large";
      case 500:
        return "Internal Server Error";
      case 501:
        return "Not Implemented";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Gateway Timeout";
      default:
        return status >= 500 ? "Server Error" : "Client Error";
    }
  }

  /** Returns the HTTP status. @return the status */
  public int status() {
    return status;
  }

  /** Returns the title. @return the title */
  public String title() {
    return title;
  }

  /** Returns the request id, or {@code null}. @return the request id */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns when the client may try again, if known.
   *
   * @return the delay, or empty
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Returns the value of the {@code Retry-After} header to send (RFC 9110 §10.2.3, delay-seconds):
   * {@link #retryAfter()} in whole seconds, rounded up so that a client never comes back early, at
   * least 1.
   *
   * @return the seconds, or empty when no {@code Retry-After} is known
   */
  public OptionalLong retryAfterSeconds() {
    if (retryAfter == null) {
      return OptionalLong.empty();
    }
    long seconds = retryAfter.getSeconds();
    if (retryAfter.getNano() > 0 && seconds < Long.MAX_VALUE) {
      seconds++;
    }
    return OptionalLong.of(Math.max(1, seconds));
  }

  /**
   * Renders the JSON body; members in a fixed order, strings escaped, no trailing newline.
   *
   * @return the JSON text
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(96);
    Json.appendString(sb.append("{\"title\":"), title);
    sb.append(",\"status\":").append(status);
    if (requestId != null) {
      Json.appendString(sb.append(",\"requestId\":"), requestId);
    }
    if (detail != null) {
      Json.appendString(sb.append(",\"detail\":"), detail);
    }
    if (exceptionType != null) {
      Json.appendString(sb.append(",\"exception\":"), exceptionType);
    }
    if (fingerprint != null) {
      Json.appendString(sb.append(",\"fingerprint\":"), fingerprint);
    }
    return sb.append('}').toString();
  }

  /**
   * Renders the JSON body as UTF-8 bytes, ready to write with {@link #CONTENT_TYPE}.
   *
   * @return the body bytes
   */
  public byte[] toUtf8() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
