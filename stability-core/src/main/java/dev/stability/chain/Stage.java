package dev.stability.chain;

/**
 * A named stage of one {@link ChainTracker}, such as a filter or the handler; obtained from {@link
 * ChainTracker#stage(String)} once, at pipeline build time, and passed to every {@link
 * TrackedRequest} call.
 *
 * <p>Do not share stages between trackers: an exchange rejects a stage of another tracker.
 */
public final class Stage {
  final ChainTracker tracker;
  final String name;
  final int index;
  final long bit;
  final StageCounters counters;

  Stage(ChainTracker tracker, String name, int index) {
    this.tracker = tracker;
    this.name = name;
    this.index = index;
    this.bit = 1L << index;
    this.counters = new StageCounters();
  }

  /** Returns the name. */
  public String name() {
    return name;
  }

  /** Returns the position in the chain, from 0. */
  public int index() {
    return index;
  }

  @Override
  public String toString() {
    return "Stage(" + name + ", #" + index + ")";
  }
}
