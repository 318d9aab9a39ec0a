package dev.stability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void printableAsciiIsQuotedAsItIs() {
    assertThat(LogText.quote("/slow?ms=abc")).isEqualTo("\"/slow?ms=abc\"");
  }

  @Test
  void controlAndNonAsciiCharactersBecomeEscapes() {
    assertThat(LogText.quote("a\nb\u001b[31m\u00e9\"\\"))
        .isEqualTo("\"a\\u000ab\\u001b[31m\\u00e9\\\"\\\\\"");
  }

  @Test
  void longTextIsCappedWithAnEllipsis() {
    assertThat(LogText.quote("abcdef", 3)).isEqualTo("\"abc...\"");
    assertThat(LogText.quote("x".repeat(1_000))).hasSize(LogText.DEFAULT_MAX_CHARS + 5);
  }

  @Test
  void nullIsWrittenUnquoted() {
    assertThat(LogText.quote(null)).isEqualTo("null");
  }
}
