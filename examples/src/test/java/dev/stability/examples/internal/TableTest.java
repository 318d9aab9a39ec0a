package dev.stability.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsTextLeftAndNumbersRight() {
    String t = Table.of("service", "n").row("edge", 5).row("inventory", 1234).render();
    assertThat(t)
        .isEqualTo(
            ""
                + "  service       n\n"
                + "  ---------  ----\n"
                + "  edge          5\n"
                + "  inventory  1234\n");
  }

  @Test
  void rejectsARowOfTheWrongWidth() {
    assertThatThrownBy(() -> Table.of("a", "b").row("x")).hasMessage("values: 1 (expected: 2)");
  }
}
