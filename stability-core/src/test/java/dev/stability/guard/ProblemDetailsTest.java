package dev.stability.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.context.RequestContext;
import dev.stability.testing.RandomCases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProblemDetailsTest {
  private static final Guard GUARD =
      Guard.of(
          GuardConfig.builder()
              .meterRegistry(new SimpleMeterRegistry())
              .logInterval(java.time.Duration.ofHours(1))
              .build());

  @Test
  void defaultBodyHasOnlyTitleStatusAndRequestId() {
    Incident incident =
        GUARD.report(RequestContext.of("req-7"), new IllegalStateException("db password=hunter2"));

    String json = GUARD.problem(incident).toJson();

    assertThat(json)
        .isEqualTo("{\"title\":\"Internal Server Error\",\"status\":500,\"requestId\":\"req-7\"}");
  }

  @Test
  void noDefaultBodyEverContainsTheMessageTypeOrStack() {
    RandomCases.forAll(
        2_000, r -> RandomCases.string(r, 40), ProblemDetailsTest::bodyHidesTheSecret);
  }

  private static void bodyHidesTheSecret(String message) {
    String secret = "SECRET-" + message;
    Incident incident = GUARD.report(RequestContext.of("r"), new SecretLeakException(secret));

    String body = new String(GUARD.problem(incident).toUtf8(), StandardCharsets.UTF_8);

    assertThat(body)
        .doesNotContain(
            "SECRET-", "SecretLeakException", "dev.stability", "at ", "fingerprint", "detail");
  }

  @Test
  void devModeAddsTheSanitizedMessageTypeAndFingerprint() {
    Guard dev =
        Guard.of(
            GuardConfig.builder().meterRegistry(new SimpleMeterRegistry()).devMode(true).build());
    Incident incident =
        dev.report(RequestContext.of("r"), new IllegalStateException("say \"hi\"\n"));

    String json = dev.problem(incident).toJson();

    assertThat(json)
        .contains(
            "\"detail\":\"say \\\"hi\\\" \"",
            "\"exception\":\"java.lang.IllegalStateException\"",
            "\"fingerprint\":\"" + incident.fingerprint() + "\"");
  }

  @Test
  void requestIdsAreEscaped() {
    assertThat(ProblemDetails.of(503, "a\"b\\c\u0001").toJson())
        .isEqualTo(
            "{\"title\":\"Service Unavailable\",\"status\":503,\"requestId\":\"a\\\"b\\\\c\\u0001\"}");
  }

  @Test
  void incidentStatusAndStandardTitlesAreUsed() {
    assertThat(ProblemDetails.of(504, "r").title()).isEqualTo("Gateway Timeout");
    assertThat(ProblemDetails.of(599, null).toJson())
        .isEqualTo("{\"title\":\"Server Error\",\"status\":599}");
    assertThat(ProblemDetails.CONTENT_TYPE).isEqualTo("application/problem+json");
  }

  @Test
  void statusesOutsideTheErrorRangeAreRejected() {
    assertThatThrownBy(() -> ProblemDetails.of(200, "r"))
        .hasMessage("status: 200 (expected: 400-599)");
  }

  static final class SecretLeakException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SecretLeakException(String message) {
      super(message);
    }
  }
}
