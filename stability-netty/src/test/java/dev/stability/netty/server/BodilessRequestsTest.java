package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodilessRequestsTest {
  private static HttpRequest head(String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x?y=1");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void onlyAHeadThatDeclaresNoBodyAndExpectsNothingSkipsAggregation() {
    assertThat(BodilessRequests.eligible(head("host", "a"))).isTrue();
    assertThat(BodilessRequests.eligible(head("content-length", "0"))).isTrue();
    assertThat(BodilessRequests.eligible(head("content-length", "3"))).isFalse();
    assertThat(BodilessRequests.eligible(head("transfer-encoding", "chunked"))).isFalse();
    assertThat(BodilessRequests.eligible(head("content-length", "zz"))).isFalse();
    assertThat(BodilessRequests.eligible(head("expect", "100-continue"))).isFalse();
    HttpRequest failed = head();
    failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad")));
    assertThat(BodilessRequests.eligible(failed)).isFalse();
    FullHttpRequest full =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
    assertThat(BodilessRequests.eligible(full)).isFalse();
  }

  @Test
  void onlyAnEndWithoutBytesOrTrailersCompletesIt() {
    assertThat(BodilessRequests.isEmptyEnd(LastHttpContent.EMPTY_LAST_CONTENT)).isTrue();
    assertThat(BodilessRequests.isEmptyEnd(new DefaultLastHttpContent())).isTrue();
    DefaultLastHttpContent trailer = new DefaultLastHttpContent();
    trailer.trailingHeaders().add("x-checksum", "1");
    assertThat(BodilessRequests.isEmptyEnd(trailer)).isFalse();
    LastHttpContent bytes =
        new DefaultLastHttpContent(Unpooled.copiedBuffer("a", StandardCharsets.US_ASCII));
    try {
      assertThat(BodilessRequests.isEmptyEnd(bytes)).isFalse();
    } finally {
      bytes.release();
    }
  }

  @Test
  void theCompleteRequestIsWhatTheAggregatorWouldHaveBuilt() {
    HttpRequest head = head("host", "a", "x-request-id", "r1");
    FullHttpRequest full = BodilessRequests.complete(head, LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(full.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(full.method()).isEqualTo(HttpMethod.GET);
    assertThat(full.uri()).isEqualTo("/x?y=1");
    assertThat(full.headers()).isSameAs(head.headers());
    assertThat(full.headers().get("x-request-id")).isEqualTo("r1");
    assertThat(full.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("0");
    assertThat(full.content().readableBytes()).isZero();
    assertThat(full.trailingHeaders().isEmpty()).isTrue();
    assertThat(full.decoderResult().isSuccess()).isTrue();
    assertThat(full.release()).isFalse(); // an empty buffer: nothing to free, nothing to leak
  }

  @Test
  void aLengthTheHeadGaveIsKept() {
    HttpRequest head = head("content-length", "0");
    FullHttpRequest full = BodilessRequests.complete(head, new DefaultLastHttpContent());

    assertThat(full.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)).containsExactly("0");
  }
}
