package dev.stability.guard;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.CancelReason;
import dev.stability.context.ContextCancelledException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies throwables and picks the client status; stateless. */
final class Classifier {
  private static final int MAX_DEPTH = 16;

  private final Set<Class<? extends Throwable>> fatalTypes;

  Classifier(Set<Class<? extends Throwable>> fatalTypes) {
    this.fatalTypes = fatalTypes;
  }

  /** Strips the wrappers that futures and executors add, so the incident names the real failure. */
  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    for (int i = 0; i < MAX_DEPTH; i++) {
      if ((current instanceof CompletionException || current instanceof ExecutionException)
          && current.getCause() != null) {
        current = current.getCause();
      } else {
        break;
      }
    }
    return current;
  }

  /**
   * Looks down the cause chain for a fatal type, because an OOM wrapped in a runtime exception is
   * still an OOM; a StackOverflowError anywhere stays recoverable.
   */
  IncidentKind classify(Throwable t) {
    Throwable current = t;
    for (int i = 0; i < MAX_DEPTH && current != null; i++) {
      if (!(current instanceof StackOverflowError) && isFatalType(current)) {
        return IncidentKind.FATAL;
      }
      Throwable cause = current.getCause();
      current = cause == current ? null : cause;
    }
    if (t instanceof BadRequestException) {
      return IncidentKind.CLIENT_ERROR;
    }
    return t instanceof InterruptedException ? IncidentKind.INTERRUPTED : IncidentKind.RECOVERABLE;
  }

  private boolean isFatalType(Throwable t) {
    for (Class<? extends Throwable> type : fatalTypes) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static final StatusHint BAD_REQUEST = StatusHint.of(400, "bad_request");
  private static final StatusHint DEADLINE_EXCEEDED = StatusHint.of(504, "deadline_exceeded");
  private static final StatusHint BUDGET_EXHAUSTED = StatusHint.of(504, "budget_exhausted");
  private static final StatusHint DEADLINE_TOO_SHORT = StatusHint.of(504, "deadline_too_short");
  private static final StatusHint BREAKER_OPEN = StatusHint.of(503, "breaker_open");
  private static final Map<CancelReason, StatusHint> CANCELLED = cancelledHints();

  private static Map<CancelReason, StatusHint> cancelledHints() {
    Map<CancelReason, StatusHint> hints = new EnumMap<>(CancelReason.class);
    for (CancelReason r : CancelReason.values()) {
      hints.put(
          r,
          r == CancelReason.DEADLINE_EXCEEDED
              ? DEADLINE_EXCEEDED
              : StatusHint.of(503, r.name().toLowerCase(Locale.ROOT)));
    }
    return hints;
  }

  /**
   * Returns the hint that decides the status of {@code t}, or {@code null} for a plain 500: walks
   * the chain outermost first, and at each failure asks its own {@link UpstreamFailure} hint, then
   * the core failures the guard knows. A {@link BadRequestException} counts only at the top (a
   * handler that wraps one still failed); a deadline type counts anywhere, because a JDBC or client
   * failure that wraps the request's own {@code ContextCancelledException} or {@code
   * BudgetExhaustedException} is still "the request ran out of time" (504), also in the margin
   * before the deadline itself passes.
   */
  static StatusHint hintOf(Throwable t) {
    if (t instanceof BadRequestException) {
      return BAD_REQUEST;
    }
    Throwable current = t;
    for (int i = 0; i < MAX_DEPTH && current != null; i++) {
      StatusHint hint = current instanceof UpstreamFailure u ? askSafely(u) : known(current);
      if (hint != null) {
        return hint;
      }
      Throwable cause = current.getCause();
      current = cause == current ? null : cause;
    }
    return null;
  }

  /** A broken hint must not turn an incident into a second failure: it is skipped. */
  private static StatusHint askSafely(UpstreamFailure failure) {
    try {
      return failure.statusHint();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static StatusHint known(Throwable t) {
    if (t instanceof ContextCancelledException c) {
      return CANCELLED.get(c.cancellationCause().reason());
    }
    if (t instanceof BudgetExhaustedException) {
      return BUDGET_EXHAUSTED;
    }
    if (t instanceof CallNotPermittedException c) {
      if (c.reason() == CallNotPermittedException.Reason.DEADLINE_TOO_SHORT) {
        return DEADLINE_TOO_SHORT;
      }
      Optional<Duration> wait = c.retryAfter();
      return wait.isPresent() ? BREAKER_OPEN.withRetryAfter(wait.get()) : BREAKER_OPEN;
    }
    return null;
  }

  /** Replaces control characters (log injection) and caps the length; never returns null. */
  static String sanitize(String message, int maxLength) {
    if (message == null || message.isEmpty()) {
      return "";
    }
    int n = Math.min(message.length(), maxLength);
    StringBuilder sb = new StringBuilder(n + 1);
    for (int i = 0; i < n; i++) {
      char c = message.charAt(i);
      sb.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    if (message.length() > maxLength) {
      sb.append('\u2026');
    }
    return sb.toString();
  }
}
