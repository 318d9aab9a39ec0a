package dev.stability.admission;

/**
 * The right to run one admitted request; report how it ended exactly once.
 *
 * <p>Only the first report counts: later ones, from any thread, do nothing, so a server may report
 * on every path (response written, channel closed, handler failed) without counting twice. A permit
 * never reported keeps its slot forever: report in a {@code finally} or on channel close.
 */
public interface AdmissionPermit {

  /** The request completed normally: its round-trip time feeds the limit. */
  void onSuccess();

  /** The request ended in a way that signals overload (timed out, deadline exceeded). */
  void onDropped();

  /**
   * The request ended without telling anything about load (the client went away, a bad request):
   * the slot is freed and no sample is taken.
   */
  void onIgnore();
}
