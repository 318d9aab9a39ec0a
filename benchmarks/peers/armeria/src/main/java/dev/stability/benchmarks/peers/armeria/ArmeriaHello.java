package dev.stability.benchmarks.peers.armeria;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Armeria's hello world for the peer harness: {@code GET /hello} answers {@code Hello, World!} on 127.0.0.1,
 * on one worker event loop, with Armeria's request timeout on (10 s, its default, set explicitly here).
 *
 * <p>Run: {@code java -Dcom.linecorp.armeria.transportType=nio -jar peer-armeria.jar PORT}. The script forces NIO
 * (our {@code HelloServer} runs NIO too); the jar ships no native transport, so Armeria would fall back to NIO
 * anyway.
 */
public final class ArmeriaHello {
  private ArmeriaHello() {}

  /**
   * Starts the server and blocks until the JVM is stopped.
   *
   * @param args port
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    Server server = Server.builder()
        .http(new InetSocketAddress("127.0.0.1", port))
        .workerGroup(1)
        .requestTimeout(Duration.ofSeconds(10))
        .service("/hello", (ctx, req) -> HttpResponse.of(MediaType.PLAIN_TEXT, "Hello, World!"))
        .build();
    server.closeOnJvmShutdown();
    server.start().join();
    System.out.println("armeria server on 127.0.0.1:" + port);
    server.whenClosed().join();
  }
}
