package dev.stability.netty.client;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.CancelReason;
import dev.stability.context.ContextCancelledException;
import dev.stability.guard.StatusHint;
import io.netty.handler.codec.DecoderException;
import io.netty.resolver.dns.DnsNameResolverException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The status a server answers its own caller with when a call to an upstream failed: one mapping
 * from every client failure, so a handler that passes the client's exception on answers 504, 503 or
 * 502 as a proxy would, never 500.
 *
 * <p>A guarded server needs no wiring for the client's own failures: every {@link
 * StabilityHttpException} is a core {@link dev.stability.guard.UpstreamFailure} whose {@link
 * StabilityHttpException#statusHint()} is its row below, and the core guard itself maps {@link
 * CallNotPermittedException}, {@link ContextCancelledException} and {@link
 * BudgetExhaustedException} the same way. This class is for code that maps a failure itself
 * (logging, a fallback, another framework), and for chains the client did not build: the JDK's and
 * Netty's own exceptions below are mapped here only, never by the guard, since the client wraps
 * them before they reach a caller. To have the guard map those too, set {@code
 * GuardConfig.builder().statusMapper(UpstreamFailureStatus::statusOf)}.
 *
 * <p>{@link #of(Throwable)} walks the failure and its causes, outermost first (at most {@value
 * #MAX_DEPTH} deep, safe against cycles), and the first failure it knows decides:
 *
 * <table>
 *   <caption>Client failure → status</caption>
 *   <tr><th>Failure (or a cause)</th><th>Status</th><th>{@link #reason()}</th></tr>
 *   <tr><td>{@link PhaseTimeoutException}, any phase</td><td>504</td><td>{@code phase_timeout}</td></tr>
 *   <tr><td>{@link BudgetExhaustedException} (too little time left to start)</td><td>504</td>
 *       <td>{@code budget_exhausted}</td></tr>
 *   <tr><td>{@link ContextCancelledException} for {@code DEADLINE_EXCEEDED}</td><td>504</td>
 *       <td>{@code deadline_exceeded}</td></tr>
 *   <tr><td>{@link CallNotPermittedException} for {@code DEADLINE_TOO_SHORT}</td><td>504</td>
 *       <td>{@code deadline_too_short}</td></tr>
 *   <tr><td>{@link CallNotPermittedException}, breaker open, forced open or half-open full</td><td>503</td>
 *       <td>{@code breaker_open}</td></tr>
 *   <tr><td>{@link PoolExhaustedException}</td><td>503</td><td>{@code pool_exhausted}</td></tr>
 *   <tr><td>{@link LocallyThrottledException}</td><td>503</td><td>{@code locally_throttled}</td></tr>
 *   <tr><td>{@link RetryBudgetExhaustedException}</td><td>503</td><td>{@code retry_budget_exhausted}</td></tr>
 *   <tr><td>{@link ContextCancelledException} for {@code SHUTDOWN}</td><td>503</td><td>{@code shutdown}</td></tr>
 *   <tr><td>{@link ClientClosedException} (a call after the client's close)</td><td>503</td>
 *       <td>{@code client_closed}</td></tr>
 *   <tr><td>{@link ConnectFailedException}, {@link ConnectException} (refused, unreachable)</td><td>502</td>
 *       <td>{@code connect_failed}</td></tr>
 *   <tr><td>{@link PrematureCloseException}</td><td>502</td><td>{@code premature_close}</td></tr>
 *   <tr><td>{@link SocketException} (connection reset), {@link ClosedChannelException}, Netty's native
 *       {@code Errors$NativeIoException}</td><td>502</td><td>{@code connection_reset}</td></tr>
 *   <tr><td>{@link UpstreamServerErrorException} (upstream 5xx)</td><td>502</td><td>{@code upstream_5xx}</td></tr>
 *   <tr><td>{@link ResponseTooLargeException}, Netty's {@link DecoderException}, {@link
 *       MalformedResponseException}</td><td>502</td><td>{@code malformed_response}</td></tr>
 *   <tr><td>{@link TlsHandshakeException}, {@link CertificatePinException}, {@link SSLException}</td>
 *       <td>502</td><td>{@code tls_failure}</td></tr>
 *   <tr><td>{@link DnsFailureException}, {@link UnknownHostException}, Netty's {@link
 *       DnsNameResolverException}</td><td>502</td><td>{@code dns_failure}</td></tr>
 * </table>
 *
 * <p>Anything else gives {@link Optional#empty()}: not a client failure, so the server keeps its
 * own answer (500 for a handler's bug). Position decides, outermost first: a {@link
 * RetryBudgetExhaustedException} wrapping a 5xx is a 503 (back off), a {@link
 * PrematureCloseException} wrapping a reset is a premature close. {@link #retryAfter()} is known
 * where the failure knows it: an open breaker's rejection carries the rest of its wait ({@link
 * CallNotPermittedException#retryAfter()}); {@link #withRetryAfter} adds one.
 */
public final class UpstreamFailureStatus {
  /** How deep the cause chain is walked. */
  public static final int MAX_DEPTH = 16;

  private static final String NATIVE_IO_EXCEPTION =
      "io.netty.channel.unix.Errors$NativeIoException";

  private final int status;
  private final String reason;
  private final Throwable failure;
  private final Duration retryAfter;

  private UpstreamFailureStatus(int status, String reason, Throwable failure, Duration retryAfter) {
    this.status = status;
    this.reason = reason;
    this.failure = failure;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns only the status of {@link #of(Throwable)}, in the shape of the guard's {@code
   * statusMapper} hook: {@code
   * GuardConfig.builder().statusMapper(UpstreamFailureStatus::statusOf)}.
   *
   * @param failure the failure, with its causes
   * @return 502, 503 or 504, or empty when it is not a client failure
   */
  public static OptionalInt statusOf(Throwable failure) {
    return of(failure).map(s -> OptionalInt.of(s.status())).orElse(OptionalInt.empty());
  }

  /**
   * Maps a failure to the status to answer with, walking its causes.
   *
   * @param failure what the client call failed with, possibly wrapped ({@code CompletionException},
   *     {@code UncheckedIOException}, ...)
   * @return the status, or empty when no failure in the chain is a client failure
   */
  public static Optional<UpstreamFailureStatus> of(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH && seen.add(t); depth++) {
      UpstreamFailureStatus status = classify(t);
      if (status != null) {
        return Optional.of(status);
      }
      t = t.getCause();
    }
    return Optional.empty();
  }

  private static UpstreamFailureStatus classify(Throwable t) {
    if (t instanceof StabilityHttpException e) {
      StatusHint hint = e.statusHint();
      return new UpstreamFailureStatus(
          hint.status(), hint.reason(), t, hint.retryAfter().orElse(null));
    }
    if (t instanceof BudgetExhaustedException) {
      return new UpstreamFailureStatus(504, "budget_exhausted", t, null);
    }
    if (t instanceof ContextCancelledException c) {
      CancelReason reason = c.cancellationCause().reason();
      return reason == CancelReason.DEADLINE_EXCEEDED
          ? new UpstreamFailureStatus(504, "deadline_exceeded", t, null)
          : reason == CancelReason.SHUTDOWN
              ? new UpstreamFailureStatus(503, "shutdown", t, null)
              : null;
    }
    if (t instanceof CallNotPermittedException c) {
      return c.reason() == CallNotPermittedException.Reason.DEADLINE_TOO_SHORT
          ? new UpstreamFailureStatus(504, "deadline_too_short", t, null)
          : new UpstreamFailureStatus(503, "breaker_open", t, c.retryAfter().orElse(null));
    }
    return classifyForeign(t);
  }

  /** The JDK's and Netty's own failures, for chains the client did not build. */
  private static UpstreamFailureStatus classifyForeign(Throwable t) {
    String reason;
    if (t instanceof ConnectException) {
      reason = "connect_failed";
    } else if (t instanceof SocketException
        || t instanceof ClosedChannelException
        || NATIVE_IO_EXCEPTION.equals(t.getClass().getName())) {
      reason = "connection_reset";
    } else if (t instanceof DecoderException) {
      reason = "malformed_response";
    } else if (t instanceof SSLException) {
      reason = "tls_failure";
    } else if (t instanceof UnknownHostException || t instanceof DnsNameResolverException) {
      reason = "dns_failure";
    } else {
      return null;
    }
    return new UpstreamFailureStatus(502, reason, t, null);
  }

  /**
   * Returns a copy with a {@code Retry-After}, for the code that knows when the upstream may be
   * tried again (the breaker's remaining wait); only meaningful on a 503.
   *
   * @param value positive
   * @return a copy with the value
   */
  public UpstreamFailureStatus withRetryAfter(Duration value) {
    Objects.requireNonNull(value, "retryAfter");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("retryAfter: " + value + " (expected: > 0)");
    }
    return new UpstreamFailureStatus(status, reason, failure, value);
  }

  /** Returns the status to answer with: 502, 503 or 504. */
  public int status() {
    return status;
  }

  /** Returns a short, stable label of the row that matched, for logs and metric tags. */
  public String reason() {
    return reason;
  }

  /** Returns the failure in the chain that decided the status. */
  public Throwable failure() {
    return failure;
  }

  /** Returns when the caller may try again, empty when not known. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return status + " (" + reason + (retryAfter == null ? "" : ", Retry-After " + retryAfter) + ")";
  }
}
