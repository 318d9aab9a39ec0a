package dev.stability.netty.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An EmbeddedChannel with frozen time and the guards installed, speaking raw HTTP text. */
final class Embedded {
  final EmbeddedChannel channel;
  final StabilityServer guards;

  Embedded(ServerConfig config, ChannelHandler... handlers) {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    guards = StabilityServer.create(config);
    guards.install(channel.pipeline());
    channel.pipeline().addLast(handlers);
  }

  Embedded send(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    channel.runPendingTasks();
    return this;
  }

  static String get(String uri) {
    return "GET " + uri + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  Embedded advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
    return this;
  }

  String output() {
    channel.runPendingTasks();
    StringBuilder sb = new StringBuilder();
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) o;
      sb.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return sb.toString();
  }

  List<HttpText.Response> responses() {
    return HttpText.parseAll(output());
  }

  /**
   * Closes the channel and releases whatever is left, so that leak detection sees only real leaks.
   */
  void finish() {
    channel.finishAndReleaseAll();
  }
}
