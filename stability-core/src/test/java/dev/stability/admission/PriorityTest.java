package dev.stability.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PriorityTest {
  @Test
  void headerValuesParseInAnyCaseWithSpacesAround() {
    assertThat(Priority.parse("critical")).isEqualTo(Priority.CRITICAL);
    assertThat(Priority.parse(" Sheddable ")).isEqualTo(Priority.SHEDDABLE);
    assertThat(Priority.parse("DEFAULT")).isEqualTo(Priority.DEFAULT);
  }

  @Test
  void noHeaderMeansDefault() {
    assertThat(Priority.parse(null)).isEqualTo(Priority.DEFAULT);
  }

  @Test
  void aBadValueIsNamedEscapedAndShortened() {
    assertThatThrownBy(() -> Priority.parse("urgent\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "x-request-priority: \"urgent\\u000a\" (expected: critical, default or sheddable)");
    assertThatThrownBy(() -> Priority.parse("x".repeat(10_000)))
        .hasMessageStartingWith("x-request-priority: \"" + "x".repeat(32) + "...\"");
    assertThatThrownBy(() -> Priority.parse("")).hasMessageContaining("\"\"");
  }

  @Test
  void headerValueRoundTrips() {
    for (Priority p : Priority.values()) {
      assertThat(Priority.parse(p.headerValue())).isEqualTo(p);
    }
  }
}
