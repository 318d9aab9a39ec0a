package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stability.context.CancelReason;
import dev.stability.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BadRequestExceptionTest {
  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Guard guard =
      Guard.of(
          GuardConfig.builder()
              .meterRegistry(registry)
              .ticker(now::get)
              .logInterval(Duration.ofSeconds(10))
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

  private Incident reject(String requestId, String route, String value) {
    RequestContext ctx = guard.bind(RequestContext.of(requestId), route);
    return guard.report(
        ctx, BadRequestException.invalid("ms", value, "an integer from 0 to 60000"));
  }

  @Test
  void messageNamesTheInputTheEscapedValueAndTheExpectation() {
    BadRequestException e =
        BadRequestException.invalid("ms", "a\"b\\c\r\nX-Forged: 1\u2028", "an integer");

    assertThat(e.getMessage())
        .isEqualTo("ms: \"a\\\"b\\\\c\\u000d\\u000aX-Forged: 1\\u2028\" (expected: an integer)");
    assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u2028");
    assertThat(e.input()).isEqualTo("ms");
  }

  @Test
  void aHugeValueIsCappedInTheMessage() {
    BadRequestException e = BadRequestException.invalid("q", "x".repeat(100_000), "short");

    assertThat(e.getMessage()).hasSizeLessThan(120).contains("...\" (expected: short)");
  }

  @Test
  void isStacklessSoAFloodCostsNoStackWalks() {
    assertThat(BadRequestException.invalid("ms", "abc", "an integer").getStackTrace()).isEmpty();
    assertThat(BadRequestException.of("path", "undecodable").getStackTrace()).isEmpty();
  }

  @Test
  void isAnswered400AsAClientErrorWithItsMessageAsDetail() {
    Incident incident = reject("r-1", "/slow", "abc");

    assertThat(incident.status()).isEqualTo(400);
    assertThat(incident.kind()).isEqualTo(IncidentKind.CLIENT_ERROR);
    ProblemDetails problem = guard.problem(incident);
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.toJson())
        .isEqualTo(
            "{\"title\":\"Bad Request\",\"status\":400,\"requestId\":\"r-1\","
                + "\"detail\":\"ms: \\\"abc\\\" (expected: an integer from 0 to 60000)\"}");
  }

  @Test
  void staysAClientErrorWhenTheDeadlineAlreadyPassed() {
    RequestContext ctx = RequestContext.of("late");
    ctx.cancel(CancelReason.DEADLINE_EXCEEDED);

    assertThat(
            guard
                .report(guard.bind(ctx, "/slow"), BadRequestException.invalid("ms", "-5", "x"))
                .status())
        .isEqualTo(400);
  }

  @Test
  void isLoggedAtInfoWithoutStackOncePerRouteAndIntervalAndCountedEveryTime() {
    for (int i = 0; i < 50; i++) {
      reject("r" + i, "/slow", "abc" + i);
    }
    reject("other", "/downstream", "-5");

    assertThat(appender.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.INFO);
              assertThat(e.getThrowableProxy()).isNull();
            });
    assertThat(
            registry
                .get("stability.guard.incidents")
                .tag("kind", "CLIENT_ERROR")
                .tag("route", "/slow")
                .counter()
                .count())
        .isEqualTo(50.0);

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    reject("r50", "/slow", "abc");

    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .last()
        .satisfies(
            e -> assertThat(e.getFormattedMessage()).contains("r50", "(49 more on this route"));
  }
}
