package dev.stability.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** A granted slot of one route; the first report releases it, later ones do nothing. */
final class RoutePermit implements AdmissionPermit, Admission {
  private static final AtomicIntegerFieldUpdater<RoutePermit> RELEASED =
      AtomicIntegerFieldUpdater.newUpdater(RoutePermit.class, "released");

  /** How a permit ended, for the limiter. */
  enum Ending {
    SUCCESS,
    DROPPED,
    IGNORED
  }

  private final RouteLimiter limiter;
  private volatile int released;
  final long startNanos;
  final int inflightAtStart;

  RoutePermit(RouteLimiter limiter, long startNanos, int inflightAtStart) {
    this.limiter = limiter;
    this.startNanos = startNanos;
    this.inflightAtStart = inflightAtStart;
  }

  @Override
  public void onSuccess() {
    end(Ending.SUCCESS);
  }

  @Override
  public void onDropped() {
    end(Ending.DROPPED);
  }

  @Override
  public void onIgnore() {
    end(Ending.IGNORED);
  }

  private void end(Ending ending) {
    if (RELEASED.compareAndSet(this, 0, 1)) {
      limiter.release(this, ending);
    }
  }

  /** Returns whether the permit was reported; visible for testing. */
  boolean released() {
    return released == 1;
  }

  @Override
  public State state() {
    return State.ADMITTED;
  }

  @Override
  public AdmissionPermit permit() {
    return this;
  }

  @Override
  public AdmissionRejectedException rejection() {
    throw new IllegalStateException("the request was admitted, not rejected");
  }

  @Override
  public CompletionStage<AdmissionPermit> whenAdmitted() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void cancel() {
    onIgnore();
  }

  @Override
  public String toString() {
    return "AdmissionPermit(" + limiter.route() + (released == 1 ? ", released)" : ")");
  }
}
