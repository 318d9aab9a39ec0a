package dev.stability.timeline;

import java.util.Locale;

/**
 * A point in the life of a request recorded in its {@link PhaseTimeline}, server side then
 * downstream.
 */
public enum RequestPhase {
  /** The connection or stream was accepted for this request. */
  ACCEPTED,
  /** The request head was decoded. */
  HEADERS_READ,
  /** The handler was called. */
  HANDLER_START,
  /** A downstream call asked its pool for a connection. */
  DOWNSTREAM_ACQUIRE,
  /** A downstream call started connecting (no pooled connection was free). */
  DOWNSTREAM_CONNECT,
  /** A downstream call started its TLS handshake. */
  DOWNSTREAM_TLS,
  /** A downstream call finished sending its request. */
  DOWNSTREAM_SENT,
  /** A downstream call received the first byte of its response. */
  DOWNSTREAM_FIRST_BYTE,
  /** A downstream call completed. */
  DOWNSTREAM_DONE,
  /**
   * A database call asked its pool for a connection (the first one of the request; stability-jdbc).
   */
  DB_ACQUIRE,
  /** A database statement started executing (the first one of the request). */
  DB_EXECUTE,
  /** A database statement finished, successfully or not (the first one of the request). */
  DB_DONE,
  /** The response to the client was written. */
  RESPONSE_WRITTEN;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * Returns the lowercase name used in rendered timelines, e.g. {@code headers_read}. @return the
   * label
   */
  public String label() {
    return label;
  }
}
