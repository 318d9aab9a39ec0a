package dev.stability.netty.server.internal;

import dev.stability.time.Durations;

/**
 * When each phase of one request began, to say in a postmortem where a request's time went (received, queued
 * behind a pipelined request, in the handler, writing the response).
 */
final class Phases {
  static final int RECEIVED = 0;
  static final int DISPATCHED = 1;
  static final int RESPONSE_STARTED = 2;
  static final int RESPONSE_ENDED = 3;
  private static final String[] NAMES = {"received", "handler", "responding", "done"};

  private final long[] at = new long[4];
  private int current;

  Phases(long now) {
    at[RECEIVED] = now;
  }

  void enter(int phase, long now) {
    while (current < phase) {
      at[++current] = now;
    }
  }

  /** Returns the name of the phase the request is in: "received" means queued behind another request. */
  String currentName() {
    return current == RECEIVED ? "queued" : NAMES[current];
  }

  long startedAt() {
    return at[RECEIVED];
  }

  /** Renders {@code queued=0ms handler=1000ms} up to {@code now}. */
  String render(long now) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= current; i++) {
      long end = i == current ? now : at[i + 1];
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(i == RECEIVED ? "queued" : NAMES[i]).append('=').append(Durations.format(end - at[i]));
    }
    return sb.toString();
  }
}
