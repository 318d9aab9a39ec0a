package dev.stability.testkit.alignment;

import dev.stability.context.RequestContext;
import dev.stability.netty.client.ClientRequest;
import dev.stability.netty.client.StabilityHttpClient;
import dev.stability.netty.server.ServerRequestContexts;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/**
 * The handler of an alignment run: budget from the request context, one call to the hung upstream,
 * a 504.
 */
final class AlignmentProbeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final HandlerBudget handler;
  private final StabilityHttpClient client;
  private final URI target;
  private final RunRecorder recorder;

  AlignmentProbeHandler(
      HandlerBudget handler, StabilityHttpClient client, URI target, RunRecorder recorder) {
    this.handler = handler;
    this.client = client;
    this.target = target;
    this.recorder = recorder;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    recorder.requestRead();
    RequestContext server = RequestContext.current();
    if (server == null) {
      server = ServerRequestContexts.get(ctx.channel());
    }
    server.onCancel(recorder::serverEnded);
    RequestContext budget =
        handler.marginOrNull() != null
            ? server.budget(handler.marginOrNull())
            : server.withTimeout(handler.budgetOrNull());
    if (budget.hasOwnDeadline()) {
      budget.onCancel(recorder::budgetEnded);
    } else {
      recorder.note("handler budget is not shorter than the server deadline: it inherits it");
    }
    recorder.note(
        "handler calls the upstream with "
            + budget.remaining().map(Times::format).orElse("no deadline")
            + " left");
    client
        .execute(ClientRequest.builder("GET", target).context(budget).build())
        .whenComplete(
            (response, failure) -> {
              if (failure == null) {
                recorder.clientAnswered(response.status());
              } else {
                recorder.clientFailed(
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure,
                    budget.hasOwnDeadline()
                        ? RuntimeAlignmentResult.Layer.HANDLER_BUDGET
                        : RuntimeAlignmentResult.Layer.SERVER_REQUEST);
              }
              budget.complete();
              String body =
                  failure == null
                      ? "upstream answered " + response.status()
                      : "upstream failed: " + failure;
              FullHttpResponse answer =
                  new DefaultFullHttpResponse(
                      HttpVersion.HTTP_1_1,
                      HttpResponseStatus.GATEWAY_TIMEOUT,
                      Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
              answer
                  .headers()
                  .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.content().readableBytes());
              ctx.writeAndFlush(answer);
            });
  }
}
