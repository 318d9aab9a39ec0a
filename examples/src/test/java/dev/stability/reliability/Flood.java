package dev.stability.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle loopback connections that send nothing, watched with one selector until the server closes or
 * resets each: the flood of {@link ConnectionFloodTest}. Connecting succeeds even when the server
 * does not accept (the kernel completes the handshake into the backlog), as with a real flood.
 */
final class Flood implements AutoCloseable {
  private final Selector selector;
  private final List<SocketChannel> channels = new ArrayList<>();
  private int closedByServer;

  Flood(int port, int connections) throws IOException {
    selector = Selector.open();
    try {
      for (int i = 0; i < connections; i++) {
        SocketChannel ch = SocketChannel.open();
        channels.add(ch);
        ch.socket().connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  int size() {
    return channels.size();
  }

  /** Returns how many connections the server has closed or reset so far. */
  int closedByServer() {
    return closedByServer;
  }

  /**
   * Reads what arrived (a 408 perhaps) for up to {@code millis}, counting connections the server
   * ended.
   */
  void poll(long millis) throws IOException {
    if (selector.select(Math.max(1, millis)) == 0) {
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(4096);
    for (SelectionKey key : selector.selectedKeys()) {
      SocketChannel ch = (SocketChannel) key.channel();
      boolean ended;
      try {
        buf.clear();
        ended = ch.read(buf) < 0;
      } catch (IOException reset) {
        ended = true;
      }
      if (ended) {
        key.cancel();
        ch.close();
        closedByServer++;
      }
    }
    selector.selectedKeys().clear();
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel ch : channels) {
      ch.close();
    }
    selector.close();
  }
}
