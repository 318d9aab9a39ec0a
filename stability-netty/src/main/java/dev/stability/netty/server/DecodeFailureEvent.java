package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Sent down the pipeline when the body of an in-flight request failed to decode, so that the
 * exchange handler, which knows whether that request's response started, answers it; unclaimed, the
 * connection guard does.
 */
final class DecodeFailureEvent {
  final HttpResponseStatus status;
  final Throwable cause;
  boolean claimed;

  DecodeFailureEvent(HttpResponseStatus status, Throwable cause) {
    this.status = status;
    this.cause = cause;
  }
}
