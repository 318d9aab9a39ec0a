package dev.stability.guard;

/** A task without a result that may throw checked exceptions, for {@link Guard#run}. */
@FunctionalInterface
public interface CheckedRunnable {

  /**
   * Runs the task.
   *
   * @throws Exception whatever the task throws; the guard turns it into an incident
   */
  void run() throws Exception;
}
