package dev.stability.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.testkit.leak.LeakDetectionExtension;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The getting-started snippets run together: the client's budget reaches the guarded server's
 * handler.
 */
class GettingStartedTest {
  @RegisterExtension static final LeakDetectionExtension leaks = LeakDetectionExtension.create();

  @Test
  void helloServerSeesTheClientsBudget() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (StabilityHttpClient client = ClientCall.newClient()) {
      Channel server = HelloServer.start(group, 0);
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      String answer = ClientCall.fetch(client, URI.create("http://127.0.0.1:" + port + "/"));
      assertThat(answer).matches("200 hello, \\d+ ms left");
      long left = Long.parseLong(answer.replaceAll("\\D+", " ").trim().split(" ")[1]);
      assertThat(left)
          .isBetween(1L, 980L); // 1 s budget minus the 20 ms margin: not the server's 2 s default
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
