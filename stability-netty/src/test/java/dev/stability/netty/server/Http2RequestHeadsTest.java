package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class Http2RequestHeadsTest {
  private static HttpRequest request(String uri, String... hosts) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, false);
    for (String h : hosts) {
      r.headers().add("host", h);
    }
    return r;
  }

  @Test
  void anOriginFormTargetWithOneValidHostIsAccepted() {
    assertThat(Http2RequestHeads.rejection(request("/a?b=c", "example.test:8443"))).isZero();
    assertThat(Http2RequestHeads.rejection(request("*", "[::1]:80"))).isZero();
  }

  @Test
  void aTargetWithAControlOrNonAsciiByteIs400() {
    assertThat(Http2RequestHeads.rejection(request("/a\u0001b", "x"))).isEqualTo(400);
    assertThat(Http2RequestHeads.rejection(request("/\u00e9", "x"))).isEqualTo(400);
  }

  @Test
  void noHostAnEmptyOneABadPortOrUserinfoIs400() {
    assertThat(Http2RequestHeads.rejection(request("/"))).isEqualTo(400);
    assertThat(Http2RequestHeads.rejection(request("/", ""))).isEqualTo(400);
    assertThat(Http2RequestHeads.rejection(request("/", "x:99999"))).isEqualTo(400);
    assertThat(Http2RequestHeads.rejection(request("/", "u@x"))).isEqualTo(400);
  }

  @Test
  void differingHostsAre400AndEqualOnesFoldIntoOne() {
    assertThat(Http2RequestHeads.rejection(request("/", "a.test", "b.test"))).isEqualTo(400);
    HttpRequest same = request("/", "a.test", "A.TEST");
    assertThat(Http2RequestHeads.rejection(same)).isZero();
    assertThat(same.headers().getAll("host")).containsExactly("a.test");
  }
}
