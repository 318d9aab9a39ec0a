package dev.stability.netty.client;

import java.util.concurrent.CompletableFuture;

/**
 * The future handed to callers: cancelling it aborts the call and frees or closes its connection.
 */
final class CallFuture extends CompletableFuture<ClientResponse> {
  private final CallExecution call;

  CallFuture(CallExecution call) {
    this.call = call;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      call.cancelledByCaller();
    }
    return cancelled;
  }
}
