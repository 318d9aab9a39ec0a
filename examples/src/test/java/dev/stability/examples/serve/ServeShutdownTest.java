package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serve mode's lifecycle: HTTPS with {@code --tls-cert}/{@code --tls-key}, and SIGTERM's drain. */
class ServeShutdownTest {
  @TempDir Path dir;

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shutdownTurnsReadyTo503WhileServingThenDrainsAndRefusesConnections() throws Exception {
    ServeCommand serve =
        ServeCommand.start(
            ServeOptions.parse("--port", "0", "--ready-delay", "800ms", "--drain-timeout", "2s"));
    URI base = serve.uri();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      assertThat(get(http, base.resolve("/ready")).statusCode()).isEqualTo(200);
      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return serve.shutdown();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return false;
                }
              });
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(http, base.resolve("/ready")).statusCode() == 503);
      assertThat(get(http, base.resolve("/hello")).body()).isEqualTo("hello"); // still serving
      assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> new Socket("127.0.0.1", base.getPort()).close())
          .isInstanceOf(ConnectException.class);
    } finally {
      serve.close();
    }
  }

  @Test
  void tlsServeModeAnswersCurlWithTheCaAndRefusesCurlWithoutIt() throws Exception {
    require("openssl");
    require("curl");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=serve-ca");
    run(
        "openssl",
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost");
    Files.writeString(dir.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "9",
        "-days",
        "2",
        "-out",
        "leaf.crt",
        "-extfile",
        "leaf.ext");
    ServeCommand serve =
        ServeCommand.start(
            ServeOptions.parse(
                "--port", "0",
                "--tls-cert", dir.resolve("leaf.crt").toString(),
                "--tls-key", dir.resolve("leaf.key").toString()));
    try {
      URI hello = serve.uri().resolve("/hello");
      assertThat(hello.getScheme()).isEqualTo("https");
      String resolve = "localhost:" + hello.getPort() + ":127.0.0.1";
      assertThat(
              run(
                  "curl",
                  "-sS",
                  "--max-time",
                  "10",
                  "--resolve",
                  resolve,
                  "--cacert",
                  "ca.crt",
                  hello.toString()))
          .isEqualTo("hello");
      assertThatThrownBy(
              () -> run("curl", "-sS", "--max-time", "10", "--resolve", resolve, hello.toString()))
          .hasMessageContaining("exited 60");
    } finally {
      serve.close();
    }
  }

  @Test
  void tlsOptionsComeInPairs() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    assertThatThrownBy(() -> ServeOptions.parse("--tls-cert", cert.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tls-key: missing (expected: --tls-cert and --tls-key together)");
    assertThatThrownBy(() -> ServeOptions.parse("--tls-key", dir.resolve("nope").toString()))
        .hasMessageContaining("--tls-key: '")
        .hasMessageContaining("(expected: a readable file)");
  }

  private static void require(String binary) {
    if (List.of("/usr/bin/", "/usr/local/bin/").stream()
        .noneMatch(d -> Files.isExecutable(Path.of(d + binary)))) {
      String message = "no " + binary + ": apt-get install -y " + binary;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + " (CI=true: .ci/run must install it)");
      }
      Assumptions.abort(message + "; skipping");
    }
  }

  private String run(String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "cmd", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    String output = Files.readString(out).strip();
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
    }
    return output;
  }
}
