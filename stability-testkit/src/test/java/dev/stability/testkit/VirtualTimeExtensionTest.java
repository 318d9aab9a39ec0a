package dev.stability.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CircuitBreaker;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.breaker.Permit;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VirtualTimeExtensionTest {
  @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();

  @Test
  void contextsAndChannelsMoveTogether() {
    List<Object> events = new ArrayList<>();
    var channel =
        time.channel(
            new IdleStateHandler(0, 0, 5, TimeUnit.SECONDS),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
              }
            });
    RequestContext ctx = time.context("r-1", Duration.ofSeconds(3));
    var done = ctx.whenDone();

    time.advance(Duration.ofSeconds(3));
    assertThat(done).isCompleted();
    assertThat(events).isEmpty();

    time.advance(Duration.ofSeconds(2));
    assertThat(events).containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void contextTimersAndChannelTasksRunInTimeOrderAtTheirOwnReading() {
    EmbeddedChannel ch = time.channel();
    long start = time.ticker().nanoTime();
    List<String> order = new ArrayList<>();
    ch.eventLoop()
        .schedule(
            () -> order.add("channel@" + (time.ticker().nanoTime() - start) / 1_000_000_000L),
            1,
            TimeUnit.SECONDS);
    ch.eventLoop()
        .schedule(
            () -> order.add("channel@" + (time.ticker().nanoTime() - start) / 1_000_000_000L),
            3,
            TimeUnit.SECONDS);
    time.context("r-1", Duration.ofSeconds(2))
        .onCancel(
            cause -> order.add("context@" + (time.ticker().nanoTime() - start) / 1_000_000_000L));

    time.advance(Duration.ofSeconds(5));
    assertThat(order).containsExactly("channel@1", "context@2", "channel@3");
    assertThat(time.ticker().nanoTime() - start).isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void channelEventLoopReadsTheSameVirtualClock() {
    EmbeddedChannel ch = time.channel();
    time.advance(Duration.ofSeconds(5));
    assertThat(ch.eventLoop().ticker().nanoTime()).isEqualTo(time.ticker().nanoTime());
  }

  @Test
  void registeredChannelOfItsOwnMovesInLockstep() {
    EmbeddedChannel own = time.register(new EmbeddedChannel());
    List<String> ran = new ArrayList<>();
    own.eventLoop().schedule(() -> ran.add("fired"), 3, TimeUnit.SECONDS);
    time.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    time.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("fired");
  }

  @Test
  void breakerWaitsOutItsOpenStateOnVirtualTime() {
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "inventory",
            time.breakerConfig()
                .countWindow(50)
                .failureRateThreshold(0.5, 4)
                .openBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5), 1, 0)
                .build());
    for (int i = 0; i < 4; i++) {
      breaker.acquire().onFailure(1_000_000, new IllegalStateException("down"));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThatThrownBy(breaker::acquire).isInstanceOf(CallNotPermittedException.class);

    time.advance(Duration.ofSeconds(5));
    Permit probe = breaker.acquire();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
    probe.onSuccess(1_000_000);
  }

  @Test
  void failsATestThatLeavesAContextTimerPending() {
    assertThat(Scenarios.failureOf(LeavesTimerPending.class))
        .contains("expected no pending timers after the test but 1 remain")
        .contains("due in 10000 ms");
  }

  @Test
  void failsATestThatLeavesAContextAttached() {
    try {
      assertThat(Scenarios.failureOf(LeavesContextAttached.class))
          .contains("expected no RequestContext attached to thread")
          .contains("RequestContext(r-leak");
    } finally {
      LeavesContextAttached.leaked.close(); // the scenario ran on this thread
    }
  }

  @Test
  void passesATestThatCompletesItsContexts() {
    assertThat(Scenarios.run(CompletesContext.class)).isEmpty();
  }

  @Disabled("run through Scenarios only")
  static class LeavesTimerPending {
    @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();

    @Test
    void leaves() {
      time.context("r-1", Duration.ofSeconds(10)).whenDone();
    }
  }

  @Disabled("run through Scenarios only")
  static class LeavesContextAttached {
    @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();

    static Scope leaked;

    @Test
    void leaves() {
      leaked = time.context("r-leak", Duration.ofSeconds(1)).attach();
    }
  }

  @Disabled("run through Scenarios only")
  static class CompletesContext {
    @RegisterExtension final VirtualTimeExtension time = VirtualTimeExtension.create();

    @Test
    void completes() {
      RequestContext ctx = time.context("r-1", Duration.ofSeconds(10));
      ctx.whenDone();
      try (Scope ignored = ctx.attach()) {
        time.advance(Duration.ofSeconds(1));
      }
      ctx.complete();
    }
  }
}
