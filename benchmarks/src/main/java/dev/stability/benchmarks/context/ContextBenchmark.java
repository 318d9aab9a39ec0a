package dev.stability.benchmarks.context;

import dev.stability.context.CancelReason;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Child-with-deadline + cancel, and child + attach/detach: stability's {@link RequestContext}
 * against grpc's {@code Context.withDeadline} + cancel in the same run.
 *
 * <p>grpc arms a timer on its scheduler for every {@code withDeadline}; stability arms one only
 * when someone listens, so {@code stabilityChildWithListenerAndCancel} is the like-for-like
 * comparison of the timer path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ContextBenchmark {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(1);

  private RequestContext root;
  private io.grpc.Context grpcRoot;
  private io.grpc.Context.CancellableContext grpcParent;
  private ScheduledExecutorService grpcScheduler;

  @Setup(Level.Trial)
  public void setUp() {
    root = RequestContext.of("bench", Duration.ofHours(1));
    grpcScheduler = Executors.newSingleThreadScheduledExecutor();
    grpcParent = io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, grpcScheduler);
    grpcRoot = grpcParent;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    grpcParent.cancel(null);
    grpcScheduler.shutdownNow();
  }

  @Benchmark
  public boolean stabilityChildWithDeadlineAndCancel() {
    RequestContext child = root.withTimeout(CHILD_TIMEOUT);
    return child.cancel(CancelReason.CANCELLED);
  }

  @Benchmark
  public boolean stabilityChildWithListenerAndCancel() {
    RequestContext child = root.withTimeout(CHILD_TIMEOUT);
    child.onCancel(cause -> {});
    return child.cancel(CancelReason.CANCELLED);
  }

  @Benchmark
  public boolean grpcChildWithDeadlineAndCancel() {
    io.grpc.Context.CancellableContext child =
        grpcRoot.withDeadlineAfter(1, TimeUnit.SECONDS, grpcScheduler);
    return child.cancel(null);
  }

  @Benchmark
  public RequestContext stabilityChildAttachDetach() {
    RequestContext child = root.child();
    try (Scope ignored = child.attach()) {
      return RequestContext.current();
    }
  }

  @Benchmark
  public io.grpc.Context grpcChildAttachDetach() {
    io.grpc.Context child = grpcRoot.withValue(KEY, "v");
    io.grpc.Context previous = child.attach();
    try {
      return io.grpc.Context.current();
    } finally {
      child.detach(previous);
    }
  }

  private static final io.grpc.Context.Key<String> KEY = io.grpc.Context.key("k");
}
