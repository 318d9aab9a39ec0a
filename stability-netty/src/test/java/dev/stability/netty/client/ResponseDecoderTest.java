package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {
  private final ResponseDecoder decoder = new ResponseDecoder(new HttpDecoderConfig());
  private final EmbeddedChannel channel = new EmbeddedChannel();

  ResponseDecoderTest() {
    channel.pipeline().addLast(ResponseDecoder.NAME, decoder);
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  private void receive(String ascii) {
    channel.writeInbound(Unpooled.copiedBuffer(ascii, StandardCharsets.ISO_8859_1));
  }

  private int drain() {
    int n = 0;
    for (Object m; (m = channel.readInbound()) != null; n++) {
      ReferenceCountUtil.release(m);
    }
    return n;
  }

  @Test
  void bytesWhileNoResponseIsAwaitedCloseTheChannelAndReachNoHandler() {
    receive("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    assertThat(drain()).isZero();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void cleanResponseLeavesTheConnectionReusable() {
    decoder.expect("GET");
    assertThat(decoder.reusable()).isFalse();
    receive("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    assertThat(drain()).isEqualTo(2); // headers, then the last content with the body
    assertThat(decoder.reusable()).isTrue();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void bytesLeftInTheSameReadAfterTheResponseMakeItUnreusableAndCloseTheChannel() {
    decoder.expect("GET");
    receive("HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\nHELLO");
    assertThat((Object) channel.readInbound()).isInstanceOf(HttpResponse.class);
    assertThat(drain()).isEqualTo(1); // only the empty last content: HELLO is never decoded
    assertThat(channel.isOpen()).isFalse();
    assertThat(decoder.reusable()).isFalse();
  }

  @Test
  void oneByteOfTheResponseCountsAsStarted() {
    decoder.expect("GET");
    assertThat(decoder.responseStarted()).isFalse();
    receive("H");
    assertThat(decoder.responseStarted()).isTrue();
    assertThat(drain()).isZero();
  }

  @Test
  void headAnswerIsReadWithoutABodyWhateverItsLengthSays() {
    decoder.expect("HEAD");
    receive("HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
    assertThat((Object) channel.readInbound()).isInstanceOf(HttpResponse.class);
    assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(decoder.reusable()).isTrue();
  }

  @Test
  void informationalAnswersDoNotEndTheAwaitedResponse() {
    decoder.expect("GET");
    receive("HTTP/1.1 103 Early Hints\r\n\r\n");
    drain();
    assertThat(decoder.reusable()).isFalse(); // still awaiting the final answer
    receive("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    drain();
    assertThat(decoder.reusable()).isTrue();
  }
}
