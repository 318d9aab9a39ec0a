package dev.stability.admission;

import java.util.concurrent.CompletionStage;

/**
 * The answer of {@link AdmissionController#admit}: admitted now, rejected now, or queued with a
 * stage that completes later on the executor passed to {@code admit}.
 *
 * <p>Typical use on an event loop: on {@link State#ADMITTED} run the request with {@link
 * #permit()}; on {@link State#REJECTED} answer 503 from {@link #rejection()}; on {@link
 * State#QUEUED} attach to {@link #whenAdmitted()} (a permit, or an {@link
 * AdmissionRejectedException}), and call {@link #cancel()} if the client goes away first.
 */
public interface Admission {

  /** What {@code admit} decided at once. */
  enum State {
    /** A permit is granted. */
    ADMITTED,
    /** The request waits; {@link #whenAdmitted()} completes when a slot frees or the wait ends. */
    QUEUED,
    /** The request is rejected before any work. */
    REJECTED
  }

  /**
   * Returns what {@code admit} decided; never changes.
   *
   * @return the state at the decision
   */
  State state();

  /**
   * Returns the permit of an admitted request.
   *
   * @return the permit
   * @throws IllegalStateException unless {@link #state()} is {@link State#ADMITTED}
   */
  AdmissionPermit permit();

  /**
   * Returns the rejection of a rejected request.
   *
   * @return the rejection
   * @throws IllegalStateException unless {@link #state()} is {@link State#REJECTED}
   */
  AdmissionRejectedException rejection();

  /**
   * Returns a stage with the permit, or failed with an {@link AdmissionRejectedException}. Already
   * complete unless queued; a queued one completes on the executor given to {@code admit}, at the
   * latest at the request's deadline (or the queue's timeout).
   *
   * @return the stage
   */
  CompletionStage<AdmissionPermit> whenAdmitted();

  /**
   * Gives up: a waiting request leaves the queue without an answer; a granted permit is released
   * without a sample. Idempotent, safe from any thread and in any race with the grant.
   */
  void cancel();
}
