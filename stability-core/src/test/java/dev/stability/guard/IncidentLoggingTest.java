package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class IncidentLoggingTest {
  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Guard guard =
      Guard.of(
          GuardConfig.builder()
              .meterRegistry(registry)
              .ticker(now::get)
              .logInterval(Duration.ofSeconds(10))
              .fingerprintFrames(1)
              .build());
  private final Logger logger = (Logger) LoggerFactory.getLogger(Guard.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  /** One throw site; with one frame hashed, every failure made here has the same fingerprint. */
  private void reportSameFailure(int i) {
    guard.report(RequestContext.of("r" + i), new IllegalStateException("order " + i));
  }

  private List<ILoggingEvent> fullLines() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR)
        .collect(Collectors.toList());
  }

  @Test
  void identicalFingerprintsAreLoggedInFullOncePerIntervalAndCountedOtherwise() {
    for (int i = 0; i < 5; i++) {
      reportSameFailure(i);
    }

    assertThat(fullLines())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getThrowableProxy()).isNotNull();
              assertThat(e.getFormattedMessage())
                  .contains("r0", IllegalStateException.class.getName());
            });
    assertThat(registry.get("stability.guard.incidents").counter().count()).isEqualTo(5.0);

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    reportSameFailure(5);

    assertThat(fullLines()).hasSize(2);
    assertThat(fullLines().get(1).getFormattedMessage())
        .contains("r5", "(4 more since the last full log");
  }

  @Test
  void differentFingerprintsAreEachLoggedInFull() {
    guard.report(RequestContext.of("a"), new IllegalStateException("x"));
    guard.report(RequestContext.of("b"), new IllegalArgumentException("x"));

    assertThat(fullLines()).hasSize(2);
  }

  @Test
  void fatalErrorsAreAlwaysLoggedInFull() {
    Guard escalating =
        Guard.of(
            GuardConfig.builder()
                .meterRegistry(registry)
                .ticker(now::get)
                .fatalPolicy(FatalErrorPolicy.ESCALATE)
                .fatalHandler(i -> {})
                .build());
    for (int i = 0; i < 3; i++) {
      escalating.report(RequestContext.of("r" + i), new OutOfMemoryError("heap"));
    }

    assertThat(fullLines())
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("FATAL"));
  }

  @Test
  void logLinesCannotBeForgedThroughTheMessage() {
    guard.report(
        RequestContext.of("r"), new IllegalStateException("ok\n12:00:00 INFO forged line"));

    assertThat(fullLines())
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).doesNotContain("\n"));
  }

  @Test
  void aRouteMadeOfClientTextIsQuotedAndEscapedSoItCannotForgeALogLine() {
    RequestContext ctx =
        guard.bind(RequestContext.of("r1"), "GET /x\n2026-01-01 ERROR forged \"line\"");

    guard.report(ctx, new IllegalStateException("boom"));

    assertThat(fullLines())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .doesNotContain("\n")
                    .contains("on route \"GET /x")
                    .contains("\\\"line\\\""));
  }
}
