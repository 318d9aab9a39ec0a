package dev.stability.jdbc;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for one test class: {@code initdb} into a temporary directory, {@code
 * pg_ctl start} on a free loopback port with its unix socket in that directory, {@code pg_ctl stop}
 * after the class.
 *
 * <p>The binaries come from the Debian {@code postgresql} package ({@code
 * /usr/lib/postgresql/N/bin}, or the directory in {@code PG_BIN}). PostgreSQL refuses to run as
 * root, so as root the commands run as the {@code postgres} user through {@code runuser}, with the
 * temporary directory owned by it. Without the binaries the tests are skipped with a message saying
 * so, except under {@code CI=true}, where they fail: CI installs the package and must never pass
 * these tests by skipping them.
 */
final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
  static final String USER = "stability";
  private static final String RUN_AS = "postgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private Path binDir;
  private Path dir;
  private boolean asRoot;
  private int port;
  private boolean started;

  /** Returns the JDBC URL of the running server. */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:"
        + port
        + "/postgres?user="
        + USER
        + "&ApplicationName=stability-test";
  }

  /** Opens a connection outside any pool, for checks such as pg_stat_activity. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    binDir = findBinaries();
    if (binDir == null) {
      String message =
          "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (or $PG_BIN): install the"
              + " Debian package (apt-get install -y postgresql) to run "
              + context.getDisplayName();
      if ("true".equals(System.getenv("CI"))) {
        fail(message + "; CI must run these tests, not skip them");
      }
      Assumptions.abort(message);
    }
    asRoot = "root".equals(System.getProperty("user.name"));
    dir = Files.createTempDirectory("stability-pg-");
    if (asRoot) {
      UserPrincipal owner =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
      Files.setOwner(dir, owner);
    }
    port = freePort();
    run(
        List.of(
            bin("initdb"),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions"),
        Duration.ofSeconds(120));
    String options =
        "-p "
            + port
            + " -c listen_addresses=127.0.0.1 -k "
            + dir
            + " -c fsync=off"
            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB";
    run(
        List.of(
            bin("pg_ctl"),
            "-D",
            dir.resolve("data").toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start"),
        START_TIMEOUT);
    started = true;
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection c = connect()) {
                return c.isValid(2);
              }
            });
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (started) {
        run(
            List.of(
                bin("pg_ctl"),
                "-D",
                dir.resolve("data").toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop"),
            Duration.ofSeconds(90));
      }
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private void run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
    }
    full.addAll(command);
    Path log = Files.createTempFile("stability-pg-cmd-", ".log");
    try {
      Process p =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            command.get(0) + " did not finish within " + timeout + ": " + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        String serverLog =
            Files.exists(dir.resolve("server.log"))
                ? Files.readString(dir.resolve("server.log"))
                : "";
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + p.exitValue()
                + ": "
                + Files.readString(log)
                + serverLog);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Path findBinaries() throws IOException {
    String env = System.getenv("PG_BIN");
    if (env != null && Files.isExecutable(Paths.get(env, "initdb"))) {
      return Paths.get(env);
    }
    Path root = Paths.get("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> versionOf(b.getParent())))
          .orElse(null);
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
