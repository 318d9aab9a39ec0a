package dev.stability.examples.internal;

import dev.stability.breaker.CallNotPermittedException;
import dev.stability.netty.client.ClientResponse;
import dev.stability.netty.client.PhaseTimeoutException;
import java.util.concurrent.CompletionException;

/** Turns the outcome of an upstream call into the answer of the call being served. */
public final class Upstreams {
  private Upstreams() {}

  /**
   * Answers {@code call} with the upstream's response, or with a problem that says why there is
   * none: 503 when the breaker rejected the call, 504 when a phase of the call ran out of time, 502
   * otherwise. Does nothing when the call's context already ended (the guard answered it, or its
   * client left): an answer then would be late.
   *
   * @param call the call being served
   * @param upstream the upstream's name, for the problem detail
   * @param response the upstream's response, or {@code null}
   * @param failure the call's failure, or {@code null}
   */
  public static void relay(Call call, String upstream, ClientResponse response, Throwable failure) {
    if (call.context().isDone()) {
      return;
    }
    if (failure == null) {
      String type = response.header("content-type");
      call.respond(
          response.status(),
          type == null ? "text/plain; charset=utf-8" : type,
          response.bodyAsString());
      return;
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof CallNotPermittedException rejected) {
      call.problem(
          503,
          upstream
              + " unavailable: circuit breaker "
              + rejected.state()
              + " ("
              + rejected.reason()
              + ")");
    } else if (cause instanceof PhaseTimeoutException timeout) {
      call.problem(504, upstream + " timed out in phase " + timeout.phase());
    } else {
      call.problem(502, upstream + " failed: " + cause.getClass().getSimpleName());
    }
  }
}
