package dev.stability.netty.server;

import dev.stability.admission.Admission;
import dev.stability.admission.AdmissionPermit;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;

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

  /**
   * The slot of every finished HTTP/1.1 exchange: a connection keeps its last exchange (to blame
   * what a handler writes after the end) but not that exchange's slot and permit. Never written:
   * every method of a released slot only reads.
   */
  static final AdmissionSlot DONE = new AdmissionSlot();

  private final Admission admission;
  private AdmissionPermit permit;
  private Phase phase;
  private Object held; // the complete request the aggregator built, while it waits
  private ChannelHandlerContext heldAt; // where it is handed on from

  private AdmissionSlot() {
    this.admission = null;
    this.phase = Phase.RELEASED;
  }

  AdmissionSlot(Admission admission) {
    this.admission = admission;
    if (admission.state() == Admission.State.ADMITTED) {
      this.permit = admission.permit();
      this.phase = Phase.HOLDING;
    } else {
      this.phase = Phase.WAITING;
    }
  }

  /**
   * Whether a grant or rejection callback runs off its loop: the controller completes there only
   * when the loop refused the task (it is shutting down). The callback then touches nothing; the
   * permit goes back, the channel's close ends the rest.
   */
  static boolean offLoop(EventExecutor loop, AdmissionPermit permit) {
    if (loop.inEventLoop()) {
      return false;
    }
    if (permit != null) {
      permit.onIgnore();
    }
    return true;
  }

  boolean waiting() {
    return phase == Phase.WAITING;
  }

  /** Keeps the aggregated request while it waits; it is handed on from {@code at} when granted. */
  void hold(ChannelHandlerContext at, Object request) {
    this.heldAt = at;
    this.held = request;
  }

  /** Returns the held request (and forgets it), or {@code null}. */
  Object takeHeld() {
    Object r = held;
    if (r != null) {
      held = null;
    }
    return r;
  }

  /** Where the held request is handed on from. */
  ChannelHandlerContext heldAt() {
    return heldAt;
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

  /** A queued request was turned away after waiting: nothing to give back but what it held. */
  void refused() {
    if (phase == Phase.RELEASED) {
      return;
    }
    phase = Phase.RELEASED;
    ReferenceCountUtil.release(takeHeld());
  }

  /**
   * Gives the slot back (or leaves the queue) and releases a request still held; later calls do
   * nothing.
   */
  void release(Outcome outcome) {
    Phase was = phase;
    if (was == Phase.RELEASED) {
      return; // later calls do nothing
    }
    phase = Phase.RELEASED;
    ReferenceCountUtil.release(takeHeld()); // a request never handed on
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
