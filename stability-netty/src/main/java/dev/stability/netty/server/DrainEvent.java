package dev.stability.netty.server;

/**
 * The user events {@link ServerLifecycle} fires on every connection of a draining server, from the
 * head of its pipeline: each protocol handler reacts to them in its own way (HTTP/1.1 answers the
 * last response with {@code Connection: close}; an HTTP/2 handler would send GOAWAY).
 */
enum DrainEvent {
  /**
   * The drain started: take no new request, finish those in flight, close at once when idle ({@link
   * ConnectionLifecycleHandler}).
   */
  START,
  /**
   * The drain deadline passed: cancel what is still in flight with {@code CancelReason.SHUTDOWN}
   * (answered 503) and close ({@link Http1ExchangeHandler}).
   */
  DEADLINE
}
