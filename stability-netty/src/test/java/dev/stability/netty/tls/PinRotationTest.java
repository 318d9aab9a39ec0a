package dev.stability.netty.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.config.ReloadableConfig;
import dev.stability.config.UpdateOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A new pin set must keep a pin in force for every host it still pins. */
class PinRotationTest {
  private static final String A = "sha256/" + "A".repeat(43) + "=";
  private static final String B = "sha256/" + "B".repeat(43) + "=";
  private static final String C = "sha256/" + "C".repeat(43) + "=";

  @Test
  void aSetKeepingTheBackupPinIsAcceptedAndOneReplacingEveryPinIsRefused() {
    var rule = CertificatePins.rotationValidator();
    CertificatePins inForce = CertificatePins.parse("api.example.com " + A + " " + B);
    rule.validate(inForce, CertificatePins.parse("api.example.com " + B + " " + C)); // backup kept
    rule.validate(
        inForce, CertificatePins.parse("other.example.com " + C)); // a new host, unpinned one
    assertThatThrownBy(() -> rule.validate(inForce, CertificatePins.parse("api.example.com " + C)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pins for api.example.com: ["
                + C
                + "] (expected: at least one of the pins in force ["
                + A
                + ", "
                + B
                + "], the current key's or its backup, so clients keep connecting during the"
                + " rotation)");
  }

  @Test
  void aRefusedUpdateKeepsTheLastGoodSetAndIsCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CertificatePins inForce = CertificatePins.parse("api.example.com " + A + " " + B);
    ReloadableConfig<CertificatePins> pins =
        ReloadableConfig.builder("pins", inForce)
            .validator(CertificatePins.rotationValidator())
            .meterRegistry(registry)
            .build();
    assertThat(pins.offer("pins.txt", CertificatePins.parse("api.example.com " + C)))
        .isEqualTo(UpdateOutcome.REJECTED);
    assertThat(pins.current()).isEqualTo(inForce);
    assertThat(
            registry.get("stability.config.updates").tag("outcome", "rejected").counter().count())
        .isEqualTo(1);
    assertThat(pins.offer("pins.txt", CertificatePins.parse("api.example.com " + B + " " + C)))
        .isEqualTo(UpdateOutcome.APPLIED);
  }
}
