package dev.stability.examples.internal;

/**
 * Handles one path of an {@link HttpService}; runs on the connection's event loop with the
 * request's context attached.
 *
 * <p>Answer through the {@link Call}, now or later (then call {@link Call#async()} or {@link
 * Call#later} first). Do not block: the event loop also runs the deadline timers. A route that
 * throws is answered 500 by the server guard; one that returns without answering or going async is
 * answered 500 by the chain tracker.
 */
@FunctionalInterface
public interface Route {
  /**
   * Handles the call.
   *
   * @param call the request and the way to answer it
   * @throws Exception anything; the guard answers 500
   */
  void handle(Call call) throws Exception;
}
