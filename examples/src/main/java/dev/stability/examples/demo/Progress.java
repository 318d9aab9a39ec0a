package dev.stability.examples.demo;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Keeps one status line up to date while the scenario runs: rewritten in place on a terminal,
 * printed once per phase otherwise (logs and tests stay readable).
 */
final class Progress implements AutoCloseable {
  private final PrintStream out;
  private final boolean terminal;
  private final Supplier<String> status;
  private final Thread thread;
  private volatile boolean running = true;

  Progress(PrintStream out, boolean terminal, Supplier<String> status) {
    this.out = out;
    this.terminal = terminal;
    this.status = status;
    this.thread = new Thread(this::loop, "demo-progress");
    this.thread.setDaemon(true);
    if (terminal) {
      thread.start();
    }
  }

  private void loop() {
    while (running) {
      synchronized (out) {
        out.print("\r  " + pad(status.get()));
        out.flush();
      }
      try {
        Thread.sleep(200); // a display refresh rate, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Prints a line that stays, e.g. at the end of a phase. */
  void milestone(String line) {
    synchronized (out) {
      out.print(terminal ? "\r  " + pad(line) + "\n" : "  " + line + "\n");
      out.flush();
    }
  }

  private static String pad(String s) {
    return s.length() >= 100 ? s : s + " ".repeat(100 - s.length());
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    if (terminal) {
      thread.join(1000);
      synchronized (out) {
        out.print("\r" + " ".repeat(102) + "\r");
        out.flush();
      }
    }
  }
}
