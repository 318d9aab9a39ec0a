package dev.stability.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleProbeTest {
  private static final List<String> JVM =
      List.of(
          "-Xms128m",
          "-Xmx128m",
          "-XX:+UseSerialGC",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  private static final String CLASSPATH = System.getProperty("java.class.path");

  @Test
  void bareServerHoldsHeapPerIdleConnectionAndPerTimedRequestAndNoneAfterClose() throws Exception {
    Result r = ScaleProbe.probe("bare", 200, JVM, CLASSPATH);

    // a NIO channel, its pipeline and codec state are at least ~1 KB, and far below 100 KB
    assertThat(r.idleHeapPerConnection()).isBetween(1_000.0, 100_000.0);
    // the 504 timer and its close listener
    assertThat(r.heapPerRequest()).isBetween(16.0, 10_000.0);
    // closed connections leave at most noise (pools, selector tables): well under a connection's
    // worth each
    assertThat((double) (r.closed().heap() - r.base().heap()) / r.n())
        .isLessThan(r.idleHeapPerConnection());
  }

  @Test
  void guardedServerKeepsIdleConnectionsAndHeldRequestsOpenThroughTheProbe() throws Exception {
    // the probe itself fails when the server's connection count is not the expected one at each
    // step
    Result r = ScaleProbe.probe("guarded", 200, JVM, CLASSPATH);

    assertThat(r.idleHeapPerConnection()).isBetween(1_000.0, 100_000.0);
    assertThat(r.heapPerRequest()).isBetween(16.0, 20_000.0);
    assertThat(r.idleDirectPerConnection()).isLessThan(16_384.0);
  }
}
