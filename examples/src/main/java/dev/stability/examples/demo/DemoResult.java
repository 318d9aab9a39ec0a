package dev.stability.examples.demo;

import java.util.List;

/**
 * The outcome of a demo run.
 *
 * @param ok whether every invariant held
 * @param broken the invariants that did not hold, with what was measured
 * @param requests the number of requests the caller sent
 */
public record DemoResult(boolean ok, List<String> broken, long requests) {
  /** Returns the process exit code: 0 only when every invariant held, else 1. */
  public int exitCode() {
    return ok ? 0 : 1;
  }
}
