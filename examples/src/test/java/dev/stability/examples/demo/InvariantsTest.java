package dev.stability.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvariantsTest {
  @Test
  void allHoldingEndsWithOk() {
    Invariants inv = new Invariants();
    inv.check(true, "0 leaks", "0 LEAK reports");
    assertThat(inv.allHold()).isTrue();
    assertThat(inv.verdict()).isEqualTo("invariants: OK");
    assertThat(inv.checked()).containsExactly("ok     0 leaks: 0 LEAK reports");
  }

  @Test
  void aBrokenOneIsListedWithWhatWasMeasured() {
    Invariants inv = new Invariants();
    inv.check(true, "every request answered", "2 of 2");
    inv.check(false, "0 leaks", "3 LEAK reports");
    assertThat(inv.allHold()).isFalse();
    assertThat(inv.verdict()).isEqualTo("invariants: BROKEN: 0 leaks (3 LEAK reports)");
    assertThat(inv.broken()).containsExactly("0 leaks (3 LEAK reports)");
  }
}
