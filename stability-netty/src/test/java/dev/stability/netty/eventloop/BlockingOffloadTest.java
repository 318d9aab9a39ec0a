package dev.stability.netty.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.CancelReason;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockingOffloadTest {
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final ExecutorService pool =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "blocking-pool"));
  private final BlockingOffload offload = BlockingOffload.on(pool);

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  @Test
  void workRunsOffTheLoopWithTheRequestContextAndCompletesOnTheLoop() throws Exception {
    RequestContext ctx = RequestContext.of("req-1");
    CompletableFuture<String> result =
        loop.submit(
                () -> {
                  try (Scope ignored = ctx.attach()) {
                    // attached while this loop task runs: the completion cannot have run yet
                    return offload
                        .call(
                            loop,
                            () ->
                                Thread.currentThread().getName()
                                    + " "
                                    + RequestContext.current().requestId())
                        .thenApply(v -> v + " completed on the loop: " + loop.inEventLoop());
                  }
                })
            .get(5, TimeUnit.SECONDS);

    assertThat(result.get(5, TimeUnit.SECONDS))
        .isEqualTo("blocking-pool req-1 completed on the loop: true");
  }

  @Test
  void theWorkOfARequestCancelledBeforeItStartsIsSkipped() throws Exception {
    RequestContext ctx = RequestContext.of("req-2");
    ctx.cancel(CancelReason.DEADLINE_EXCEEDED);
    AtomicBoolean ran = new AtomicBoolean();
    CompletableFuture<Object> result;
    try (Scope ignored = ctx.attach()) {
      result = offload.call(loop, () -> ran.getAndSet(true));
    }

    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ContextCancelledException.class);
    assertThat(ran).isFalse();
  }

  @Test
  void aFailureOfTheWorkFailsTheStage() {
    CompletableFuture<Object> result =
        offload.call(
            loop,
            () -> {
              throw new IllegalStateException("disk gone");
            });

    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("disk gone");
  }

  @Test
  void aPoolThatRefusesFailsTheStageAtOnce() {
    pool.shutdownNow();

    CompletableFuture<Object> result = offload.call(loop, () -> "never");

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join).hasCauseInstanceOf(RejectedExecutionException.class);
  }
}
