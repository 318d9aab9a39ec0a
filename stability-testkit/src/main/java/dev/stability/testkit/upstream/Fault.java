package dev.stability.testkit.upstream;

/** A way for the upstream to fail one request, used by {@link Behaviour#failEvery(int, Fault)}. */
public enum Fault {
  /** Answer {@code 503 Service Unavailable}. */
  STATUS_503,
  /** Read the request and never answer, keeping the connection open. */
  HANG,
  /** Abort the connection with a TCP reset (SO_LINGER 0) as soon as the request arrived. */
  RESET,
  /** Send the headers and half of the announced body, then close the connection. */
  CLOSE_MID_BODY
}
