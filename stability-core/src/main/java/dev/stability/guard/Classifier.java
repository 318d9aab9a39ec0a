package dev.stability.guard;

import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.ContextCancelledException;
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

  static int statusOf(Throwable t) {
    if (t instanceof BadRequestException) {
      return 400;
    }
    // The deadline types are looked for down the cause chain: a JDBC or client failure that wraps
    // the request's
    // own ContextCancelledException / BudgetExhaustedException is still "the request ran out of
    // time" (504),
    // also in the margin before the deadline itself passes.
    Throwable current = t;
    for (int i = 0; i < MAX_DEPTH && current != null; i++) {
      if (current instanceof ContextCancelledException) {
        return ((ContextCancelledException) current).cancellationCause().isDeadlineExceeded()
            ? 504
            : 503;
      }
      if (current instanceof BudgetExhaustedException) {
        return 504;
      }
      Throwable cause = current.getCause();
      current = cause == current ? null : cause;
    }
    return 500;
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
