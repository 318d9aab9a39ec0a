package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The server channel guard on an embedded "server channel" whose inbound messages are accepted
 * children.
 */
class AcceptLimitHandlerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Object> passed = new ArrayList<>();
  private final List<Throwable> exceptions = new ArrayList<>();
  private final List<EmbeddedChannel> children = new ArrayList<>();
  private EmbeddedChannel server;
  private AcceptLimitHandler guard;

  private void start(int maxConnections) {
    guard = new AcceptLimitHandler(maxConnections, new ServerMetrics(registry));
    server =
        new EmbeddedChannel(
            guard,
            new ChannelInboundHandlerAdapter() { // stands for the acceptor
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.add(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                exceptions.add(cause);
              }
            });
    server.freezeTime();
  }

  private EmbeddedChannel accept() {
    EmbeddedChannel child = new EmbeddedChannel();
    children.add(child);
    server.writeInbound(child);
    return child;
  }

  private void advanceMillis(long ms) {
    server.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
  }

  private final Logger logger = (Logger) LoggerFactory.getLogger(AcceptLimitHandler.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private List<String> warnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private void captureLog() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void close() {
    logger.detachAppender(appender);
    children.forEach(EmbeddedChannel::finishAndReleaseAll);
    server.finishAndReleaseAll();
  }

  @Test
  void connectionsOverTheLimitAreClosedAtOnceAndCounted() {
    start(2);
    EmbeddedChannel first = accept();
    accept();
    EmbeddedChannel third = accept();

    assertThat(passed).hasSize(2);
    assertThat(third.isOpen()).isFalse();
    assertThat(guard.openConnections()).isEqualTo(2);
    assertThat(registry.counter("stability.server.connections.rejected").count()).isEqualTo(1);
    assertThat(registry.get("stability.server.connections.open").gauge().value()).isEqualTo(2);

    first.close();
    EmbeddedChannel fourth = accept();
    assertThat(fourth.isOpen()).isTrue();
    assertThat(passed).hasSize(3);
  }

  @Test
  void zeroMeansNoLimit() {
    start(0);
    for (int i = 0; i < 50; i++) {
      accept();
    }
    assertThat(passed).hasSize(50);
  }

  @Test
  void acceptFailureIsCountedConsumedAndPausesAcceptThenResumes() {
    start(0);
    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));

    assertThat(exceptions).isEmpty(); // neither the acceptor's 1 s pause nor the tail's WARN
    assertThat(registry.counter("stability.server.accept.failures", "kind", "descriptors").count())
        .isEqualTo(1);
    assertThat(server.config().isAutoRead()).isFalse();
    advanceMillis(AcceptLimitHandler.MIN_PAUSE_MILLIS - 1);
    assertThat(server.config().isAutoRead()).isFalse();
    advanceMillis(1);
    assertThat(server.config().isAutoRead()).isTrue();
  }

  @Test
  void consecutiveFailuresDoubleThePauseUpToTheMaximumAndAnAcceptResetsIt() {
    start(0);
    long expected = AcceptLimitHandler.MIN_PAUSE_MILLIS;
    for (int i = 0; i < 12; i++) {
      server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
      advanceMillis(expected - 1);
      assertThat(server.config().isAutoRead())
          .as("paused for %d ms after failure %d", expected, i)
          .isFalse();
      advanceMillis(1);
      assertThat(server.config().isAutoRead()).isTrue();
      expected = Math.min(AcceptLimitHandler.MAX_PAUSE_MILLIS, expected * 2);
    }
    assertThat(expected).isEqualTo(AcceptLimitHandler.MAX_PAUSE_MILLIS);

    accept();
    server.pipeline().fireExceptionCaught(new IOException("Connection aborted"));
    advanceMillis(AcceptLimitHandler.MIN_PAUSE_MILLIS);
    assertThat(server.config().isAutoRead()).isTrue();
    assertThat(registry.counter("stability.server.accept.failures", "kind", "io").count())
        .isEqualTo(1);
  }

  @Test
  void childrenPassThroughAsTheSameChannel() {
    start(5);
    Channel child = accept();
    assertThat(passed).containsExactly(child);
  }

  @Test
  void rejectionsLogOneWarningPerIntervalThatCountsTheOnesHeldBack() {
    start(1);
    captureLog();
    accept();
    accept();
    accept();
    accept();
    assertThat(warnings()).hasSize(1).first().asString().contains("(0 more since the last report)");

    advanceMillis(AcceptLimitHandler.LOG_INTERVAL_SECONDS * 1000L - 1);
    accept();
    assertThat(warnings()).hasSize(1);
    advanceMillis(1);
    accept();
    assertThat(warnings()).hasSize(2).last().asString().contains("(3 more since the last report)");
    assertThat(registry.counter("stability.server.connections.rejected").count()).isEqualTo(5);
  }

  @Test
  void acceptFailuresLogOneWarningPerIntervalThatCountsTheOnesHeldBack() {
    start(0);
    captureLog();
    for (int i = 0; i < 3; i++) {
      server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    }
    assertThat(warnings())
        .hasSize(1)
        .first()
        .asString()
        .contains("(0 more failures since the last report)")
        .doesNotContain("at dev.stability"); // no stack in the line
    assertThat(appender.list.get(0).getThrowableProxy()).isNull();

    advanceMillis(AcceptLimitHandler.LOG_INTERVAL_SECONDS * 1000L);
    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    assertThat(warnings())
        .hasSize(2)
        .last()
        .asString()
        .contains("(2 more failures since the last report)");
  }
}
