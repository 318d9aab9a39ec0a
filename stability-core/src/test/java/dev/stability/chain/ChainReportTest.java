package dev.stability.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ChainReportTest {
  private final ChainTracker tracker =
      ChainTracker.builder("orders")
          .stages("auth", "log", "handler")
          .meterRegistry(new SimpleMeterRegistry())
          .build();
  private final Stage auth = tracker.stage("auth");
  private final Stage log = tracker.stage("log");
  private final Stage handler = tracker.stage("handler");

  ChainReportTest() {
    for (int i = 0; i < 3; i++) { // three good requests
      TrackedRequest ex = tracker.track("ok-" + i);
      ex.enter(auth);
      ex.forwarded(auth);
      ex.enter(log);
      ex.forwarded(log);
      ex.enter(handler);
      ex.responded(handler);
      ex.completed();
      ex.finish();
    }
    TrackedRequest denied = tracker.track("denied");
    denied.enter(auth);
    denied.responded(auth);
    denied.completed();
    TrackedRequest swallowed = tracker.track("lost");
    swallowed.enter(auth);
    swallowed.forwarded(auth);
    swallowed.enter(log);
    swallowed.stageReturned(log);
  }

  @Test
  void mermaidListsTheStagesInOrderWithTheirCounts() {
    String mermaid = tracker.report().toMermaid();

    assertThat(mermaid).startsWith("flowchart LR\n");
    assertThat(mermaid)
        .containsSubsequence(
            "s0[\"auth<br/>entered 5<br/>forwarded 4<br/>responded 1<br/>failed 0<br/>violations 0\"]",
            "s1[\"log<br/>entered 4<br/>forwarded 3<br/>responded 0<br/>failed 0<br/>violations 1: SWALLOWED 1\"]"
                + ":::violation",
            "s2[\"handler<br/>entered 3<br/>forwarded 0<br/>responded 3",
            "s0 -->|4| s1",
            "s1 -->|3| s2");
  }

  @Test
  void markdownHasOneRowPerStageInOrder() {
    String md = tracker.report().toMarkdown();

    assertThat(md.split("\n"))
        .containsExactly(
            "| # | stage | entered | forwarded | responded | failed | violations |",
            "|---|---|---:|---:|---:|---:|---|",
            "| 1 | auth | 5 | 4 | 1 | 0 | 0 |",
            "| 2 | log | 4 | 3 | 0 | 0 | SWALLOWED 1 |",
            "| 3 | handler | 3 | 0 | 3 | 0 | 0 |");
  }

  @Test
  void jsonCarriesEveryCounterAndViolationsByType() {
    assertThat(tracker.report().toJson())
        .isEqualTo(
            "{\"chain\":\"orders\",\"stages\":["
                + "{\"name\":\"auth\",\"entered\":5,\"forwarded\":4,\"responded\":1,\"failed\":0,\"violations\":{}},"
                + "{\"name\":\"log\",\"entered\":4,\"forwarded\":3,\"responded\":0,\"failed\":0,"
                + "\"violations\":{\"SWALLOWED\":1}},"
                + "{\"name\":\"handler\",\"entered\":3,\"forwarded\":0,\"responded\":3,\"failed\":0,\"violations\":{}}]}");
  }

  @Test
  void stagesMetLaterAreAppendedAndNamesAreEscaped() {
    ChainTracker t = ChainTracker.of("x", "a");
    t.stage("say \"<hi>\" | #1");

    ChainReport report = t.report();

    assertThat(report.stages())
        .extracting(StageStats::name)
        .containsExactly("a", "say \"<hi>\" | #1");
    assertThat(report.toMermaid()).contains("say #quot;#lt;hi#gt;#quot; | #35;1");
    assertThat(report.toMarkdown()).contains("say \"<hi>\" \\| #1");
    assertThat(report.toJson()).contains("\"say \\\"<hi>\\\" | #1\"");
  }
}
