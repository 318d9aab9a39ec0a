package dev.stability.chain;

import dev.stability.context.RequestContext;
import dev.stability.timeline.PhaseTimeline;
import java.util.Objects;

/**
 * The chain state of one request: the adapter reports what each stage does, and every call returns
 * the {@link Verdict} the adapter must follow (let through, drop, close, or answer an error now).
 *
 * <p>Report, per stage: {@link #enter} before calling it, {@link #forwarded} when it passes the
 * request on, {@link #responded} when it sends the response status, {@link #wrote} for body
 * content, {@link #completed} when the response ends, {@link #async} when it handed the request to
 * other work, {@link #failed} when it threw, and {@link #stageReturned} when its call returns. Call
 * {@link #deadlineExceeded()} from the request's deadline timer and {@link #finish()} when the
 * exchange is over. A repair answers a request at most once: after an {@code ANSWER_*} verdict,
 * every later response or write of that request is dropped.
 *
 * <p>Methods are thread-safe (the adapter may report from the event loop and from handler threads)
 * and cheap on the no-violation path: bit operations on a few fields plus the stage's counters. Do
 * not reuse an exchange for another request.
 */
public final class TrackedRequest {
  private final ChainTracker tracker;
  private final String requestId;
  private final RequestContext ctx;
  private long entered;
  private long forwarded;
  private long responded;
  private long asyncOrFailed;
  private int deepest = -1;
  private Stage responder;
  private boolean headSent;
  private boolean ended;
  private boolean repaired;
  private boolean finished;
  private boolean checked;
  private boolean swallowReported;

  TrackedRequest(ChainTracker tracker, String requestId, RequestContext ctx) {
    this.tracker = tracker;
    this.requestId = requestId;
    this.ctx = ctx;
  }

  /** Returns the request id. */
  public String requestId() {
    return requestId;
  }

  /**
   * Records that the request entered {@code stage}.
   *
   * @param stage the stage about to run
   */
  public synchronized void enter(Stage stage) {
    check(stage);
    entered |= stage.bit;
    if (stage.index > deepest) {
      deepest = stage.index;
    }
    stage.counters.entered.increment();
  }

  /**
   * Records that {@code stage} passed the request to the next stage.
   *
   * @param stage the forwarding stage
   * @return {@link Verdict#ALLOW}, or {@link Verdict#DROP} for a repaired double forward or forward
   *     after response
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict forwarded(Stage stage) {
    check(stage);
    if ((forwarded & stage.bit) != 0) {
      return dropUnlessReported(ViolationType.DOUBLE_FORWARD, stage, Verdict.DROP);
    }
    if (headSent) {
      return dropUnlessReported(ViolationType.FORWARD_AFTER_RESPONSE, stage, Verdict.DROP);
    }
    forwarded |= stage.bit;
    stage.counters.forwarded.increment();
    return Verdict.ALLOW;
  }

  /**
   * Records that {@code stage} sent the response status (the head, or a full response: then also
   * call {@link #completed(Stage)}).
   *
   * @param stage the responding stage
   * @return {@link Verdict#ALLOW}; for a duplicate under repair {@link Verdict#DROP} when the first
   *     response has ended, or {@link Verdict#DROP_AND_CLOSE} while it is still being written
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict responded(Stage stage) {
    check(stage);
    if (headSent) {
      return dropUnlessReported(
          ViolationType.DOUBLE_RESPONSE, stage, ended ? Verdict.DROP : Verdict.DROP_AND_CLOSE);
    }
    headSent = true;
    responder = stage;
    responded |= stage.bit;
    stage.counters.responded.increment();
    return Verdict.ALLOW;
  }

  /**
   * Records that {@code stage} sent a complete response (status, body and end in one message, like
   * Netty's {@code FullHttpResponse}): {@link #responded(Stage)} then, if allowed, {@link
   * #completed(Stage)}.
   *
   * @param stage the responding stage
   * @return the verdict of {@link #responded(Stage)}
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict respondedFully(Stage stage) {
    Verdict v = responded(stage);
    if (v == Verdict.ALLOW && !ended) {
      ended = true;
    }
    return v;
  }

  /**
   * Records that {@code stage} wrote body content.
   *
   * @param stage the writing stage
   * @return {@link Verdict#ALLOW}; under repair {@link Verdict#DROP} after the end, {@link
   *     Verdict#ANSWER_500} (drop the content, answer 500 instead) before any status
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict wrote(Stage stage) {
    check(stage);
    if (ended) {
      return dropUnlessReported(ViolationType.WRITE_AFTER_END, stage, Verdict.DROP);
    }
    if (!headSent) {
      return answerUnlessReported(ViolationType.NO_STATUS, stage, Verdict.ANSWER_500);
    }
    return Verdict.ALLOW;
  }

  /**
   * Records that the response ended, attributed to the stage that sent the status (or, without one,
   * to the innermost entered stage).
   *
   * @return the verdict, as for {@link #completed(Stage)}
   * @throws IllegalStateException when no stage was entered: use {@link #completed(Stage)}
   */
  public synchronized Verdict completed() {
    if (responder != null) {
      return completed(responder);
    }
    if (deepest < 0) {
      throw new IllegalStateException(
          "completed() on exchange "
              + requestId
              + " before any stage was entered "
              + "(expected: completed(stage), naming the stage that ended the response)");
    }
    return completed(tracker.stageAt(deepest));
  }

