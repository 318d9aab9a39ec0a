package dev.stability.context;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How cancellation travels through a tree of {@link RequestContext}s: ending a context once,
 * running its listeners, pushing the cause to the children that need it, and arming the deadline
 * timer only when someone waits (grpc keeps its {@code CancellableContext} apart from {@code
 * Context} in the same way).
 *
 * <p>A child is linked into its parent's intrusive list (see {@link Links}) only once a listener or
 * waiter needs to be woken; an unlinked child notices an ended ancestor or a passed deadline when
 * asked ({@link RequestContext#cancellationCause()}). Monitors are always taken parent before
 * child, and nothing is called (listeners, children, the parent) while holding one.
 */
final class CancellationTree {
  private static final Logger log = LoggerFactory.getLogger(RequestContext.class);
  private static final VarHandle CAUSE;

  static {
    try {
      CAUSE =
          MethodHandles.lookup()
              .findVarHandle(RequestContext.class, "cause", CancellationCause.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private CancellationTree() {}

  /**
   * Ends {@code ctx} with {@code newCause} (marked inherited when it came from an ancestor), then
   * its listeners and linked children; returns whether this call ended it.
   */
  static boolean end(RequestContext ctx, CancellationCause newCause, boolean inherited) {
    CancellationCause effective = inherited ? newCause.inherited() : newCause;
    if (!CAUSE.compareAndSet(ctx, null, effective)) {
      return false;
    }
    Links l;
    List<Links.Listener> toRun;
    List<RequestContext> children;
    boolean linked;
    synchronized (ctx) {
      l = ctx.links;
      if (l == null) {
        return true;
      }
      toRun = l.takeListeners();
      children = l.detachChildren();
      l.cancelTimer();
      linked = l.isLinkedToParent();
    }
    if (ctx.parent != null && linked) {
      unlinkChild(ctx.parent, ctx);
    }
    if (toRun != null) {
      for (Links.Listener listener : toRun) {
        notify(listener, effective);
      }
    }
    if (children != null) {
      for (RequestContext c : children) {
        end(c, effective, true);
      }
    }
    return true;
  }

  /**
   * Registers {@code callback} on {@code ctx}, or runs it at once when {@code ctx} already ended.
   */
  static ListenerRegistration onCancel(
      RequestContext ctx, Consumer<CancellationCause> callback, Executor executor) {
    Links.Listener entry = new Links.Listener(ctx, callback, executor);
    CancellationCause ended = ctx.cancellationCause();
    if (ended == null) {
      boolean added;
      synchronized (ctx) {
        added = ctx.cause == null;
        if (added) {
          links(ctx).addListener(entry);
        }
      }
      if (added) {
        needWaking(ctx);
        return entry;
      }
      ended = ctx.cause;
    }
    notify(entry, ended);
    return entry;
  }

  static void removeListener(RequestContext ctx, Links.Listener entry) {
    synchronized (ctx) {
      if (ctx.links != null) {
        ctx.links.removeListener(entry);
      }
    }
  }

  // Visible for testing (through RequestContext): the children linked because they need
  // cancellation pushed.
  static int linkedChildCount(RequestContext ctx) {
    synchronized (ctx) {
      return ctx.links == null ? 0 : ctx.links.childCount();
    }
  }

  // Visible for testing (through RequestContext): whether a deadline timer is armed.
  static boolean hasArmedTimer(RequestContext ctx) {
    synchronized (ctx) {
      return ctx.links != null && ctx.links.hasTimer();
    }
  }

  private static Links links(RequestContext ctx) {
    if (ctx.links == null) {
      ctx.links = new Links();
    }
    return ctx.links;
  }

  private static void notify(Links.Listener listener, CancellationCause cause) {
    Runnable call =
        () -> {
          try {
            listener.callback.accept(cause);
          } catch (RuntimeException | Error e) {
            log.warn(
                "cancellation listener {} of request {} threw; the other listeners still run",
                listener.callback,
                listener.owner.requestId(),
                e);
          }
        };
    if (listener.executor == null) {
      call.run();
    } else {
      try {
        listener.executor.execute(call);
      } catch (RuntimeException e) {
        log.warn(
            "executor rejected a cancellation listener of request {}; running it inline",
            listener.owner.requestId(),
            e);
        call.run();
      }
    }
  }

  /**
   * Someone waits on {@code ctx}: link it into the parent chain and arm its own deadline timer
   * once.
   */
  private static void needWaking(RequestContext ctx) {
    if (ctx.parent != null) {
      linkChild(ctx.parent, ctx);
    }
    if (ctx.hasOwnDeadline()) {
      armTimer(ctx);
    }
  }

  private static void armTimer(RequestContext ctx) {
    synchronized (ctx) {
      if (ctx.cause != null || ctx.links.hasTimer()) {
        return;
      }
      long delay = ctx.deadlineNanos - ctx.clock.ticker.nanoTime();
      if (delay > 0) {
        ctx.links.setTimer(ctx.clock.scheduler.schedule(() -> onTimer(ctx), delay));
        return;
      }
    }
    end(ctx, CancellationCause.of(CancelReason.DEADLINE_EXCEEDED), false);
  }

  private static void onTimer(RequestContext ctx) {
    long late = ctx.clock.ticker.nanoTime() - ctx.deadlineNanos;
    if (late < 0) { // a scheduler that fires early (coarse clocks): re-arm for the rest
      synchronized (ctx) {
        if (ctx.links != null) {
          ctx.links.setTimer(null);
        }
      }
      armTimer(ctx);
      return;
    }
    end(ctx, CancellationCause.of(CancelReason.DEADLINE_EXCEEDED), false);
  }

  private static void linkChild(RequestContext parent, RequestContext child) {
    boolean first;
    CancellationCause ended;
    synchronized (parent) {
      ended = parent.cause;
      if (ended == null) {
        synchronized (child) {
          Links cl = links(child);
          if (cl.isLinkedToParent() || child.cause != null) {
            return;
          }
          Links pl = links(parent);
          first = pl.waitsOnNothing();
          pl.pushChild(child, cl);
        }
      } else {
        first = false;
      }
    }
    if (ended != null) {
      end(child, ended, true);
    } else if (first) {
      needWaking(parent); // outside our lock: linking upwards takes the grandparent's lock first
    }
  }

  private static void unlinkChild(RequestContext parent, RequestContext child) {
    synchronized (parent) {
      synchronized (child) {
        if (parent.links != null) {
          parent.links.removeChild(child.links);
        }
      }
    }
  }
}
