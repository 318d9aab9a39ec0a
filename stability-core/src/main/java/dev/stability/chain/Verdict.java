package dev.stability.chain;

/** What the adapter must do with the action it just reported to a {@link TrackedRequest}. */
public enum Verdict {
  /** Let the action through: no violation, or the policy only reports. */
  ALLOW,
  /** Drop the action (release its message); the exchange stays usable. */
  DROP,
  /**
   * Drop the action and close the connection: the response on the wire cannot be completed
   * correctly.
   */
  DROP_AND_CLOSE,
  /**
   * Answer the request with a 500 problem response now: a stage swallowed it or wrote a body
   * without status.
   */
  ANSWER_500,
  /**
   * Answer the request with a 504 problem response now: nothing answered it before its deadline.
   */
  ANSWER_504;

  /**
   * Returns whether the adapter must not pass the reported action on.
   *
   * @return {@code true} for every verdict but {@link #ALLOW}
   */
  public boolean drops() {
    return this != ALLOW;
  }

  /**
   * Returns the status the adapter must answer with, or 0 when it must not answer.
   *
   * @return 500, 504 or 0
   */
  public int answerStatus() {
    return this == ANSWER_500 ? 500 : this == ANSWER_504 ? 504 : 0;
  }
}
