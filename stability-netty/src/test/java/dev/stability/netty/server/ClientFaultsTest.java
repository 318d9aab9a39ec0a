package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientFaultsTest {
  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ClientFaults faults =
      new ClientFaults(registry, now::get, Duration.ofSeconds(10).toNanos());
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ClientFaults.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level level;

  @BeforeEach
  void capture() {
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(level);
    channel.finishAndReleaseAll();
  }

  private double count(ClientFault kind) {
    return registry.get(ClientFaults.METER).tag("kind", kind.tag()).counter().count();
  }

  @Test
  void everyFaultIsCountedByKindButLoggedAtInfoOncePerKindPerInterval() {
    for (int i = 0; i < 200; i++) {
      faults.record(
          ClientFault.PREMATURE_CLOSE, new PrematureChannelClosureException("left"), channel);
    }
    faults.record(ClientFault.RESET, new IOException("Connection reset by peer"), channel);

    assertThat(count(ClientFault.PREMATURE_CLOSE)).isEqualTo(200);
    assertThat(count(ClientFault.RESET)).isEqualTo(1);
    assertThat(count(ClientFault.DECODE_FAILURE)).isZero();
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.INFO);
              assertThat(e.getThrowableProxy()).isNull();
            });

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    faults.record(
        ClientFault.PREMATURE_CLOSE, new PrematureChannelClosureException("left"), channel);

    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .last()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("premature_close", "(199 more of this kind"));
  }

  @Test
  void theStackGoesToDebugOnlyUnderAnEscapedMessage() {
    faults.record(
        ClientFault.DECODE_FAILURE,
        new IllegalArgumentException("invalid version format: \u001b[2J\r\nX"),
        channel);

    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.DEBUG)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getThrowableProxy()).isNotNull();
              assertThat(e.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
              assertThat(e.getThrowableProxy().getMessage())
                  .contains("\\u001b[2J\\u000d\\u000aX")
                  .doesNotContain("\u001b", "\r", "\n");
            });
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).doesNotContain("\u001b", "\r", "\n"));
  }

  @Test
  void aTimeoutWithoutAnExceptionIsLoggedWithoutStackAtAnyLevel() {
    faults.record(ClientFault.HEADER_TIMEOUT, null, channel);

    assertThat(count(ClientFault.HEADER_TIMEOUT)).isEqualTo(1);
    assertThat(appender.list)
        .singleElement()
        .satisfies(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  @Test
  void onlyTransportAndPrematureCloseExceptionsAreTheClientsFault() {
    assertThat(ClientFault.of(new IOException("reset"))).isEqualTo(ClientFault.RESET);
    assertThat(ClientFault.of(new PrematureChannelClosureException()))
        .isEqualTo(ClientFault.PREMATURE_CLOSE);
    assertThat(ClientFault.of(new IllegalStateException("a handler bug"))).isNull();
  }

  @Test
  void withoutARegistryFaultsAreStillLogged() {
    new ClientFaults(null, now::get, 1).record(ClientFault.RESET, new IOException("x"), channel);

    assertThat(appender.list).isNotEmpty();
  }
}
