package dev.stability.context.wire;

/**
 * How a server treats timeout headers sent by its callers.
 *
 * <p>A caller's timeout can only shorten the server's own budget when capped: an untrusted caller
 * asking for an hour must not hold a worker for an hour (Armeria once let a gRPC client header
 * extend the server timeout).
 */
public enum TrustPolicy {
  /** Honour the caller's timeout, clamped to the server's minimum and maximum. The default. */
  ACCEPT_CAPPED,
  /**
   * Ignore timeout headers and use the server default; the headers still travel with the request.
   */
  IGNORE,
  /**
   * Ignore timeout headers and remove them from the request so that nothing downstream reads them.
   */
  STRIP
}
