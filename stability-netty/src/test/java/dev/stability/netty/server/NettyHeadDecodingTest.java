package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Pins what Netty's decoder lets through, which the head validator relies on: if an upgrade changes
 * one of these, the validator's rule must change with it.
 */
class NettyHeadDecodingTest {
  private static HttpRequest decode(String raw) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec());
    try {
      ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
      HttpRequest r = ch.readInbound();
      for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
        ReferenceCountUtil.release(o);
      }
      return r;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void onlyTheExactSpellingDecodesToTheVersionConstant() {
    assertThat(decode("GET / HTTP/1.1\r\n\r\n").protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
    assertThat(decode("GET / HTTP/1.0\r\n\r\n").protocolVersion()).isSameAs(HttpVersion.HTTP_1_0);
    HttpRequest lower = decode("GET / http/1.1\r\n\r\n");
    assertThat(lower.decoderResult().isSuccess()).isTrue();
    assertThat(lower.protocolVersion())
        .isEqualTo(HttpVersion.HTTP_1_1)
        .isNotSameAs(HttpVersion.HTTP_1_1);
  }

  @Test
  void otherMajorVersionsDecode() {
    HttpRequest r = decode("GET / HTTP/2.0\r\n\r\n");
    assertThat(r.decoderResult().isSuccess()).isTrue();
    assertThat(r.protocolVersion().majorVersion()).isEqualTo(2);
  }

  @Test
  void nulAndControlBytesInTheTargetDecode() {
    assertThat(decode("GET /a\u0000b HTTP/1.1\r\n\r\n").uri()).isEqualTo("/a\u0000b");
    assertThat(decode("GET /a\u0001b HTTP/1.1\r\n\r\n").uri()).isEqualTo("/a\u0001b");
  }

  @Test
  void absoluteFormAndRepeatedHostDecodeUntouched() {
    HttpRequest r = decode("GET http://h:1/p HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    assertThat(r.uri()).isEqualTo("http://h:1/p");
    assertThat(r.headers().getAll("host")).containsExactly("a", "b");
  }

  @Test
  void anyTokenDecodesAsAMethod() {
    assertThat(decode("BREW / HTTP/1.1\r\n\r\n").method().name()).isEqualTo("BREW");
  }
}
