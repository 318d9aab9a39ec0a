package dev.stability.netty.server;

import dev.stability.guard.ProblemDetails;

/**
 * What the server does about something that went wrong with a request or a connection: the value
 * every rule of {@link ServerAnswers} returns and one method of the handler that asked carries out
 * (the shape of core's {@code chain.Verdict}). Immutable.
 *
 * @param action what to do
 * @param problem the answer, for the answering actions; {@code null} otherwise
 */
record Decision(Action action, ProblemDetails problem) {
  /** Nothing to do: the exchange already ended, or it is judged later. */
  static final Decision IGNORE = new Decision(Action.IGNORE, null);

  /** Close the connection without an answer: a response started, or nobody could pair an answer. */
  static final Decision CLOSE = new Decision(Action.CLOSE, null);

  /** The kinds of decision. */
  enum Action {
    /** Do nothing. */
    IGNORE,
    /** Close the connection, answering nothing. */
    CLOSE,
    /** Answer with {@link #problem()} and keep the connection. */
    ANSWER,
    /**
     * Answer with {@link #problem()}, {@code Connection: close}, and close after it was written.
     */
    ANSWER_AND_CLOSE,
    /**
     * Answer with {@link #problem()} and close, but only after the responses of the requests before
     * it.
     */
    ANSWER_AFTER_IN_FLIGHT
  }

  static Decision answer(ProblemDetails problem) {
    return new Decision(Action.ANSWER, problem);
  }

  static Decision answerAndClose(ProblemDetails problem) {
    return new Decision(Action.ANSWER_AND_CLOSE, problem);
  }

  static Decision answerAfterInFlight(ProblemDetails problem) {
    return new Decision(Action.ANSWER_AFTER_IN_FLIGHT, problem);
  }

  /** Returns whether the connection closes after this decision was carried out. */
  boolean closes() {
    return action != Action.IGNORE && action != Action.ANSWER;
  }
}
