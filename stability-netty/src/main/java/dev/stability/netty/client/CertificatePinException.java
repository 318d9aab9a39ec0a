package dev.stability.netty.client;

import dev.stability.guard.StatusHint;
import java.util.List;
import java.util.Set;

/**
 * Thrown in phase {@link CallPhase#TLS} when a pinned host presented a chain none of whose keys is
 * pinned; the connection is closed before any request byte is sent, and the call is not retried.
 *
 * <p>The message names the host, the expected pins and the chain's pins, which is what is needed to
 * tell a rotated key (update the pins) from an interception (do not).
 */
public final class CertificatePinException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "tls_failure");

  private final String host;
  private final Set<String> expectedPins;
  private final List<String> chainPins;

  /**
   * Creates the exception.
   *
   * @param host the pinned host
   * @param expectedPins the pins configured for it
   * @param chainPins the pins of the chain it presented, leaf first
   */
  public CertificatePinException(String host, Set<String> expectedPins, List<String> chainPins) {
    super(
        "phase TLS: certificate pinning failure for "
            + host
            + ": expected one of "
            + expectedPins
            + ", the chain has "
            + chainPins,
        null,
        false);
    this.host = host;
    this.expectedPins = Set.copyOf(expectedPins);
    this.chainPins = List.copyOf(chainPins);
  }

  /** Returns {@link CallPhase#TLS}. @return the phase */
  public CallPhase phase() {
    return CallPhase.TLS;
  }

  /** Returns the pinned host. @return the host */
  public String host() {
    return host;
  }

  /** Returns the pins configured for the host. @return the pins */
  public Set<String> expectedPins() {
    return expectedPins;
  }

  /** Returns the pins of the presented chain, leaf first. @return the pins */
  public List<String> chainPins() {
    return chainPins;
  }

  /**
   * Returns 502 {@code tls_failure}: the upstream presented an unpinned key.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
