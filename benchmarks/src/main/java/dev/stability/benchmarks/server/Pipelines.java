package dev.stability.benchmarks.server;

import dev.stability.netty.server.ServerConfig;
import dev.stability.netty.server.StabilityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** The two pipelines compared: bare Netty and the same with every server guard. */
final class Pipelines {
  private Pipelines() {}

  /** Netty's hello world with keep-alive and aggregation: what the guards replace. */
  static void bare(ChannelPipeline p) {
    p.addLast(new HttpServerCodec());
    p.addLast(new HttpServerKeepAliveHandler());
    p.addLast(new HttpObjectAggregator(1 << 20));
    p.addLast(HelloHandler.INSTANCE);
  }

  /** Guards with metrics on, as a production server would run them. */
  static StabilityServer guards() {
    return StabilityServer.create(
        ServerConfig.builder().meterRegistry(new SimpleMeterRegistry()).build());
  }

  static void guarded(StabilityServer guards, ChannelPipeline p) {
    guardedWith(guards, p, HelloHandler.INSTANCE);
  }

  static void guardedWith(StabilityServer guards, ChannelPipeline p, ChannelHandler app) {
    guards.install(p);
    p.addLast(app);
    StabilityServer.moveTailToEnd(p);
  }
}
