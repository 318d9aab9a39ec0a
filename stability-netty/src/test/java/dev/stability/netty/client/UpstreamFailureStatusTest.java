package dev.stability.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.breaker.CallNotPermittedException.Reason;
import dev.stability.breaker.CircuitBreakerState;
import dev.stability.context.BudgetExhaustedException;
import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolverException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class UpstreamFailureStatusTest {

  private static UpstreamFailureStatus map(Throwable t) {
    return UpstreamFailureStatus.of(t).orElseThrow(() -> new AssertionError("not mapped: " + t));
  }

  private static void assertMapped(Throwable t, int status, String reason) {
    UpstreamFailureStatus s = map(t);
    assertThat(s.status()).as("status of %s", t).isEqualTo(status);
    assertThat(s.reason()).as("reason of %s", t).isEqualTo(reason);
  }

  @Test
  void aTimeoutInAnyPhaseIs504() {
    for (CallPhase phase : CallPhase.values()) {
      assertMapped(new PhaseTimeoutException(phase, 1_000_000, 0, "api:443"), 504, "phase_timeout");
    }
  }

  @Test
  void theRequestsOwnDeadlineIs504() {
    assertMapped(
        new BudgetExhaustedException("r1", 2_000_000, 5_000_000, 1_000_000),
        504,
        "budget_exhausted");
    assertMapped(
        new ContextCancelledException("r1", CancellationCause.of(CancelReason.DEADLINE_EXCEEDED)),
        504,
        "deadline_exceeded");
    assertMapped(
        new ContextCancelledException(
            "r1", CancellationCause.of(CancelReason.DEADLINE_EXCEEDED).inherited()),
        504,
        "deadline_exceeded");
    assertMapped(
        CallNotPermittedException.shared(
            "orders", CircuitBreakerState.CLOSED, Reason.DEADLINE_TOO_SHORT),
        504,
        "deadline_too_short");
  }

  @Test
  void anUpstreamThatMustNotBeCalledNowIs503() {
    assertMapped(
        CallNotPermittedException.shared("orders", CircuitBreakerState.OPEN, Reason.OPEN),
        503,
        "breaker_open");
    assertMapped(
        CallNotPermittedException.of(
            "orders", CircuitBreakerState.FORCED_OPEN, Reason.FORCED_OPEN, null),
        503,
        "breaker_open");
    assertMapped(
        CallNotPermittedException.shared(
            "orders", CircuitBreakerState.HALF_OPEN, Reason.HALF_OPEN_FULL),
        503,
        "breaker_open");
    assertMapped(new PoolExhaustedException("api:443", 64, 256), 503, "pool_exhausted");
    AdaptiveThrottle throttle =
        new AdaptiveThrottle(
            AdaptiveThrottlingConfig.builder().enabled(true).build(), () -> 0L, () -> 0.0);
    assertMapped(throttle.rejection("api:443"), 503, "locally_throttled");
    assertMapped(
        new RetryBudgetExhaustedException("api:443", RetryBudgetConfig.ofDefaults(), null),
        503,
        "retry_budget_exhausted");
    assertMapped(
        new ContextCancelledException("r1", CancellationCause.of(CancelReason.SHUTDOWN)),
        503,
        "shutdown");
  }

  @Test
  void anExhaustedRetryBudgetWrappingAServerErrorIsStill503() {
    assertMapped(
        new RetryBudgetExhaustedException(
            "api:443",
            RetryBudgetConfig.ofDefaults(),
            new UpstreamServerErrorException("api:443", 500)),
        503,
        "retry_budget_exhausted");
  }

  @Test
  void aRealRefusedConnectIs502() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    IOException refused = null;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
    } catch (IOException e) {
      refused = e;
    }
    assertThat(refused).isInstanceOf(ConnectException.class);
    // as DefaultStabilityHttpClient throws it today: an UncheckedIOException around the connect
    // failure
    assertMapped(new UncheckedIOException(refused.getMessage(), refused), 502, "connect_failed");
  }

  @Test
  void aBrokenConnectionIs502() {
    assertMapped(
        new PrematureCloseException("api:443", true, new SocketException("Connection reset")),
        502,
        "premature_close");
    assertMapped(new SocketException("Connection reset"), 502, "connection_reset");
    assertMapped(new ClosedChannelException(), 502, "connection_reset");
  }

  @Test
  void aBadAnswerIs502() {
    assertMapped(new UpstreamServerErrorException("api:443", 503), 502, "upstream_5xx");
    assertMapped(new ResponseTooLargeException("api:443", 1024, 4096), 502, "malformed_response");
    assertMapped(new DecoderException("invalid version"), 502, "malformed_response");
    assertMapped(new TooLongFrameException("header too long"), 502, "malformed_response");
    assertMapped(
        new CertificatePinException("api", Set.of("sha256/a"), List.of("sha256/b")),
        502,
        "tls_failure");
    assertMapped(new SSLHandshakeException("no cipher suites in common"), 502, "tls_failure");
  }

  @Test
  void aFailedNameLookupIs502() {
    assertMapped(new UnknownHostException("nope.invalid"), 502, "dns_failure");
    assertMapped(
        new DnsNameResolverException(
            new InetSocketAddress("127.0.0.1", 53),
            new DefaultDnsQuestion("nope.invalid", DnsRecordType.A),
            "NXDOMAIN"),
        502,
        "dns_failure");
  }

  @Test
  void theClientsOwnDnsAndConnectFailuresAre502() {
    assertMapped(
        new DnsFailureException("nope.invalid:80", new UnknownHostException("nope.invalid")),
        502,
        "dns_failure");
    assertMapped(
        new ConnectFailedException(
            "api:80",
            new InetSocketAddress("127.0.0.1", 1),
            new java.net.ConnectException("Connection refused")),
        502,
        "connect_failed");
  }

  @Test
  void wrappersAreWalkedOutermostFirst() {
    Throwable wrapped =
        new CompletionException(
            new ExecutionException(new PhaseTimeoutException(CallPhase.BODY, 1, 0, "api:443")));
    UpstreamFailureStatus s = map(wrapped);
    assertThat(s.status()).isEqualTo(504);
    assertThat(s.failure()).isInstanceOf(PhaseTimeoutException.class);
  }

  @Test
  void failuresThatAreNotTheClientsAreLeftToTheServer() {
    assertThat(UpstreamFailureStatus.of(new IllegalStateException("handler bug"))).isEmpty();
    assertThat(UpstreamFailureStatus.of(new IOException("disk full"))).isEmpty();
    assertThat(
            UpstreamFailureStatus.of(
                new ContextCancelledException(
                    "r1", CancellationCause.of(CancelReason.CLIENT_DISCONNECTED))))
        .isEmpty();
    assertThat(UpstreamFailureStatus.of(null)).isEmpty();
  }

  @Test
  void aCyclicCauseChainEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(UpstreamFailureStatus.of(a)).isEmpty();
  }

  @Test
  void aDeepChainIsWalkedOnlySoFar() {
    Throwable t = new PoolExhaustedException("api:443", 1, 1);
    for (int i = 0; i < UpstreamFailureStatus.MAX_DEPTH; i++) {
      t = new RuntimeException("wrap " + i, t);
    }
    assertThat(UpstreamFailureStatus.of(t)).isEmpty();
  }

  @Test
  void retryAfterIsAddedByWhoeverKnowsIt() {
    UpstreamFailureStatus s =
        map(CallNotPermittedException.shared("orders", CircuitBreakerState.OPEN, Reason.OPEN));
    assertThat(s.retryAfter()).isEmpty();
    UpstreamFailureStatus withWait = s.withRetryAfter(Duration.ofSeconds(7));
    assertThat(withWait.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(withWait.toString()).isEqualTo("503 (breaker_open, Retry-After PT7S)");
    assertThatThrownBy(() -> s.withRetryAfter(Duration.ZERO))
        .hasMessage("retryAfter: PT0S (expected: > 0)");
  }

  @Test
  void everyClientFailureCarriesItsOwnHintAndTheTableAgreesWithIt() throws Exception {
    for (Class<?> type : StabilityHttpException.class.getPermittedSubclasses()) {
      assertThat(type.getDeclaredMethod("statusHint").getReturnType())
          .as("%s declares its hint", type.getSimpleName())
          .isEqualTo(dev.stability.guard.StatusHint.class);
    }
    TlsHandshakeException tls =
        new TlsHandshakeException(
            "api:443",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 443),
            new SSLHandshakeException("PKIX path building failed"));
    assertMapped(tls, 502, "tls_failure");
    assertThat(tls.statusHint().status()).isEqualTo(502);
    assertThat(tls.statusHint().reason()).isEqualTo("tls_failure");
    assertThat(tls.address()).endsWith("127.0.0.1:443");
  }
}
