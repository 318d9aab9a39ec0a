package dev.stability.context;

import dev.stability.time.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The mutable part of a context that only exists once something must be woken: its listeners, its
 * place in the parent's intrusive child list, the head of its own child list and the deadline
 * timer. Contexts that nobody listens to never allocate it.
 *
 * <p>Every method runs under the owning context's monitor; the list operations that touch a child
 * or a sibling run under that context's monitor too, always taken parent before child (see {@link
 * CancellationTree}).
 */
final class Links {
  /** Listeners in registration order; {@code null} until the first one. */
  private List<Listener> listeners;

  /** Head of the intrusive list of children that need to be told about cancellation. */
  private RequestContext firstChild;

  /** Siblings in the parent's child list; both {@code null} when unlinked. */
  private RequestContext prevSibling;

  private RequestContext nextSibling;

  /** Whether this context is in its parent's child list. */
  private boolean linkedToParent;

  /** The armed deadline timer, or {@code null}. */
  private TimerScheduler.Timer timer;

  void addListener(Listener listener) {
    if (listeners == null) {
      listeners = new ArrayList<>(2);
    }
    listeners.add(listener);
  }

  void removeListener(Listener listener) {
    if (listeners != null) {
      listeners.remove(listener);
    }
  }

  /** Returns the listeners to run once and forgets them; {@code null} when there are none. */
  List<Listener> takeListeners() {
    List<Listener> taken = listeners;
    listeners = null;
    return taken;
  }

  /**
   * Whether linking a first child must make this context reachable from its own parent and timer.
   */
  boolean waitsOnNothing() {
    return firstChild == null && (listeners == null || listeners.isEmpty());
  }

  boolean isLinkedToParent() {
    return linkedToParent;
  }

  /**
   * Pushes {@code child} (whose links are {@code cl}, under its monitor) at the head of this child
   * list.
   */
  void pushChild(RequestContext child, Links cl) {
    cl.nextSibling = firstChild;
    if (firstChild != null) {
      firstChild.links.prevSibling = child;
    }
    firstChild = child;
    cl.linkedToParent = true;
  }

  /** Cuts {@code cl}, a child's links (under its monitor), out of this child list. */
  void removeChild(Links cl) {
    if (!cl.linkedToParent) {
      return;
    }
    if (cl.prevSibling != null) {
      cl.prevSibling.links.nextSibling = cl.nextSibling;
    } else {
      firstChild = cl.nextSibling;
    }
    if (cl.nextSibling != null) {
      cl.nextSibling.links.prevSibling = cl.prevSibling;
    }
    cl.prevSibling = null;
    cl.nextSibling = null;
    cl.linkedToParent = false;
  }

  /**
   * Unlinks every child and returns them, taking each child's monitor in turn (parent before child)
   * so that a child ending concurrently cannot cut the list while it is walked; {@code null} when
   * there are none.
   */
  List<RequestContext> detachChildren() {
    List<RequestContext> children = null;
    for (RequestContext c = firstChild; c != null; ) {
      RequestContext next;
      synchronized (c) {
        Links cl = c.links;
        next = cl.nextSibling;
        cl.prevSibling = null;
        cl.nextSibling = null;
        cl.linkedToParent = false;
      }
      if (children == null) {
        children = new ArrayList<>();
      }
      children.add(c);
      c = next;
    }
    firstChild = null;
    return children;
  }

  int childCount() {
    int n = 0;
    for (RequestContext c = firstChild; c != null; c = c.links.nextSibling) {
      n++;
    }
    return n;
  }

  boolean hasTimer() {
    return timer != null;
  }

  void setTimer(TimerScheduler.Timer armed) {
    timer = armed;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** A registered listener; also its own registration handle. */
  static final class Listener implements ListenerRegistration {
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
      CancellationTree.removeListener(owner, this);
    }
  }
}
