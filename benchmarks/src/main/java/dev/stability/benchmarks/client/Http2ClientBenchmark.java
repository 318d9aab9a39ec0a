package dev.stability.benchmarks.client;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.Http2ClientConfig;
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
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * One GET round trip as a stream of ONE h2c (prior knowledge) connection, this client against
 * reactor-netty's HTTP/2 {@code HttpClient}, with the same local HTTP/2 upstream, one client I/O
 * thread each and at most one connection each (ours: {@code maxConnections(1)}; reactor-netty: an
 * {@link Http2AllocationStrategy} of one connection), 100 streams allowed, in the same run. Four
 * caller threads block on the result, so up to four streams share the connection at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(4)
public class Http2ClientBenchmark {
  private LocalHttp2Upstream upstream;
  private StabilityHttpClient stability;
  private HttpClient reactor;
  private LoopResources reactorLoops;
  private ConnectionProvider reactorPool;
  private URI uri;

  /** Starts the upstream and both clients, and opens their connection. */
  @Setup(Level.Trial)
  public void setUp() {
    upstream = new LocalHttp2Upstream(1);
    uri = URI.create("http://127.0.0.1:" + upstream.port() + "/orders/42");
    stability =
        StabilityHttpClient.builder()
            .ioThreads(1)
            .config(
                HttpClientConfig.builder()
                    .http2(Http2ClientConfig.priorKnowledge())
                    .pool(PoolConfig.builder().maxConnections(1).build())
                    .build())
            .build();
    reactorLoops = LoopResources.create("reactor-h2-bench", 1, true);
    reactorPool =
        ConnectionProvider.builder("reactor-h2-bench")
            .allocationStrategy(
                Http2AllocationStrategy.builder()
                    .maxConnections(1)
                    .maxConcurrentStreams(100)
                    .build())
            .build();
    reactor = HttpClient.create(reactorPool).protocol(HttpProtocol.H2C).runOn(reactorLoops);
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

  /** This client over HTTP/2, no request context: stream slot, exchange, copy-out of the body. */
  @Benchmark
  public int stabilityClient() {
    return stability.executeBlocking(ClientRequest.get(uri)).bodyLength();
  }

  /** This client under a 5 s request context: adds the deadline headers (grpc-timeout too). */
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

  /** The anchor: reactor-netty's HTTP/2 client, aggregating the body into a byte array. */
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
