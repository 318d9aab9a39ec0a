package dev.stability.context;

import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The mutable part of a context that only exists once something must be woken: listeners, linked children and
 * the deadline timer. Guarded by the owning context's monitor. Contexts that nobody listens to never allocate it.
 */
final class Links {
  /** Listeners in registration order; {@code null} until the first one. */
  List<Listener> listeners;
  /** Head of the intrusive list of children that need to be told about cancellation. */
  RequestContext firstChild;
  /** Siblings in the parent's child list; both {@code null} when unlinked. */
  RequestContext prevSibling;
  RequestContext nextSibling;
  /** Whether this context is in its parent's child list. */
  boolean linkedToParent;
  /** The armed deadline timer, or {@code null}. */
  TimerScheduler.Timer timer;

  void addListener(Listener listener) {
    if (listeners == null) {
      listeners = new ArrayList<>(2);
    }
    listeners.add(listener);
  }

  /** A registered listener; also its own registration handle. */
  static final class Listener implements dev.stability.context.ListenerRegistration {
    final RequestContext owner;
    final Consumer<CancellationCause> callback;
    final Executor executor;

    Listener(RequestContext owner, Consumer<CancellationCause> callback, Executor executor) {
      this.owner = owner;
      this.callback = callback;
      this.executor = executor;
    }

    @Override
    public void remove() {
      owner.removeListener(this);
    }
  }
}
