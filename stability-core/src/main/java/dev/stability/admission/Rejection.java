package dev.stability.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An admission rejected at once. */
final class Rejection implements Admission {
  private final AdmissionRejectedException exception;

  Rejection(AdmissionRejectedException exception) {
    this.exception = exception;
  }

  @Override
  public State state() {
    return State.REJECTED;
  }

  @Override
  public AdmissionPermit permit() {
    throw new IllegalStateException("the request was rejected: " + exception.getMessage());
  }

  @Override
  public AdmissionRejectedException rejection() {
    return exception;
  }

  @Override
  public CompletionStage<AdmissionPermit> whenAdmitted() {
    return CompletableFuture.failedFuture(exception);
  }

  @Override
  public void cancel() {}

  @Override
  public String toString() {
    return "Admission(REJECTED, " + exception.reason() + ")";
  }
}
