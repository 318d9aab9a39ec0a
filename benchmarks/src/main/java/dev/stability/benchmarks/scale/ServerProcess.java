package dev.stability.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScaleServer} in a child JVM, spoken to line by line. {@link #close()} stops it on every
 * path: asks it to quit, then destroys it (forcibly after 10 s); a JVM shutdown hook does the same
 * if the probe is killed.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread hook;
  final int port;

  ServerProcess(String mode, List<String> jvmOptions, String classpath)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, ScaleServer.class.getName(), mode));
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    hook = new Thread(process::destroyForcibly, "scale-server-stopper");
    Runtime.getRuntime().addShutdownHook(hook);
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::pump, "scale-server-output");
    reader.setDaemon(true);
    reader.start();
    String ready = await("ready ");
    port = Integer.parseInt(ready.substring(ready.indexOf('=') + 1).trim());
  }

  /**
   * Sends {@code command} and returns its answer line (the first line that starts with the
   * command's name).
   */
  String ask(String command) throws InterruptedException {
    in.println(command);
    return await(command + " ");
  }

  /** The {@code channels=} and {@code held=} values of a {@code count} or {@code stats} answer. */
  static int field(String answer, String name) {
    for (String f : answer.split(" ")) {
      if (f.startsWith(name + "=")) {
        return Integer.parseInt(f.substring(name.length() + 1));
      }
    }
    throw new IllegalStateException("no " + name + " in server answer: " + answer);
  }

  private String await(String prefix) throws InterruptedException {
    long end = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IllegalStateException(
            "server gave no '"
                + prefix.trim()
                + "' line in "
                + ANSWER_TIMEOUT
                + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      System.err.println(
          "  server: " + line); // a warning or a stack trace: show it, do not parse it
    }
  }

  private void pump() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("output closed: " + e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.println("quit");
      in.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      process.destroyForcibly();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it destroys the process too
      }
    }
  }
}
