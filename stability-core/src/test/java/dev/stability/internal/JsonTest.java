package dev.stability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.quote("a\"b\\c\n\r\t\u0000\u001f\u007f\u2028"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\u0000\\u001f\\u007f\\u2028\"");
  }

  @Test
  void keepsNonAsciiAndValidPairsButReplacesLoneSurrogates() {
    assertThat(Json.quote("é😀")).isEqualTo("\"é😀\"");
    assertThat(Json.quote("x\ud800y")).isEqualTo("\"x\ufffdy\"");
  }

  @Test
  void writesNullAsTheJsonLiteral() {
    assertThat(Json.quote(null)).isEqualTo("null");
  }
}
