package dev.stability.netty.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * The response decoder of one client connection, which also guards the response boundary: it
 * decodes only while a {@link ClientExchange} awaits a response and treats every byte outside one
 * as poison.
 *
 * <p>RFC 9112 §6.3: data after a complete response must not be processed as a separate response.
 * Netty's decoder keeps bytes that do not yet form a header block (the body of a 204, the tail of
 * an over-long body, a half header block) in its buffer and would parse them in front of the next
 * request's response. Here a byte that arrives while no response is awaited, or is left over once
 * the response is complete, closes the connection, and {@link #reusable()} tells the exchange and
 * the pool whether anything is pending. It also replaces {@code HttpClientCodec}'s queue of request
 * methods: the exchange names the method it awaits, so a HEAD or CONNECT answer is read without a
 * body and a 1xx cannot shift the queue. Confined to the channel's event loop.
 */
final class ResponseDecoder extends HttpResponseDecoder {
  static final String NAME = "stability.decoder";

  private enum State {
    /** No request outstanding: any byte is poison. */
    IDLE,
    /** A request was (or is being) written; decoding its response. */
    AWAITING,
    /** Bytes arrived outside a response: discarding until the close completes. */
    POISONED
  }

  private State state = State.IDLE;
  private String method = "GET";
  private boolean responseBytes;
  private boolean informational;

  ResponseDecoder(HttpDecoderConfig config) {
    super(config);
  }

  /** Returns the decoder of {@code channel}. */
  static ResponseDecoder of(Channel channel) {
    return (ResponseDecoder) channel.pipeline().get(NAME);
  }

  /** Starts awaiting the response to a {@code method} request, before its first byte is written. */
  void expect(String method) {
    this.method = method;
    this.responseBytes = false;
    this.informational = false;
    if (state == State.IDLE) {
      state = State.AWAITING;
    }
  }

  /** Returns whether any byte of the awaited response has arrived. */
  boolean responseStarted() {
    return responseBytes;
  }

  /**
   * Returns whether the connection can carry another request: no response awaited and no byte
   * pending.
   */
  boolean reusable() {
    return state == State.IDLE && !internalBuffer().isReadable();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (state != State.AWAITING) {
      // nobody asked: a stray response, the tail of an over-long body, or the start of a smuggled
      // header block
      in.skipBytes(in.readableBytes());
      if (state == State.IDLE) {
        state = State.POISONED;
        ctx.close();
      }
      return;
    }
    responseBytes = true;
    int from = out.size();
    super.decode(ctx, in, out);
    for (int i = from; i < out.size(); i++) {
      Object msg = out.get(i);
      if (msg instanceof HttpResponse r) {
        int code = r.status().code();
        informational = code >= 100 && code < 200 && code != 101;
      }
      if (msg instanceof LastHttpContent && !informational) {
        state = State.IDLE; // the response is complete: whatever follows belongs to nobody
      }
    }
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    int code = ((HttpResponse) msg).status().code();
    if (code >= 100 && code < 200) {
      return true; // no 1xx carries content; a 101 is refused by the exchange (it never asks to
      // upgrade)
    }
    if (method.equals("HEAD") || method.equals("CONNECT") && code >= 200 && code < 300) {
      return true;
    }
    return super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected boolean isSwitchingToNonHttp1Protocol(HttpResponse msg) {
    return false; // never hand raw bytes on as "upgraded": the client does not upgrade
  }
}
