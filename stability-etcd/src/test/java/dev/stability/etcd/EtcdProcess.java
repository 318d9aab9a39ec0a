package dev.stability.etcd;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd on loopback for integration tests: temporary data dir, free client and peer ports,
 * started and stopped through its own process handle. Without the binary a test is skipped with a
 * message, or fails under {@code CI=true}, where {@code .ci/run} installs Debian's {@code
 * etcd-server}.
 */
final class EtcdProcess implements AutoCloseable {
  private final Path binary;
  private final Path dataDir;
  private final Path logFile;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdProcess(Path binary, Path dataDir) {
    this.binary = binary;
    this.dataDir = dataDir;
    this.logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.clientPort = freePort();
    this.peerPort = freePort();
  }

  /** Starts etcd in {@code dir}, or skips (fails under CI) when no binary is installed. */
  static EtcdProcess start(Path dir) {
    Path binary =
        List.of(Path.of("/usr/bin/etcd"), Path.of("/usr/local/bin/etcd")).stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    if (binary == null) {
      String message =
          "no etcd binary in /usr/bin or /usr/local/bin: apt-get install -y etcd-server";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + " (CI=true: .ci/run must install it)");
      }
      Assumptions.abort(message + "; skipping the etcd integration test");
    }
    EtcdProcess etcd = new EtcdProcess(binary, dir.resolve("etcd-data"));
    etcd.start();
    return etcd;
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  void start() {
    String client = endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    ProcessBuilder pb =
        new ProcessBuilder(
                binary.toString(),
                "--name",
                "default",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "default=" + peer,
                "--log-level",
                "warn")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "etcd exited with " + process.exitValue() + ": " + Files.readString(logFile));
              }
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(URI.create(client + "/health"))
                          .timeout(Duration.ofSeconds(1))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              return r.statusCode() == 200 && r.body().contains("true");
            });
  }

  /** Stops this etcd (and only it) by its process handle; the data dir stays for a restart. */
  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
