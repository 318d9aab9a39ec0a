package dev.stability.benchmarks.server;

import dev.stability.netty.server.StabilityServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * A hello-world server for loopback load tests (wrk): {@code bare} or {@code guarded}, on
 * 127.0.0.1.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.stability.benchmarks.server.HelloServer guarded 8081 1}; the last argument is the number of
 * event loop threads.
 */
public final class HelloServer {
  private HelloServer() {}

  /**
   * Starts the server and blocks until it is closed.
   *
   * @param args mode ({@code bare} or {@code guarded}), port, event loop threads
   * @throws InterruptedException when interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    String mode = args.length > 0 ? args[0] : "guarded";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    StabilityServer guards = Pipelines.guards();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      if (mode.equals("bare")) {
                        Pipelines.bare(ch.pipeline());
                      } else {
                        Pipelines.guarded(guards, ch.pipeline());
                      }
                    }
                  })
              .bind("127.0.0.1", port)
              .sync()
              .channel();
      System.out.println(mode + " server on 127.0.0.1:" + port);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }
}
