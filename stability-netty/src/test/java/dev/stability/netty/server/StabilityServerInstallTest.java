package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class StabilityServerInstallTest {
  private final StabilityServer guards = StabilityServer.create(ServerConfig.ofDefaults());

  @Test
  void installAddsTheCodecAndGuardsInOrderWhenThePipelineHasNone() {
    EmbeddedChannel ch = new EmbeddedChannel();
    guards.install(ch.pipeline());

    assertThat(ch.pipeline().names())
        .startsWith(
            "stability.sniffer",
            "stability.codec",
            "stability.connection",
            "stability.exchange",
            "stability.aggregator",
            "stability.tail");
    ch.finishAndReleaseAll();
  }

  @Test
  void installWrapsTheUsersOwnCodecAndKeepsTheirHandlersBehindTheGuards() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast("my-codec", new HttpServerCodec()).addLast("app", new Handlers.Echo());
    guards.install(ch.pipeline());

    assertThat(ch.pipeline().names())
        .startsWith(
            "stability.sniffer",
            "my-codec",
            "stability.connection",
            "stability.exchange",
            "stability.aggregator",
            "app",
            "stability.tail");
    ch.finishAndReleaseAll();
  }

  @Test
  void streamingModeReplacesTheAggregatorWithTheContinueHandler() {
    EmbeddedChannel ch = new EmbeddedChannel();
    StabilityServer.create(ServerConfig.builder().streaming(true).build()).install(ch.pipeline());

    assertThat(ch.pipeline().names())
        .contains("stability.continue")
        .doesNotContain("stability.aggregator");
    ch.finishAndReleaseAll();
  }

  @Test
  void installRefusesAKeepAliveHandlerItWouldDuplicate() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler());

    assertThatThrownBy(() -> guards.install(ch.pipeline()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HttpServerKeepAliveHandler");
    ch.finishAndReleaseAll();
  }

  @Test
  void initializerPutsTheTailBehindTheUsersHandlers() {
    EmbeddedChannel ch =
        new EmbeddedChannel(guards.initializer(p -> p.addLast("app", new Handlers.Echo())));

    java.util.List<String> names = ch.pipeline().names();
    assertThat(names.subList(names.size() - 3, names.size() - 1))
        .containsExactly("app", "stability.tail");
    ch.finishAndReleaseAll();
  }
}
