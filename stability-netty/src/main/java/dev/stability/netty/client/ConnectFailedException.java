package dev.stability.netty.client;

import dev.stability.guard.StatusHint;
import java.net.InetSocketAddress;

/**
 * The connection to one of the host's addresses could not be opened: refused, unreachable, or reset
 * while connecting. The cause is the socket's own failure ({@link java.net.ConnectException} or
 * Netty's native form); a connect that ran out of time is a {@link PhaseTimeoutException} in the
 * {@code CONNECT} phase instead. Nothing was sent, so the status mapping answers it 502 and a retry
 * may go to another address. Stackless.
 */
public final class ConnectFailedException extends StabilityHttpException {
  private static final long serialVersionUID = 1L;
  private static final StatusHint HINT = StatusHint.of(502, "connect_failed");

  private final String target;
  private final String address;

  ConnectFailedException(String target, InetSocketAddress address, Throwable cause) {
    super(
        "cannot connect to " + target + " at " + address + ": " + cause.getMessage(), cause, false);
    this.target = target;
    this.address = String.valueOf(address);
  }

  /** Returns the host and port the call was for. @return the target */
  public String target() {
    return target;
  }

  /** Returns the address the connection was tried to, as {@code ip:port}. @return the address */
  public String address() {
    return address;
  }

  /**
   * Returns 502 {@code connect_failed}: the upstream could not be reached.
   *
   * @return the hint, a shared constant
   */
  @Override
  public StatusHint statusHint() {
    return HINT;
  }
}
