package dev.stability.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Prometheus toolchain on the PATH. Outside CI a missing tool skips the test with a
 * message; with {@code CI=true} it fails it, so that CI cannot pass without checking (.ci/run
 * installs Debian's prometheus).
 */
final class Promtool {
  private static final long TIMEOUT_SECONDS = 60;

  private Promtool() {}

  /** Returns the binary's path, or skips (outside CI) or fails (in CI) the calling test. */
  static Path require(String name) {
    Optional<Path> found = find(name);
    if (found.isPresent()) {
      return found.get();
    }
    String why = name + " is not on the PATH (Debian: apt-get install -y prometheus)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(why + "; CI=true, so the observability checks must run");
    }
    Assumptions.abort(why + "; skipped outside CI");
    throw new AssertionError("unreachable");
  }

  static Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs promtool with the arguments, bounded in time, and asserts it succeeded; returns its
   * output.
   */
  static String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(require("promtool").toString());
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("promtool", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(done).as("promtool finished within %d s", TIMEOUT_SECONDS).isTrue();
      assertThat(p.exitValue()).as("%s\n%s", String.join(" ", cmd), out).isZero();
      return out;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
