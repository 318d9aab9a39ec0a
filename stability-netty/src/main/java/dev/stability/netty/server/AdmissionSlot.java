package dev.stability.netty.server;

import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionPermit;

/**
 * The admission of one exchange: waiting for a slot, holding one, or done with it. The slot is
 * given back exactly once, on whichever end path comes first (response written, deadline answer,
 * client gone), and how it ended feeds the limit. Confined to the channel's event loop.
 */
final class AdmissionSlot {
  /** Where the exchange's admission is; it only moves forward. */
  enum Phase {
    /** Queued: no handler has seen the request. */
    WAITING,
    /** Admitted: the request holds a slot of its route's limit. */
    HOLDING,
    /** The slot was given back, or the wait given up. */
    RELEASED
  }

  /** How the request ended, for the limit. */
  enum Outcome {
    /** Answered: its time is a sample of the route's latency. */
    SUCCESS,
    /** Timed out (deadline answer, 504): a sign of overload. */
    DROPPED,
    /** Says nothing about load (the client left, the server refused it). */
    IGNORED
  }

  private final Admission admission;
  private AdmissionPermit permit;
  private Phase phase;

  AdmissionSlot(Admission admission) {
    this.admission = admission;
    if (admission.state() == Admission.State.ADMITTED) {
      this.permit = admission.permit();
      this.phase = Phase.HOLDING;
    } else {
      this.phase = Phase.WAITING;
    }
  }

  boolean waiting() {
    return phase == Phase.WAITING;
  }

  /**
   * A queued request was granted {@code granted}; returns whether it still wants it (else the
   * permit is given back at once: the request ended while it waited).
   */
  boolean granted(AdmissionPermit granted) {
    if (phase != Phase.WAITING) {
      granted.onIgnore();
      return false;
    }
    permit = granted;
    phase = Phase.HOLDING;
    return true;
  }

  /** A queued request was turned away after waiting: nothing to give back. */
  void refused() {
    phase = Phase.RELEASED;
  }

  /** Gives the slot back (or leaves the queue); later calls do nothing. */
  void release(Outcome outcome) {
    Phase was = phase;
    phase = Phase.RELEASED;
    if (was == Phase.WAITING) {
      admission.cancel();
    } else if (was == Phase.HOLDING) {
      switch (outcome) {
        case SUCCESS -> permit.onSuccess();
        case DROPPED -> permit.onDropped();
        case IGNORED -> permit.onIgnore();
      }
    }
  }

  @Override
  public String toString() {
    return "AdmissionSlot(" + phase + ")";
  }
}
