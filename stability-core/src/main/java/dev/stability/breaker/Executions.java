package dev.stability.breaker;

import dev.stability.context.RequestContext;
import dev.stability.time.Ticker;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The {@code execute*} helpers: acquire, time, report on every path (errors included), rethrow. */
final class Executions {
  private Executions() {}

  static <T> T supplier(CircuitBreaker breaker, Supplier<T> supplier) {
    Ticker ticker = breaker.ticker();
    Permit permit = breaker.acquire(RequestContext.current());
    long start = ticker.nanoTime();
    T result;
    try {
      result = supplier.get();
    } catch (RuntimeException | Error e) { // Errors too: a probe lease must never be lost
      permit.onFailure(ticker.nanoTime() - start, e);
      throw e;
    }
    permit.onResult(ticker.nanoTime() - start, result);
    return result;
  }

  static <T> CompletionStage<T> completionStage(
      CircuitBreaker breaker, Supplier<? extends CompletionStage<T>> supplier) {
    Ticker ticker = breaker.ticker();
    Permit permit;
    try {
      permit = breaker.acquire(RequestContext.current());
    } catch (CallNotPermittedException e) {
      return CompletableFuture.failedFuture(e);
    }
    long start = ticker.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = supplier.get();
    } catch (RuntimeException | Error e) {
      permit.onFailure(ticker.nanoTime() - start, e);
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete(
        (result, error) -> {
          long duration = ticker.nanoTime() - start;
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          if (cause instanceof CancellationException) {
            permit.onCancel();
          } else if (cause != null) {
            permit.onFailure(duration, cause);
          } else {
            permit.onResult(duration, result);
          }
        });
  }
}
