package dev.stability.netty.client;

import dev.stability.guard.StatusHint;
import java.util.Objects;

/**
 * Thrown when the upstream's response breaks HTTP/1.1: an unparsable status line, a status outside
 * 100-599, a header block or line over its limit, conflicting or unparsable lengths, {@code
 * Content-Length} together with {@code Transfer-Encoding}, a bad chunk, an unsolicited {@code 101}.
 *
 * <p>The connection is closed, never reused. It counts as an upstream failure: the circuit breaker
 * records it, the call's {@code http.client.requests} outcome is {@code MALFORMED}, and a retry
 * policy may try an idempotent request again. The message names the host, the phase and a short
 * reason of fixed wording; bytes the upstream sent appear only escaped and cut short, never raw, so
 * logging it is safe. Do not parse the message: use {@link #phase()} and {@link #reason()}.
 */
public final class MalformedResponseException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "malformed_response");

  private final String target;
  private final CallPhase phase;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param target the host and port
   * @param phase the phase the response was in: {@link CallPhase#RESPONSE_HEADERS} or {@link
   *     CallPhase#BODY}
   * @param reason what was wrong; escaped here, so upstream text cannot forge log lines
   */
  public MalformedResponseException(String target, CallPhase phase, String reason) {
    super(
        "malformed response from "
            + target
            + " in phase "
            + Objects.requireNonNull(phase, "phase")
            + ": "
            + UpstreamText.escape(Objects.requireNonNull(reason, "reason")),
        null,
        false);
    this.target = target;
    this.phase = phase;
    this.reason = UpstreamText.escape(reason);
  }

  /**
   * Returns the host and port that answered. @return the target, like {@code http://orders:8080}
   */
  public String target() {
    return target;
  }

  /** Returns the phase the response was in when it broke. @return RESPONSE_HEADERS or BODY */
  public CallPhase phase() {
    return phase;
  }

  /** Returns the short reason, escaped. @return the reason, like {@code invalid status line} */
  public String reason() {
    return reason;
  }

  /**
   * Returns 502 {@code malformed_response}: the upstream's answer could not be parsed.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
