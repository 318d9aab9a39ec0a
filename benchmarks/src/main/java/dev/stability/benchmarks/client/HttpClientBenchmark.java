package dev.stability.benchmarks.client;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.HttpClientConfig;
import dev.stability.netty.client.PoolConfig;
import dev.stability.netty.client.StabilityHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * One GET round trip on a keep-alive loopback connection, this client against reactor-netty's
 * {@code HttpClient} with the same upstream, the same number of client I/O threads (1) and the same
 * pool size (8), in the same run. Caller threads block on the result, as a thread-per-request
 * service would.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(4)
public class HttpClientBenchmark {
  private LocalUpstream upstream;
  private StabilityHttpClient stability;
  private HttpClient reactor;
  private LoopResources reactorLoops;
  private ConnectionProvider reactorPool;
  private URI uri;

  /** Starts the upstream and both clients, and warms one connection each. */
  @Setup(Level.Trial)
  public void setUp() {
    upstream = new LocalUpstream(1);
    uri = URI.create("http://127.0.0.1:" + upstream.port() + "/orders/42");
    stability =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .pool(PoolConfig.builder().maxConnections(8).build())
                    .build())
            .build();
    reactorLoops = LoopResources.create("reactor-bench", 1, true);
    reactorPool = ConnectionProvider.builder("reactor-bench").maxConnections(8).build();
    reactor = HttpClient.create(reactorPool).runOn(reactorLoops);
    stability.executeBlocking(ClientRequest.get(uri));
    reactorNetty();
  }

  /** Stops everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    stability.close();
    reactorPool.disposeLater().block(Duration.ofSeconds(5));
    reactorLoops.disposeLater().block(Duration.ofSeconds(5));
    upstream.close();
  }

  /** This client, no request context: pool, exchange, copy-out of the body. */
  @Benchmark
  public int stabilityClient() {
    return stability.executeBlocking(ClientRequest.get(uri)).bodyLength();
  }

  /**
   * This client under a 5 s request context: adds the deadline and attempt headers and the cancel
   * listener.
   */
  @Benchmark
  public int stabilityClientWithDeadline() {
    RequestContext ctx = RequestContext.of("bench", Duration.ofSeconds(5));
    try {
      return stability
          .executeBlocking(ClientRequest.builder("GET", uri).context(ctx).build())
          .bodyLength();
    } finally {
      ctx.complete();
    }
  }

  /** The anchor: reactor-netty 1.3 {@code HttpClient}, aggregating the body into a byte array. */
  @Benchmark
  public int reactorNetty() {
    byte[] body =
        reactor
            .get()
            .uri(uri.toString())
            .responseSingle((res, content) -> content.asByteArray())
            .block();
    return body == null ? 0 : body.length;
  }
}
