package dev.stability.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stability.testing.RandomCases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whatever the stages do, under repair exactly one response reaches the client. */
class ExchangePropertyTest {
  private static final int ACTIONS = 9;
  private static final ChainTracker TRACKER =
      ChainTracker.builder("prop")
          .stages("a", "b", "c")
          .meterRegistry(new SimpleMeterRegistry())
          .logInterval(Duration.ofHours(1))
          .build();

  @Test
  void underRepairAtMostOneResponseReachesTheWireAndExactlyOneOnceFinished() {
    RandomCases.forAll(
        2_000,
        r -> RandomCases.list(r, 40, x -> x.nextInt(3 * ACTIONS)),
        ExchangePropertyTest::runScript);
  }

  private static void runScript(List<Integer> script) {
    TrackedRequest ex = TRACKER.track("r");
    int onWire = 0;
    boolean enteredAny = false;
    for (int code : script) {
      Stage stage = TRACKER.stages().get(code / ACTIONS);
      Verdict v;
      switch (code % ACTIONS) {
        case 0:
          ex.enter(stage);
          enteredAny = true;
          continue;
        case 1:
          v = ex.forwarded(stage);
          break;
        case 2:
          v = ex.responded(stage);
          onWire += v == Verdict.ALLOW ? 1 : 0;
          break;
        case 3:
          v = ex.respondedFully(stage);
          onWire += v == Verdict.ALLOW ? 1 : 0;
          break;
        case 4:
          v = ex.wrote(stage);
          break;
        case 5:
          v = ex.completed(stage);
          break;
        case 6:
          v = ex.stageReturned(stage);
          break;
        case 7:
          ex.async(stage);
          continue;
        default:
          v = ex.deadlineExceeded();
      }
      onWire += v.answerStatus() != 0 ? 1 : 0;
      assertThat(onWire).as("responses on the wire after %s", script).isLessThanOrEqualTo(1);
    }
    onWire += ex.finish().answerStatus() != 0 ? 1 : 0;

    assertThat(onWire)
        .as("responses on the wire after %s and finish", script)
        .isLessThanOrEqualTo(1);
    if (enteredAny) {
      assertThat(onWire).as("responses on the wire after %s and finish", script).isEqualTo(1);
    }
  }
}
