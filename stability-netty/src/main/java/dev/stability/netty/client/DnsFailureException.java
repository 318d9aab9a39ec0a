package dev.stability.netty.client;

import dev.stability.guard.StatusHint;

/**
 * The host name could not be resolved: no such name, no address, or the name servers failed. The
 * cause is the resolver's own failure ({@link java.net.UnknownHostException} or Netty's {@code
 * DnsNameResolverException}); a resolution that ran out of time is a {@link PhaseTimeoutException}
 * in the {@code DNS} phase instead. The status mapping answers it 502. Stackless.
 */
public final class DnsFailureException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "dns_failure");

  private final String target;

  DnsFailureException(String target, Throwable cause) {
    super("cannot resolve " + target + ": " + cause, cause, false);
    this.target = target;
  }

  /** Returns the host and port whose name could not be resolved. @return the target */
  public String target() {
    return target;
  }

  /**
   * Returns 502 {@code dns_failure}: the upstream's name did not resolve.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
