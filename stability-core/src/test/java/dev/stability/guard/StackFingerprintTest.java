package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackFingerprintTest {

  @Test
  void theSameFailureAtTheSamePlaceHasTheSameFingerprintWhateverItsMessage() {
    String[] prints = new String[2];
    for (int i = 0; i < 2; i++) {
      prints[i] = StackFingerprint.of(failHere("order " + i), 5);
    }

    assertThat(prints[0]).isEqualTo(prints[1]).hasSize(16).matches("[0-9a-f]{16}");
  }

  @Test
  void differentPlacesOrTypesHaveDifferentFingerprints() {
    String here = StackFingerprint.of(failHere("x"), 5);
    String there = StackFingerprint.of(failThere(), 5);
    String otherType = StackFingerprint.of(new IllegalArgumentException(), 0);

    assertThat(here).isNotEqualTo(there);
    assertThat(StackFingerprint.of(new IllegalStateException(), 0)).isNotEqualTo(otherType);
  }

  private static IllegalStateException failHere(String message) {
    return new IllegalStateException(message);
  }

  private static IllegalStateException failThere() {
    return new IllegalStateException("x");
  }
}
