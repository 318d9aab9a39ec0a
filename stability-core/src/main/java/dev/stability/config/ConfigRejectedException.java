package dev.stability.config;

import java.util.Objects;

/**
 * Says why an update of a {@link ConfigSource} was rejected; the last good value stayed in force.
 *
 * <p>The message reads {@code config 'client-pins' update from /etc/pins.json rejected, keeping the
 * last good value: pins: [] (expected: ...)}; {@link #reason()} is the builder's own message alone.
 * Created without a stack trace: the message says everything, and a poller could otherwise fill
 * logs with identical traces.
 */
public final class ConfigRejectedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String origin;
  private final String reason;

  /**
   * Creates the rejection.
   *
   * @param source the source's name
   * @param origin where the update came from (a path, an etcd key and revision)
   * @param reason the builder's or validator's message
   * @param cause the exception that carried the reason, or {@code null}
   */
  public ConfigRejectedException(String source, String origin, String reason, Throwable cause) {
    super(
        "config '"
            + source
            + "' update from "
            + origin
            + " rejected, keeping the last good value: "
            + reason,
        cause);
    this.source = Objects.requireNonNull(source, "source");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** Returns the source's name. */
  public String source() {
    return source;
  }

  /** Returns where the rejected update came from: a path, a key, or what the caller passed. */
  public String origin() {
    return origin;
  }

  /** Returns the builder's or validator's message, {@code "name: value (expected: ...)"}. */
  public String reason() {
    return reason;
  }
}
