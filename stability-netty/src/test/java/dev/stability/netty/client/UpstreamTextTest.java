package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpstreamTextTest {
  @Test
  void lineBreaksControlBytesAndNonAsciiAreEscaped() {
    assertThat(UpstreamText.escape("a\r\nb\u001b[31m\u00ff\u2028\\"))
        .isEqualTo("a\\x0d\\x0ab\\x1b[31m\\xff\\u2028\\\\");
  }

  @Test
  void longTextIsCutShort() {
    String out = UpstreamText.escape("x".repeat(10_000));
    assertThat(out).hasSize(UpstreamText.MAX_CHARS + 3).endsWith("...");
  }
}
