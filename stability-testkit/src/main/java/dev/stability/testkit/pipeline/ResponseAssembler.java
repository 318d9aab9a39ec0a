package dev.stability.testkit.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembles the HTTP objects a pipeline wrote into {@link ProbeResponse}s, pairing them with
 * requests in order and noting what breaks the one-response-per-request contract; releases every
 * object it is given.
 */
final class ResponseAssembler {
  private final List<ProbeResponse> responses = new ArrayList<>();
  private final List<String> wireViolations = new ArrayList<>();
  private Partial partial;

  List<ProbeResponse> responses() {
    return List.copyOf(responses);
  }

  List<String> wireViolations() {
    return List.copyOf(wireViolations);
  }

  String unfinished() {
    return partial == null ? null : partial.status + " to request #" + partial.requestNumber;
  }

  void accept(Object msg, List<String> sent) {
    try {
      if (!(msg instanceof HttpObject)) {
        if (!(msg instanceof ByteBuf) || ((ByteBuf) msg).isReadable()) {
          wireViolations.add(
              "the pipeline wrote a " + msg.getClass().getSimpleName() + " that is no HTTP object");
        }
        return;
      }
      if (msg instanceof HttpResponse) {
        if (partial != null) {
          wireViolations.add(
              "response "
                  + partial.status
                  + " to request #"
                  + partial.requestNumber
                  + " never ended before the next response started");
          finish(false);
        }
        HttpResponse r = (HttpResponse) msg;
        int number = responses.size() + 1;
        if (number > sent.size()) {
          wireViolations.add(
              "an extra response "
                  + r.status().code()
                  + " arrived with no request left to answer"
                  + " (a double response: requests sent "
                  + sent
                  + ")");
          number = 0;
        }
        partial = new Partial(number, r.status().code());
        r.headers()
            .forEach(
                h ->
                    partial
                        .headers
                        .computeIfAbsent(
                            h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.getValue()));
      }
      if (msg instanceof HttpContent) {
        if (partial == null) {
          if (((HttpContent) msg).content().isReadable() || !(msg instanceof LastHttpContent)) {
            wireViolations.add(
                "body content was written with no response started (after the end, or no status)");
          }
          return;
        }
        partial.body.append(((HttpContent) msg).content().toString(StandardCharsets.UTF_8));
        if (msg instanceof LastHttpContent) {
          finish(true);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void finish(boolean complete) {
    responses.add(
        new ProbeResponse(
            partial.requestNumber,
            partial.status,
            Map.copyOf(partial.headers),
            partial.body.toString(),
            complete));
    partial = null;
  }

  private static final class Partial {
    final int requestNumber;
    final int status;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final StringBuilder body = new StringBuilder();

    Partial(int requestNumber, int status) {
      this.requestNumber = requestNumber;
      this.status = status;
    }
  }
}
