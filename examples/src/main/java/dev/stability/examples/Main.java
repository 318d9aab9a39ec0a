package dev.stability.examples;

/** Entry point of the examples jar: runs the demo, or a guarded server with {@code serve}. */
public final class Main {
  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.out.println("demo not built yet");
  }
}
