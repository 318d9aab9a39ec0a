package dev.stability.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.testkit.leak.LeakDetectionExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode speaks h2c on its one port (HTTP/2 on by default): {@code h2load} with prior
 * knowledge, {@code nghttp -u} and the JDK's client by upgrade; {@code --http2 off} stays HTTP/1.1.
 * The nghttp2 clients are skipped without Debian's {@code nghttp2-client}, failed under {@code
 * CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeHttp2Test {
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  @TempDir Path dir;
  private ServeCommand serve;
  private URI base;

  @BeforeAll
  void start() throws Exception {
    serve =
        ServeCommand.start(
            ServeOptions.parse(
                "--port", "0", "--max-deadline", "1s", "--default-deadline", "400ms"));
    base = serve.uri();
  }

  @AfterAll
  void stop() {
    serve.close();
  }

  @Test
  void h2loadWithPriorKnowledgeGetsOnly200FromHello() throws Exception {
    require("h2load");
    String out = run("h2load", "-c", "4", "-m", "16", "-n", "256", base + "/hello");
    assertThat(out).contains("Application protocol: h2c");
    assertThat(out).contains("requests: 256 total, 256 started, 256 done, 256 succeeded");
    assertThat(out).contains("status codes: 256 2xx, 0 3xx, 0 4xx, 0 5xx");
  }

  @Test
  void nghttpUpgradesAndItsSlowStreamGets504BesideA200() throws Exception {
    require("nghttp");
    String out = run("nghttp", "-v", "-u", "-n", base + "/hello", base + "/slow?ms=5000");
    assertThat(out).contains("HTTP Upgrade success");
    assertThat(statuses(out)).containsExactlyInAnyOrder("200", "504");
  }

  @Test
  void theJdkClientUpgradesToHttp2() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/hello")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
  }

  @Test
  void http2OffStaysHttp11() throws Exception {
    try (ServeCommand plain =
        ServeCommand.start(ServeOptions.parse("--port", "0", "--http2", "off"))) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(plain.uri().resolve("/hello"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  private static List<String> statuses(String nghttpVerbose) {
    Matcher m = Pattern.compile(":status: (\\d{3})").matcher(nghttpVerbose);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static void require(String binary) {
    if (List.of("/usr/bin/", "/usr/local/bin/").stream()
        .noneMatch(d -> Files.isExecutable(Path.of(d + binary)))) {
      String message = "no " + binary + ": apt-get install -y nghttp2-client";
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
    String output = Files.readString(out);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
