package dev.stability.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerSpansTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();

  @AfterEach
  void close() {
    provider.close();
  }

  private SpanData withHost(String host) {
    exporter.reset();
    SpanBuilder b = otel.getTracer("t").spanBuilder("s");
    ServerSpans.serverAddress(b, host);
    b.startSpan().end();
    return exporter.getFinishedSpanItems().get(0);
  }

  private static <T> T attr(SpanData s, AttributeKey<T> key) {
    return s.getAttributes().get(key);
  }

  @Test
  void theHostHeaderGivesServerAddressAndPortInEveryForm() {
    SpanData plain = withHost("orders.example");
    assertThat(attr(plain, HttpAttributes.SERVER_ADDRESS)).isEqualTo("orders.example");
    assertThat(attr(plain, HttpAttributes.SERVER_PORT)).isNull();

    SpanData port = withHost("orders.example:8080");
    assertThat(attr(port, HttpAttributes.SERVER_PORT)).isEqualTo(8080L);

    SpanData v6 = withHost("[::1]:8443");
    assertThat(attr(v6, HttpAttributes.SERVER_ADDRESS)).isEqualTo("::1");
    assertThat(attr(v6, HttpAttributes.SERVER_PORT)).isEqualTo(8443L);
  }

  @Test
  void aHostThatIsNotHostAndPortSetsNothingItCannotStandBehind() {
    assertThat(withHost("a:b:c").getAttributes().isEmpty()).isTrue();
    assertThat(withHost("[::1").getAttributes().isEmpty()).isTrue();
    assertThat(withHost("h".repeat(300)).getAttributes().isEmpty()).isTrue();
    SpanData badPort = withHost("orders:99999");
    assertThat(attr(badPort, HttpAttributes.SERVER_ADDRESS)).isEqualTo("orders");
    assertThat(attr(badPort, HttpAttributes.SERVER_PORT)).isNull();
    assertThat(attr(withHost("orders:-1"), HttpAttributes.SERVER_PORT)).isNull();
  }

  @Test
  void urlPathDropsTheQueryAndFragmentOfEveryTargetForm() {
    assertThat(ServerSpans.path("/orders/42?secret=1")).isEqualTo("/orders/42");
    assertThat(ServerSpans.path("/a#frag?x")).isEqualTo("/a");
    assertThat(ServerSpans.path("http://h:1/abs/path?q")).isEqualTo("/abs/path");
    assertThat(ServerSpans.path("http://h:1")).isEqualTo("/");
    assertThat(ServerSpans.path("*")).isEqualTo("*");
    assertThat(ServerSpans.path("not a uri")).isEqualTo("/");
  }

  @Test
  void aClientsUrlFullNeverCarriesCredentials() {
    assertThat(ClientSpans.withoutUserInfo(URI.create("http://user:pw@h:8080/p?q=1")))
        .isEqualTo("http://h:8080/p?q=1");
    assertThat(ClientSpans.withoutUserInfo(URI.create("https://h/p"))).isEqualTo("https://h/p");
  }

  @Test
  void unknownMethodsAreReportedAsOther() {
    assertThat(HttpAttributes.method("GET")).isEqualTo("GET");
    assertThat(HttpAttributes.method("PURGE")).isEqualTo(HttpAttributes.OTHER_METHOD);
    assertThat(HttpAttributes.method("get")).isEqualTo(HttpAttributes.OTHER_METHOD);
  }
}
