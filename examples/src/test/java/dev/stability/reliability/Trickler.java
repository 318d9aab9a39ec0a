package dev.stability.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The slowloris: one thread holds many connections that each send a request line and then one
 * header byte per tick, never finishing the head, and records when the server closes each of them.
 */
final class Trickler implements AutoCloseable {
  private static final byte[] START =
      "GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
  private final Selector selector;
  private final SocketChannel[] channels;
  private final long[] firstByteNanos;
  private final long[] closedNanos;
  private int open;

  Trickler(int port, int connections) throws IOException {
    selector = Selector.open();
    channels = new SocketChannel[connections];
    firstByteNanos = new long[connections];
    closedNanos = new long[connections];
    for (int i = 0; i < connections; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ, i);
      channels[i] = ch;
      firstByteNanos[i] = System.nanoTime();
      write(i, ByteBuffer.wrap(START));
      open++;
    }
  }

  /**
   * Trickles one byte per {@code tickMillis} to every open connection until all are closed or time
   * is up.
   */
  void run(long tickMillis, long maxMillis) throws IOException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    long nextTick = System.nanoTime();
    ByteBuffer sink = ByteBuffer.allocate(4096);
    while (open > 0 && System.nanoTime() < end) {
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime())));
      for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
        SelectionKey key = it.next();
        it.remove();
        int i = (Integer) key.attachment();
        try {
          sink.clear();
          if (channels[i].read(sink) < 0) {
            closed(i);
          } // bytes before the close (a 408) are fine: the close is what counts
        } catch (IOException e) {
          closed(i);
        }
      }
      if (System.nanoTime() - nextTick >= 0) {
        nextTick += TimeUnit.MILLISECONDS.toNanos(tickMillis);
        for (int i = 0; i < channels.length; i++) {
          if (closedNanos[i] == 0) {
            write(i, ByteBuffer.wrap(new byte[] {'a'}));
          }
        }
      }
    }
  }

  int stillOpen() {
    return open;
  }

  /** Time from each connection's first byte to the server's close, for the closed ones. */
  Percentiles timeToClose() {
    long[] t = new long[channels.length];
    int n = 0;
    for (int i = 0; i < channels.length; i++) {
      if (closedNanos[i] != 0) {
        t[n++] = closedNanos[i] - firstByteNanos[i];
      }
    }
    return Percentiles.of(t, n);
  }

  private void write(int i, ByteBuffer bytes) {
    try {
      channels[i].write(bytes);
    } catch (IOException e) {
      closed(i);
    }
  }

  private void closed(int i) {
    if (closedNanos[i] == 0) {
      closedNanos[i] = System.nanoTime();
      open--;
      try {
        channels[i].close();
      } catch (IOException ignored) {
        // gone either way
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel ch : channels) {
      if (ch != null) {
        ch.close();
      }
    }
    selector.close();
  }
}
