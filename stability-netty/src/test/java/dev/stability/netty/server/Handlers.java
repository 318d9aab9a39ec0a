package dev.stability.netty.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/** Business handlers for tests, each misbehaving in one way. */
final class Handlers {
  private Handlers() {}

  static FullHttpResponse ok(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return r;
  }

  /** Answers 200 with the request URI. */
  static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      ctx.writeAndFlush(ok("echo " + msg.uri()));
    }
  }

  /** Throws from channelRead, after releasing the request. */
  static final class Thrower extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      if (msg.uri().startsWith("/throw")) {
        throw new IllegalStateException("secret internal detail");
      }
      ctx.writeAndFlush(ok("fine " + msg.uri()));
    }
  }

  /** Consumes requests to /silent without answering; answers others. */
  static final class Silent extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      if (!msg.uri().startsWith("/silent")) {
        ctx.writeAndFlush(ok("answered " + msg.uri()));
      }
    }
  }

  /** Passes /pass requests on down the pipeline unanswered, like a filter that forgot to answer. */
  static final class PassThrough extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest r && !r.uri().startsWith("/pass")) {
        ctx.writeAndFlush(ok("answered " + r.uri()));
        ReferenceCountUtil.release(msg);
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Answers /twice with two responses. */
  static final class Twice extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      ctx.writeAndFlush(ok("first " + msg.uri()));
      if (msg.uri().startsWith("/twice")) {
        ctx.writeAndFlush(ok("second " + msg.uri()));
      }
    }
  }
}
