package dev.stability.benchmarks.peers.reactor;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * reactor-netty's hello world for the peer harness: {@code GET /hello} answers {@code Hello, World!} on 127.0.0.1,
 * on one event loop that also accepts, no timeouts; {@code metrics} adds reactor-netty's built-in HTTP server
 * metrics, recorded into a {@link SimpleMeterRegistry} (as our guarded server records into one): Micrometer's
 * global registry with nothing attached would record nothing.
 *
 * <p>Run: {@code java -Dreactor.netty.native=false -jar peer-reactor-netty.jar PORT [plain|metrics]}.
 */
public final class ReactorHello {
  private ReactorHello() {}

  /**
   * Starts the server and blocks until it is disposed or the JVM is stopped.
   *
   * @param args port, {@code plain} (default) or {@code metrics}
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    boolean metrics = args.length > 1 && args[1].equals("metrics");
    if (metrics) {
      Metrics.addRegistry(new SimpleMeterRegistry());
    }
    LoopResources loops = LoopResources.create("hello", 1, true);
    HttpServer server = HttpServer.create()
        .host("127.0.0.1")
        .port(port)
        .runOn(loops, false)
        .route(routes -> routes.get("/hello", (req, res) -> res
            .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
            .sendString(Mono.just("Hello, World!"))));
    if (metrics) {
      server = server.metrics(true, Function.identity());
    }
    DisposableServer running = server.bindNow();
    System.out.println("reactor-netty " + (metrics ? "metrics" : "plain") + " server on 127.0.0.1:" + port);
    running.onDispose().block();
  }
}
