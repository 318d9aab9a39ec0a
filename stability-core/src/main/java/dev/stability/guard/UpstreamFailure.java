package dev.stability.guard;

/**
 * A failure that knows which status a server answers its own caller with when a handler fails with
 * it: typically a failed call to an upstream (a downstream service, a database), which a server
 * should answer 502, 503 or 504 as a proxy would, never 500.
 *
 * <p>The HTTP client's failures ({@code dev.stability.netty.client.StabilityHttpException} and its
 * subtypes) implement it, so a guarded server maps them without depending on the client. Implement
 * it on your own exceptions to the same end.
 *
 * <p>The {@link Guard} asks {@link GuardConfig.Builder#statusMapper its statusMapper} first; when
 * that gives nothing, it walks the failure and its causes, outermost first (at most 16 deep, safe
 * against cycles), and the first one that implements this interface or is a core failure the guard
 * knows (a {@code BadRequestException} at the top, a passed deadline, an open circuit breaker)
 * decides; otherwise the answer is 500. A {@link StatusHint#retryAfter()} becomes the problem's
 * {@link ProblemDetails#retryAfter()}.
 */
public interface UpstreamFailure {

  /**
   * Returns the status to answer with. Called once per incident on the thread that records it: it
   * must be fast, must not throw (a hint that throws or returns {@code null} is skipped) and should
   * return a shared constant where it can.
   *
   * @return the hint, never {@code null}
   */
  StatusHint statusHint();
}
