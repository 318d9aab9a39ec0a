package dev.stability.netty.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EventLoopWatchdogTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConcurrentLinkedQueue<BlockedLoop> seen = new ConcurrentLinkedQueue<>();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private final Logger logger = (Logger) LoggerFactory.getLogger(EventLoopWatchdog.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private EventLoopGroup group;
  private EventLoopWatchdog watchdog;

  /**
   * A handler doing what handlers must not: waiting on the loop (bounded, released by the test).
   */
  final class SleepyHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      ReferenceCountUtil.release(msg);
      unblock.await(10, TimeUnit.SECONDS);
    }
  }

  private void start(String threadName) {
    group =
        new MultiThreadIoEventLoopGroup(
            1, (ThreadFactory) r -> new Thread(r, threadName), LocalIoHandler.newFactory());
    logs.start();
    logger.addAppender(logs);
    watchdog =
        EventLoopWatchdog.builder()
            .threshold(Duration.ofMillis(50), Duration.ofMillis(5))
            .meterRegistry(registry)
            .listener(seen::add)
            .start()
            .watch(group, "workers");
  }

  @AfterEach
  void stop() throws Exception {
    unblock.countDown();
    if (watchdog != null) {
      watchdog.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    logger.detachAppender(logs);
  }

  private void blockTheLoopInAHandler() throws Exception {
    // a loop is named from its first task; the server watches its loops before the traffic starts
    await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.checks() >= 3);
    LocalAddress address = new LocalAddress("watchdog-" + System.nanoTime());
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(new SleepyHandler())
            .bind(address)
            .sync()
            .channel();
    Channel client =
        new Bootstrap()
            .group(group)
            .channel(LocalChannel.class)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(address)
            .sync()
            .channel();
    client.writeAndFlush("block").sync();
    server.closeFuture(); // both close with the group
  }

  @Test
  void aHandlerThatBlocksTheLoopIsNamedWithItsStackCountedAndShownAsLag() throws Exception {
    start("loop-1");
    blockTheLoopInAHandler();

    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());

    BlockedLoop b = seen.peek();
    assertThat(b.group()).isEqualTo("workers");
    assertThat(b.loop()).isEqualTo("loop-1");
    assertThat(b.handler()).isEqualTo("EventLoopWatchdogTest$SleepyHandler");
    assertThat(b.blockedFor()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(b.stack()).anyMatch(f -> f.getClassName().endsWith("SleepyHandler"));
    assertThat(
            registry.get("stability.eventloop.blocked").tag("group", "workers").counter().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("stability.eventloop.watchdog.lag")
                .tags("group", "workers", "loop", "0")
                .timeGauge()
                .value(TimeUnit.MILLISECONDS))
        .isGreaterThanOrEqualTo(50);
    assertThat(logs.list)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("in handler \"EventLoopWatchdogTest$SleepyHandler\"")
                    .contains("EventLoopWatchdogTest$SleepyHandler.channelRead("));
  }

  @Test
  void oneEpisodeIsReportedOnceHoweverLongItLastsAndTheLagFallsWhenTheLoopReturns()
      throws Exception {
    start("loop-1");
    blockTheLoopInAHandler();
    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
    long checksAtDetection = watchdog.checks();
    await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.checks() > checksAtDetection + 5);
    assertThat(watchdog.blockedCount()).isEqualTo(1);

    unblock.countDown();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                registry
                        .get("stability.eventloop.watchdog.lag")
                        .timeGauge()
                        .value(TimeUnit.MILLISECONDS)
                    < 50);
    assertThat(seen).hasSize(1);
  }

  @Test
  void aLoopThatKeepsUpIsNeverReported() {
    start("loop-1");

    await().atMost(Duration.ofSeconds(5)).until(() -> watchdog.checks() >= 30);

    assertThat(watchdog.blockedCount()).isZero();
    assertThat(seen).isEmpty();
  }

  @Test
  void aHostileThreadNameIsEscapedInTheLog() throws Exception {
    start("loop\nFAKE LINE");
    blockTheLoopInAHandler();

    await().atMost(Duration.ofSeconds(5)).until(() -> !logs.list.isEmpty());

    assertThat(logs.list.get(0).getFormattedMessage())
        .contains("\"loop\\u000aFAKE LINE\"")
        .doesNotContain("loop\nFAKE");
  }

  @Test
  void closingRemovesTheGauges() {
    start("loop-1");
    watchdog.close();
    assertThat(registry.find("stability.eventloop.watchdog.lag").meters()).isEmpty();
  }

  @Test
  void settingsNameTheBadValueAndTheExpectedRange() {
    assertThatThrownBy(
            () ->
                EventLoopWatchdog.builder().threshold(Duration.ofMillis(10), Duration.ofMillis(20)))
        .hasMessage("interval: PT0.02S (expected: <= threshold PT0.01S)");
    assertThatThrownBy(() -> EventLoopWatchdog.builder().threshold(Duration.ZERO, Duration.ZERO))
        .hasMessage("threshold: PT0S (expected: >= PT0.001S and <= PT1H)");
    assertThatThrownBy(() -> EventLoopWatchdog.builder().logInterval(Duration.ofSeconds(-1)))
        .hasMessage("logInterval: PT-1S (expected: >= PT0S and <= P1D)");
  }
}
