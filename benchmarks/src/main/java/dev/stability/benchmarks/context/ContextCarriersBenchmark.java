package dev.stability.benchmarks.context;

import dev.stability.context.ContextCarrier;
import dev.stability.context.ContextCarriers;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a {@code ContextExecutors} wrap and run costs with no carrier registered ({@code
 * carrier=none}: the default, one volatile read more than before) and with one that carries a
 * thread-local value ({@code threadlocal}: what a tracing context costs at least).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextCarriersBenchmark {
  private static final ThreadLocal<Object> TRACE = new ThreadLocal<>();

  @Param({"none", "threadlocal"})
  public String carrier;

  private final ContextCarrier threadLocal =
      new ContextCarrier() {
        @Override
        public Object capture() {
          return TRACE.get();
        }

        @Override
        public Scope restore(Object captured) {
          Object previous = TRACE.get();
          TRACE.set(captured);
          return () -> TRACE.set(previous);
        }
      };
  private final RequestContext ctx = RequestContext.of("req-1");
  private final Runnable task = () -> {};

  /** Registers the carrier the parameter asks for. */
  @Setup(Level.Trial)
  public void setUp() {
    if (carrier.equals("threadlocal")) {
      ContextCarriers.register(threadLocal);
      TRACE.set(new Object());
    }
  }

  /** Unregisters it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ContextCarriers.unregister(threadLocal);
    TRACE.remove();
  }

  /** Wraps a task under a context and runs it, as an executor would on another thread. */
  @Benchmark
  public Runnable wrapAndRun() {
    Runnable wrapped = ContextExecutors.wrap(ctx, task);
    wrapped.run();
    return wrapped;
  }
}
