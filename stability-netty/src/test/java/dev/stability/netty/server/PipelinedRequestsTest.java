package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.timeline.PhaseTimeline;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelinedRequestsTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final PipelinedRequests queue = new PipelinedRequests(2);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static ServerExchange exchange(String id) {
    return new ServerExchange(null, id, "GET", "/" + id, 1_000, 0, PhaseTimeline.start(() -> 0L));
  }

  @Test
  void keepsArrivalOrderAndSaysWhenARequestWaitsBehindAnother() {
    ServerExchange a = exchange("a");
    ServerExchange b = exchange("b");

    assertThat(queue.add(a)).isFalse();
    assertThat(queue.add(b)).isTrue();

    assertThat(queue.first()).isSameAs(a);
    assertThat(queue.last()).isSameAs(b);
    assertThat(queue).containsExactly(a, b);
    assertThat(queue.pollFirst()).isSameAs(a);
    assertThat(queue.first()).isSameAs(b);
  }

  @Test
  void stopsReadingOnlyWhenMoreThanTheLimitWaitAndResumesOnceThereIsRoom() {
    ServerExchange a = exchange("a");
    queue.add(a);
    ServerExchange b = exchange("b");
    queue.add(b);
    queue.hold(b, "head b", channel);
    assertThat(channel.config().isAutoRead()).isTrue();

    ServerExchange c = exchange("c");
    queue.add(c);
    queue.hold(c, "head c", channel);
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(c.held).containsExactly("head c");

    queue.resumeReadingIfRoom(channel);
    assertThat(channel.config().isAutoRead()).isFalse(); // still three waiting

    queue.remove(a);
    queue.resumeReadingIfRoom(channel);
    assertThat(channel.config().isAutoRead()).isTrue();
  }
}
