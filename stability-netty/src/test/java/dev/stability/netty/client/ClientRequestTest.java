package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ClientRequestTest {
  private static final URI ORDERS = URI.create("http://127.0.0.1:8080/orders");

  @Test
  void factoriesSetTheMethodAndIdempotenceOfEachVerb() {
    ClientRequest post = ClientRequest.post(ORDERS, "{}");
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.isIdempotent()).isFalse();
    assertThat(ClientRequest.put(ORDERS, "{}").method()).isEqualTo("PUT");
    assertThat(ClientRequest.put(ORDERS, "{}").isIdempotent()).isTrue();
    assertThat(ClientRequest.delete(ORDERS).method()).isEqualTo("DELETE");
    assertThat(ClientRequest.delete(ORDERS).isIdempotent()).isTrue();
  }

  @Test
  void aTypedMethodBuildsTheSameRequestAsItsName() {
    ClientRequest typed = ClientRequest.builder(HttpMethod.PATCH, ORDERS).build();
    assertThat(typed.method()).isEqualTo("PATCH");
    assertThat(typed.isIdempotent()).isFalse();
    assertThatThrownBy(() -> ClientRequest.builder((HttpMethod) null, ORDERS))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("method");
  }
}
