package dev.stability.netty.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hand-driven HTTP/2 client over a loopback socket: writes any frame, valid or hostile, and reads
 * the server's frames one by one (HPACK through Netty's coder, everything else by hand). Every read
 * is bounded by the socket timeout and every wait by a frame count.
 */
final class RawHttp2Client implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int ACK = 0x1;
  static final long NO_ERROR = 0x0;
  static final long CANCEL = 0x8;
  static final long REFUSED_STREAM = 0x7;
  static final long ENHANCE_YOUR_CALM = 0xb;
  static final long PROTOCOL_ERROR = 0x1;

  private static final int MAX_FRAMES_PER_WAIT = 10_000;

  /** One frame from the server. */
  record Frame(int type, int flags, int stream, byte[] payload, String status) {
    long errorCode() { // RST_STREAM: the whole payload; GOAWAY: after the last stream id
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24)
          | ((payload[at + 1] & 0xffL) << 16)
          | ((payload[at + 2] & 0xffL) << 8)
          | (payload[at + 3] & 0xffL);
    }

    boolean endStream() {
      return (flags & END_STREAM) != 0;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
  final List<Frame> seen = new ArrayList<>();
  private final List<Frame> unread = new ArrayList<>();

  RawHttp2Client(int port, int readTimeoutMillis) throws IOException {
    this(port, readTimeoutMillis, 0);
  }

  /**
   * With {@code receiveBuffer} > 0: a small window, so that a client that does not read stalls the
   * server soon.
   */
  RawHttp2Client(int port, int readTimeoutMillis, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), readTimeoutMillis);
    socket.setSoTimeout(readTimeoutMillis);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /**
   * Sends raw HTTP/1.1 bytes (an upgrade request) and reads the response head, up to its blank
   * line, byte by byte so that nothing after it is consumed; {@code null} at end of stream.
   */
  String http1(String request) throws IOException {
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < 16_384 && !head.toString().endsWith("\r\n\r\n"); i++) {
      int b = in.read();
      if (b < 0) {
        return head.length() == 0 ? null : head.toString();
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /**
   * Sends an upgrade request and, in the same write, the preface and an empty SETTINGS frame (a
   * client that does not wait for the 101); reads the 101 head. Returns it.
   */
  String http1Then(String request) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    all.writeBytes(request.getBytes(StandardCharsets.US_ASCII));
    all.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    all.writeBytes(encode(SETTINGS, 0, 0, new byte[0]));
    out.write(all.toByteArray());
    return http1("");
  }

  /** Sends the preface and a SETTINGS frame with these (id, value) pairs. */
  RawHttp2Client start(int... settings) throws IOException {
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] payload = new byte[settings.length / 2 * 6];
    for (int i = 0; i + 1 < settings.length; i += 2) {
      int at = i / 2 * 6;
      payload[at] = (byte) (settings[i] >> 8);
      payload[at + 1] = (byte) settings[i];
      putInt(payload, at + 2, settings[i + 1]);
    }
    frame(SETTINGS, 0, 0, payload);
    return this;
  }

  /** Encodes a request head; {@code extra} are name, value pairs. */
  byte[] headerBlock(int stream, String path, String... extra) throws IOException {
    Http2Headers h =
        new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("127.0.0.1");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      h.add(extra[i], extra[i + 1]);
    }
    return headerBlock(stream, h);
  }

  /** Encodes {@code h} as it is (no pseudo-header added). */
  byte[] headerBlock(int stream, Http2Headers h) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      encoder.encodeHeaders(stream, h, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } catch (Http2Exception e) {
      throw new IOException(e);
    } finally {
      buf.release();
    }
  }

  /** Sends a complete GET (HEADERS with END_STREAM and END_HEADERS). */
  void get(int stream, String path, String... extra) throws IOException {
    frame(HEADERS, END_STREAM | END_HEADERS, stream, headerBlock(stream, path, extra));
  }

  void rst(int stream, long code) throws IOException {
    byte[] p = new byte[4];
    putInt(p, 0, (int) code);
    frame(RST_STREAM, 0, stream, p);
  }

  void windowUpdate(int stream, int increment) throws IOException {
    byte[] p = new byte[4];
    putInt(p, 0, increment);
    frame(WINDOW_UPDATE, 0, stream, p);
  }

  /** Writes one frame (not flushed separately: the socket stream is unbuffered). */
  void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(encode(type, flags, stream, payload));
  }

  static byte[] encode(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >> 16);
    f[1] = (byte) (payload.length >> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    putInt(f, 5, stream & 0x7fffffff);
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /** Writes many frames in one write, as an attacker's burst. */
  void burst(List<byte[]> frames) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      all.writeBytes(f);
    }
    out.write(all.toByteArray());
  }

  /**
   * Reads the next frame, acknowledging SETTINGS; {@code null} at end of stream.
   *
   * @throws SocketTimeoutException when the server sent nothing within the read timeout
   */
  Frame read() throws IOException {
    byte[] head = new byte[9];
    try {
      in.readFully(head);
    } catch (EOFException eof) {
      return null;
    }
    int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
    byte[] payload = new byte[length];
    try {
      in.readFully(payload);
    } catch (EOFException eof) {
      return null; // closed mid-frame: what a flood's abrupt close looks like
    }
    int type = head[3] & 0xff;
    int stream =
        ((head[5] & 0x7f) << 24)
            | ((head[6] & 0xff) << 16)
            | ((head[7] & 0xff) << 8)
            | (head[8] & 0xff);
    // every header block is decoded as it arrives: HPACK's dynamic table depends on their order
    String status = type == HEADERS ? decodeStatus(stream, payload) : null;
    Frame f = new Frame(type, head[4] & 0xff, stream, payload, status);
    seen.add(f);
    if (f.type == SETTINGS && (f.flags & ACK) == 0) {
      frame(SETTINGS, ACK, 0, new byte[0]);
    }
    return f;
  }

  /** Reads until a frame matches; fails on end of stream or after too many frames. */
  Frame await(Predicate<Frame> wanted) throws IOException {
    for (java.util.Iterator<Frame> it = unread.iterator(); it.hasNext(); ) {
      Frame f = it.next();
      if (wanted.test(f)) {
        it.remove();
        return f;
      }
    }
    for (int i = 0; i < MAX_FRAMES_PER_WAIT; i++) {
      Frame f = read();
      if (f == null) {
        throw new EOFException("connection closed; frames seen: " + describe());
      }
      if (wanted.test(f)) {
        return f;
      }
      unread.add(f); // another stream's: a later wait may want it
    }
    throw new AssertionError("no matching frame in " + MAX_FRAMES_PER_WAIT);
  }

  /** Reads until the server closes the connection; returns whether it did within the bound. */
  boolean awaitClose() throws IOException {
    for (int i = 0; i < 100 * MAX_FRAMES_PER_WAIT; i++) { // a flood's answers may come first
      try {
        if (read() == null) {
          return true;
        }
      } catch (java.net.SocketException reset) {
        return true;
      }
    }
    return false;
  }

  Frame awaitType(int type, int stream) throws IOException {
    return await(f -> f.type == type && f.stream == stream);
  }

  private String decodeStatus(int stream, byte[] block) throws IOException {
    ByteBuf buf = Unpooled.wrappedBuffer(block);
    try {
      CharSequence s = decoder.decodeHeaders(stream, buf).status();
      return s == null ? null : s.toString();
    } catch (Http2Exception e) {
      throw new IOException(e);
    } finally {
      buf.release();
    }
  }

  /** Reads the response of {@code stream}: its status, then its body until END_STREAM. */
  Response response(int stream) throws IOException {
    Frame h = await(f -> f.stream == stream && (f.type == HEADERS || f.type == RST_STREAM));
    if (h.type == RST_STREAM) {
      return new Response(null, "", h.errorCode());
    }
    String status = h.status();
    StringBuilder body = new StringBuilder();
    Frame f = h;
    while (!f.endStream()) {
      f =
          await(
              x ->
                  x.stream == stream
                      && (x.type == DATA || x.type == RST_STREAM || x.type == HEADERS));
      if (f.type == RST_STREAM) {
        return new Response(status, body.toString(), f.errorCode());
      }
      if (f.type == DATA) {
        body.append(new String(f.payload, StandardCharsets.UTF_8));
      }
    }
    return new Response(status, body.toString(), -1);
  }

  /** A stream's outcome; {@code reset} is the RST_STREAM error code, or -1. */
  record Response(String status, String body, long reset) {}

  String describe() {
    StringBuilder b = new StringBuilder();
    for (Frame f : seen) {
      b.append("[type=")
          .append(f.type)
          .append(" stream=")
          .append(f.stream)
          .append(" flags=")
          .append(f.flags)
          .append(']');
    }
    return b.toString();
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >> 24);
    b[at + 1] = (byte) (v >> 16);
    b[at + 2] = (byte) (v >> 8);
    b[at + 3] = (byte) v;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
