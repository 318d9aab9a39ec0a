package dev.stability.netty.client;

import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Calls a user's {@link AttemptObserver} so that nothing it throws reaches the call, and so that it
 * can set trace headers but never the request's framing.
 */
final class GuardedObserver implements AttemptObserver {
  private static final Set<String> FRAMING =
      Set.of("host", "content-length", "transfer-encoding", "connection", "upgrade", "te");

  private final AttemptObserver delegate;

  private GuardedObserver(AttemptObserver delegate) {
    this.delegate = delegate;
  }

  /** Starts an attempt's observer; {@link AttemptObserver#NONE} costs nothing more. */
  static AttemptObserver start(AttemptListener listener, AttemptInfo info) {
    AttemptObserver observer;
    try {
      observer = listener.onAttemptStart(info);
    } catch (RuntimeException e) {
      return AttemptObserver.NONE; // a broken listener observes nothing, the call goes on
    }
    return observer == null || observer == AttemptObserver.NONE
        ? AttemptObserver.NONE
        : new GuardedObserver(observer);
  }

  @Override
  public void onPhase(CallPhase phase, long limitNanos) {
    try {
      delegate.onPhase(phase, limitNanos);
    } catch (RuntimeException e) {
      // dropped: an observer must not change the call
    }
  }

  @Override
  public void onSend(long budgetNanos, BiConsumer<String, String> headers) {
    try {
      delegate.onSend(
          budgetNanos,
          (name, value) -> {
            if (name != null && value != null && !FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
              headers.accept(name, value);
            }
          });
    } catch (RuntimeException e) {
      // dropped, as above; an invalid header name or value is refused by the codec here
    }
  }

  @Override
  public void onEnd(int status, Throwable failure) {
    try {
      delegate.onEnd(status, failure);
    } catch (RuntimeException e) {
      // dropped, as above
    }
  }
}
