package dev.stability.netty.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.admission.AdmissionPermit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionSlotTest {
  private final List<String> reports = new ArrayList<>();

  private final AdmissionPermit permit =
      new AdmissionPermit() {
        @Override
        public void onSuccess() {
          reports.add("success");
        }

        @Override
        public void onDropped() {
          reports.add("dropped");
        }

        @Override
        public void onIgnore() {
          reports.add("ignore");
        }
      };

  @Test
  void aGrantArrivingForAFinishedExchangeIsGivenBackAtOnce() {
    assertThat(AdmissionSlot.DONE.granted(permit)).isFalse();

    assertThat(reports).containsExactly("ignore");
    assertThat(AdmissionSlot.DONE.waiting()).isFalse();
  }

  @Test
  void theFinishedSlotReportsNothingHowEverItIsEndedAgain() {
    AdmissionSlot.DONE.release(AdmissionSlot.Outcome.SUCCESS);
    AdmissionSlot.DONE.release(AdmissionSlot.Outcome.DROPPED);
    AdmissionSlot.DONE.refused();

    assertThat(reports).isEmpty();
    assertThat(AdmissionSlot.DONE.takeHeld()).isNull();
    assertThat(AdmissionSlot.DONE).hasToString("AdmissionSlot(RELEASED)");
  }
}
