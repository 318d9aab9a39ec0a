package dev.stability.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stability.config.ConfigListener;
import dev.stability.config.ConfigParser;
import dev.stability.config.ConfigRejectedException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdConfigSourceTest {
  /** {@code maxConnections=N}, checked like a builder: 1 to 10 000. */
  record Limits(int maxConnections) {
    Limits {
      if (maxConnections < 1 || maxConnections > 10_000) {
        throw new IllegalArgumentException(
            "maxConnections: " + maxConnections + " (expected: >= 1 and <= 10000)");
      }
    }

    static final ConfigParser<Limits> PARSER =
        text -> {
          String[] kv = text.strip().split("=", 2);
          if (kv.length != 2 || !kv[0].equals("maxConnections")) {
            throw new IllegalArgumentException(
                "text: '" + text.strip() + "' (expected: maxConnections=<n>)");
          }
          return new Limits(Integer.parseInt(kv[1]));
        };
  }

  @TempDir static Path dir;
  static EtcdProcess etcd;
  static Client client;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> rejections = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdProcess.start(dir);
    client =
        Client.builder()
            .endpoints(etcd.endpoint())
            .retryMaxDuration(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stopEtcd() {
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private static void put(String key, String value) throws Exception {
    client
        .getKVClient()
        .put(
            ByteSequence.from(key, StandardCharsets.UTF_8),
            ByteSequence.from(value, StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);
  }

  private EtcdConfigSource<Limits> source(String key) {
    return EtcdConfigSource.builder("limits", client, key, Limits.PARSER)
        .meterRegistry(meters)
        .retryDelay(Duration.ofMillis(100))
        .listener(
            new ConfigListener<Limits>() {
              @Override
              public void onApplied(String source, Limits previous, Limits current) {}

              @Override
              public void onRejected(ConfigRejectedException rejection) {
                rejections.add(rejection.reason());
              }
            })
        .build();
  }

  private double rejected() {
    return meters.get("stability.config.updates").tag("outcome", "rejected").counter().count();
  }

  @Test
  void watchDeliversAnUpdate() throws Exception {
    put("/svc/a", "maxConnections=10");
    try (EtcdConfigSource<Limits> source = source("/svc/a")) {
      assertThat(source.current().maxConnections()).isEqualTo(10);
      put("/svc/a", "maxConnections=20");
      await().atMost(Duration.ofSeconds(10)).until(() -> source.current().maxConnections() == 20);
    }
  }

  @Test
  void invalidUpdateIsRejectedWithTheBuildersMessageAndTheLastGoodValueStays() throws Exception {
    put("/svc/b", "maxConnections=10");
    try (EtcdConfigSource<Limits> source = source("/svc/b")) {
      put("/svc/b", "maxConnections=0");
      await().atMost(Duration.ofSeconds(10)).until(() -> rejected() == 1);
      assertThat(rejections).containsExactly("maxConnections: 0 (expected: >= 1 and <= 10000)");
      assertThat(source.current().maxConnections()).isEqualTo(10);
      client
          .getKVClient()
          .delete(ByteSequence.from("/svc/b", StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> rejected() == 2);
      assertThat(source.current().maxConnections()).isEqualTo(10);
      put("/svc/b", "maxConnections=30");
      await().atMost(Duration.ofSeconds(10)).until(() -> source.current().maxConnections() == 30);
    }
  }

  @Test
  void missingKeyWithoutFallbackFailsTheBuildNamingTheKey() {
    assertThatThrownBy(() -> source("/svc/absent"))
        .isInstanceOf(ConfigRejectedException.class)
        .hasMessageContaining("key: /svc/absent (expected: present in etcd); no last good value");
  }

  @Test
  void watchResumesAfterEtcdRestartsMidRun() throws Exception {
    put("/svc/c", "maxConnections=10");
    try (EtcdConfigSource<Limits> source = source("/svc/c")) {
      etcd.stop();
      etcd.start();
      put("/svc/c", "maxConnections=40");
      await().atMost(Duration.ofSeconds(30)).until(() -> source.current().maxConnections() == 40);
      assertThat(rejected()).isZero();
    }
  }
}