  /**
   * Records that {@code stage} ended the response (wrote its last content).
   *
   * @param stage the stage that ended it
   * @return {@link Verdict#ALLOW}; under repair {@link Verdict#DROP} for a second end, {@link
   *     Verdict#ANSWER_500} for an end without status
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict completed(Stage stage) {
    check(stage);
    if (ended) {
      return dropUnlessReported(ViolationType.WRITE_AFTER_END, stage, Verdict.DROP);
    }
    if (!headSent) {
      return answerUnlessReported(ViolationType.NO_STATUS, stage, Verdict.ANSWER_500);
    }
    ended = true;
    return Verdict.ALLOW;
  }

  /**
   * Records that {@code stage} handed the request to asynchronous work, so returning without
   * forwarding or responding is not a swallow; the deadline still catches it if nothing answers.
   *
   * @param stage the stage
   */
  public synchronized void async(Stage stage) {
    check(stage);
    asyncOrFailed |= stage.bit;
  }

  /**
   * Records that {@code stage} threw; the exception guard answers for it, so its return is not a
   * swallow.
   *
   * @param stage the stage
   */
  public synchronized void failed(Stage stage) {
    check(stage);
    asyncOrFailed |= stage.bit;
    stage.counters.failed.increment();
  }

  /**
   * Records that the call into {@code stage} returned, and checks that it forwarded, responded,
   * went async or failed.
   *
   * @param stage the stage whose call returned
   * @return {@link Verdict#ALLOW}, or {@link Verdict#ANSWER_500} when it swallowed the request
   *     under repair
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict stageReturned(Stage stage) {
    check(stage);
    long acted = forwarded | responded | asyncOrFailed;
    if ((acted & stage.bit) != 0 || headSent || finished || swallowReported) {
      return Verdict.ALLOW;
    }
    swallowReported = true; // under REPORT the deadline must not count the same swallow again
    return answerUnlessReported(ViolationType.SWALLOWED, stage, Verdict.ANSWER_500);
  }

  /**
   * Checks the exchange when the request's deadline passed: a request nobody answered was swallowed
   * by the innermost stage holding it, a started response is missing its end.
   *
   * @return {@link Verdict#ALLOW}, {@link Verdict#ANSWER_504} for a swallowed request, or {@link
   *     Verdict#DROP_AND_CLOSE} for a response without end (under repair)
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict deadlineExceeded() {
    return check(Verdict.ANSWER_504);
  }

  /**
   * Ends the exchange (response flushed or connection closed) and checks it like {@link
   * #deadlineExceeded()}, answering 500 rather than 504; later calls return {@link Verdict#ALLOW}.
   *
   * @return the verdict for the adapter, if the connection is still open
   * @throws ChainViolationException under {@link ViolationPolicy#FAIL}
   */
  public synchronized Verdict finish() {
    if (finished) {
      return Verdict.ALLOW;
    }
    Verdict v = check(Verdict.ANSWER_500);
    finished = true;
    return v;
  }

  /** Returns whether a response status was sent, by a stage or by a repair. */
  public synchronized boolean isResponded() {
    return headSent;
  }

  /** Returns whether the response ended. */
  public synchronized boolean isEnded() {
    return ended;
  }

  /** Returns whether the tracker told the adapter to answer this request itself. */
  public synchronized boolean isRepaired() {
    return repaired;
  }

  private Verdict check(Verdict answer) {
    if (finished || checked) {
      return Verdict.ALLOW;
    }
    if (entered == 0) {
      return Verdict
          .ALLOW; // no stage ever saw the request: nobody to blame, the adapter owns its fate
    }
    checked =
        true; // report the end state once, at the deadline or at finish, whichever comes first
    if (!headSent) {
      if (swallowReported) {
        return Verdict.ALLOW;
      }
      swallowReported = true;
      return answerUnlessReported(ViolationType.SWALLOWED, holder(), answer);
    }
    if (!ended) {
      Verdict v = dropUnlessReported(ViolationType.MISSING_END, responder, Verdict.DROP_AND_CLOSE);
      if (v != Verdict.ALLOW) {
        ended = true;
      }
      return v;
    }
    return Verdict.ALLOW;
  }

  /**
   * The innermost entered stage that did not forward holds the request; else the last one forwarded
   * it away.
   */
  private Stage holder() {
    for (int i = deepest; i >= 0; i--) {
      long bit = 1L << i;
      if ((entered & bit) != 0 && (forwarded & bit) == 0) {
        return tracker.stageAt(i);
      }
    }
    return tracker.stageAt(
        deepest); // every entered stage forwarded: the last one sent it off the end
  }

  private Verdict dropUnlessReported(ViolationType type, Stage stage, Verdict repair) {
    ViolationPolicy policy = tracker.violation(type, stage, requestId, timeline());
    return policy == ViolationPolicy.REPAIR || repaired ? repair : Verdict.ALLOW;
  }

  private Verdict answerUnlessReported(ViolationType type, Stage stage, Verdict repair) {
    ViolationPolicy policy = tracker.violation(type, stage, requestId, timeline());
    if (policy != ViolationPolicy.REPAIR) {
      return Verdict.ALLOW;
    }
    repaired = true;
    headSent = true;
    ended = true;
    return repair;
  }

  private String timeline() {
    PhaseTimeline t = ctx == null ? null : ctx.get(PhaseTimeline.KEY);
    return t == null ? null : t.render();
  }

  private void check(Stage stage) {
    Objects.requireNonNull(stage, "stage");
    if (stage.tracker != tracker) {
      throw new IllegalArgumentException(
          "stage: " + stage + " of " + stage.tracker + " (expected: a stage of " + tracker + ")");
    }
  }

  @Override
  public synchronized String toString() {
    return "TrackedRequest("
        + requestId
        + ", responded="
        + headSent
        + ", ended="
        + ended
        + ", repaired="
        + repaired
        + ")";
  }
}
