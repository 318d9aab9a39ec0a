package dev.stability.netty.client;

import dev.stability.context.CancelReason;
import dev.stability.context.CancellationCause;
import dev.stability.context.ContextCancelledException;
import dev.stability.context.ContextCarriers;
import dev.stability.context.ListenerRegistration;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call from {@code execute} to its future's completion: attempts, retries inside the budget,
 * the stale connection retry, the breaker permit and the context's cancellation. Confined to the
 * host pool's event loop after {@link #start()}.
 */
final class CallExecution implements PhaseObserver {
  private static final Logger log = LoggerFactory.getLogger(CallExecution.class);

  private final ClientRuntime runtime;
  private final HostGroup group;
  private final HostPolicies policies;
  private final boolean hedge;
  private final ClientRequest request;
  private final RequestContext ctx;
  private final CallFuture future;
  private final RetryPolicy policy;
  private final String host;
  private final long startNanos;
  private final ContextCarriers.Captured carried;
  private ListenerRegistration cancelRegistration;
  private int attempt;
  private boolean staleRetried;
  // where the last attempt failed: the next one goes elsewhere while another address is in rotation
  private InetSocketAddress failedAddress;
  private boolean done;
  private CallPhase phase = CallPhase.ACQUIRE;
  private long phaseLimitNanos;
  private Attempt current;
  private ScheduledFuture<?> retryTimer;
  private DeadlineGuard deadlineGuard;
  private boolean budgetRefused;
  // the protocol of the last attempt's connection, for the meters; NONE until one was acquired
  private String protocol = "NONE";

  CallExecution(
      ClientRuntime runtime,
      HostGroup group,
      HostPolicies policies,
      ClientRequest request,
      RequestContext ctx,
      boolean hedge,
      ContextCarriers.Captured carried) {
    this.runtime = runtime;
    this.group = group;
    this.policies = policies;
    this.hedge = hedge;
    this.request = request;
    this.ctx = ctx;
    this.future = new CallFuture(this);
    this.policy = runtime.config.retryPolicy();
    this.host = group.key.toString();
    this.startNanos = runtime.ticker.nanoTime();
    this.carried = carried;
  }

  HostGroup group() {
    return group;
  }

  CallFuture future() {
    return future;
  }

  /**
   * Starts the first attempt; on the pool's loop. Arms the call's own {@link DeadlineGuard} first,
   * so that nothing below can keep the call past its deadline.
   *
   * <p>Any failure completes the future, an {@link Error} too: Netty only logs what a task throws,
   * and the caller would wait forever (a class of the context that failed to load in {@code
   * ctx.onCancel} once hung a call this way, with no deadline timer armed either).
   */
  void start() {
    try {
      deadlineGuard = DeadlineGuard.arm(group.loop, ctx, this::deadlinePassed);
      doStart();
    } catch (Throwable t) {
      finish(null, t, "ERROR");
      if (t instanceof VirtualMachineError fatal) {
        throw fatal; // out of memory or stack: the caller knows, and the loop still logs it
      }
    }
  }

  /** The call's own deadline timer fired before anything else ended the call. */
  private void deadlinePassed() {
    if (!done) {
      log.debug(
          "call to {} still in phase {} after its deadline: ended by its deadline guard",
          host,
          phase);
      abort(CancellationCause.of(CancelReason.DEADLINE_EXCEEDED));
    }
  }

  private void doStart() {
    if (ctx != null) {
      CancellationCause cause = ctx.cancellationCause();
      if (cause != null && cause.reason().isAbnormal()) {
        abort(cause);
        return;
      }
      cancelRegistration =
          ctx.onCancel(
              c -> {
                if (c.reason().isAbnormal()) {
                  abort(c);
                }
              },
              group.loop);
    }
    if (!hedge) {
      // a hedge is the retry budget's business (the scheduler withdrew for it) and was admitted
      // with its call
      if (!policies.throttle.tryAcquire()) {
        runtime.metrics.throttled(host);
        finish(null, policies.throttle.rejection(host), "THROTTLED");
        return;
      }
    }
    startAttempt(false);
  }

  private void startAttempt(boolean fresh) {
    if (done) {
      return;
    }
    attempt++;
    long perTry = policy.maxAttempts() > 1 ? policy.perTryTimeout().toNanos() : Long.MAX_VALUE;
    Budget budget = Budget.forAttempt(runtime.ticker, ctx, perTry, runtime.marginNanos);
    AttemptObserver observer = observe(attempt);
    BreakerGate.Permit permit;
    try {
      permit = runtime.breakers.acquire(host, ctx);
    } catch (RuntimeException rejected) {
      observer.onEnd(-1, rejected);
      finish(null, rejected, "REJECTED");
      return;
    }
    current = new Attempt(attempt, budget, fresh, permit, observer);
    group.acquire(current);
  }

  /** Starts the attempt's observer, with the caller's carried state (its trace) restored. */
  private AttemptObserver observe(int number) {
    if (runtime.attempts == AttemptListener.NONE) {
      return AttemptObserver.NONE;
    }
    AttemptInfo info =
        new AttemptInfo(
            request.method(),
            request.uri(),
            host,
            number,
            hedge,
            runtime.breakers.state(host),
            ctx != null && ctx.hasDeadline() ? ctx.remainingNanos() : Long.MAX_VALUE,
            ctx);
    try (Scope restored = carried.restore()) {
      return GuardedObserver.start(runtime.attempts, info);
    }
  }

  @Override
  public void enter(CallPhase p, long limitNanos) {
    this.phase = p;
    this.phaseLimitNanos = limitNanos;
    TimelineRecorder.record(ctx, p);
    Attempt a = current;
    if (a != null) {
      a.observer.onPhase(p, limitNanos);
    }
  }

  /** Ends the call because the context ended or the caller cancelled the future. */
  void abort(CancellationCause cause) {
    if (done) {
      return;
    }
    RuntimeException failure;
    String outcome;
    if (cause.reason() == CancelReason.DEADLINE_EXCEEDED) {
      runtime.metrics.phaseTimeout(host, phase);
      failure =
          new PhaseTimeoutException(
              phase, Math.max(0, phaseLimitNanos), ctx == null ? 0 : ctx.remainingNanos(), host);
      outcome = "TIMEOUT";
    } else {
      failure = new ContextCancelledException(ctx == null ? "?" : ctx.requestId(), cause);
      outcome = "CANCELLED";
    }
    Attempt a = current;
    try {
      if (a != null) {
        // a deadline that expires while the upstream works is the upstream's slowness; anything
        // else is not
        boolean upstreamSlow =
            cause.reason() == CancelReason.DEADLINE_EXCEEDED
                && phase != CallPhase.ACQUIRE
                && phase != CallPhase.DNS;
        if (upstreamSlow && !a.over) {
          policies.throttle.onOutcome(false);
        }
        a.abandon(failure, upstreamSlow);
      }
    } finally {
      finish(null, failure, outcome); // even when freeing the attempt threw: the caller comes first
    }
  }

  private void onResponse(Attempt a, int status, HttpHeaders headers, byte[] body) {
    a.permit.onResponse(status, host);
    policies.throttle.onOutcome(AdaptiveThrottle.isAccept(status));
    ClientResponse response = new ClientResponse(status, headers, body, attempt, protocol);
    if (policy.retryStatuses().contains(status) && mayRetry()) {
      long backoff = backoffNanos();
      if (policy.honourRetryAfter()) {
        long retryAfter = retryAfterNanos(headers.firstValue("retry-after").orElse(null));
        if (retryAfter > policy.maxRetryAfter().toNanos()) {
          finish(response, null, null);
          return;
        }
        backoff = retryAfter >= 0 ? retryAfter : backoff;
      }
      if (scheduleRetry(backoff, "status")) {
        return;
      }
    }
    finish(response, null, null);
  }

  private void onFailure(Attempt a, Throwable cause, boolean staleRetryable) {
    if (staleRetryable
        || cause instanceof PoolExhaustedException
        || cause instanceof PhaseTimeoutException p && p.phase() == CallPhase.ACQUIRE) {
      a.permit.release(); // a stale pooled connection or local pool pressure says nothing about the
      // upstream
    } else {
      a.permit.onFailure(cause);
      policies.throttle.onOutcome(false);
    }
    if (cause instanceof MalformedResponseException m) {
      runtime.metrics.malformedResponse(host, m.phase());
    }
    boolean refusedHere = !staleRetryable && refusedWithAlternative(a, cause);
    if ((staleRetryable || refusedHere)
        && !staleRetried
        && !done
        && attempt < staleAttemptLimit()) {
      if (!retryPermitted()) {
        finish(null, lastOutcome(cause), outcome(cause));
        return;
      }
      staleRetried = true;
      runtime.metrics.retry(host, staleRetryable ? "stale-connection" : "connect-failed");
      group.loop.execute(
          () -> startAttempt(true)); // an attempt like any other: it counts in maxAttempts
      return;
    }
    if (retryable(cause) && mayRetry() && scheduleRetry(backoffNanos(), "failure")) {
      return;
    }
    finish(null, lastOutcome(cause), outcome(cause));
  }

  /**
   * Whether the attempt's connection could not even be opened while the host has another address in
   * rotation: nothing was sent, so, like a stale connection, it goes once more, elsewhere, whatever
   * the policy (a draining or stopped instance refuses connections during a rolling restart).
   */
  private boolean refusedWithAlternative(Attempt a, Throwable cause) {
    AddressSelector<InetSocketAddress> selector = group.selector();
    return cause instanceof ConnectFailedException
        && a.address != null
        && selector != null
        && selector.hasAlternative(a.address);
  }

  /**
   * The stale-connection retry is one of the policy's attempts, so the upstream sees a request at
   * most {@code maxAttempts} times; only {@link RetryPolicy#none()} (one attempt) still gets this
   * one retry, as a second.
   */
  private int staleAttemptLimit() {
    return Math.max(2, policy.maxAttempts());
  }

  /**
   * What a failed attempt says about its address: a connection that could not be opened, a timeout,
   * or a broken answer count against it; local pool pressure and a stale pooled connection do not.
   */
  private static AddressSelector.Result addressResult(Throwable cause, boolean stale) {
    if (stale || cause instanceof PoolExhaustedException) {
      return AddressSelector.Result.NEUTRAL;
    }
    if (cause instanceof ConnectFailedException || cause instanceof TlsHandshakeException) {
      return AddressSelector.Result.CONNECT_FAILURE;
    }
    if (cause instanceof PhaseTimeoutException p) {
      return switch (p.phase()) {
        case ACQUIRE, DNS -> AddressSelector.Result.NEUTRAL;
        case CONNECT, TLS -> AddressSelector.Result.CONNECT_FAILURE;
        default -> AddressSelector.Result.TIMEOUT;
      };
    }
    return cause instanceof PrematureCloseException
            || cause instanceof MalformedResponseException
            || cause instanceof IOException
        ? AddressSelector.Result.SERVER_ERROR
        : AddressSelector.Result.NEUTRAL;
  }

  /** The failure to end with: the attempt's own, wrapped when the budget refused its retry. */
  private Throwable lastOutcome(Throwable cause) {
    return budgetRefused
        ? new RetryBudgetExhaustedException(host, runtime.config.retryBudget(), cause)
        : cause;
  }

  /**
   * Whether a retry may be sent now: never while the host's breaker rejects calls (the retry would
   * only be refused, and it would spend the budget), then only with a withdrawal from the host's
   * retry budget. Both refusals are counted.
   */
  private boolean retryPermitted() {
    if (runtime.breakers.rejectsCalls(host)) {
      runtime.metrics.retrySkipped(host, "breaker_open");
      return false;
    }
    if (!policies.retryBudget.tryWithdraw()) {
      budgetRefused = true;
      runtime.metrics.retrySkipped(host, "budget_exhausted");
      return false;
    }
    return true;
  }

  private static String outcome(Throwable cause) {
    if (cause instanceof PhaseTimeoutException) {
      return "TIMEOUT";
    }
    return cause instanceof MalformedResponseException ? "MALFORMED" : "ERROR";
  }

  private boolean mayRetry() {
    return !done
        && attempt < policy.maxAttempts()
        && (request.isIdempotent() || policy.retryNonIdempotent());
  }

  private static boolean retryable(Throwable cause) {
    if (cause instanceof PhaseTimeoutException p) {
      return p.phase() != CallPhase.ACQUIRE;
    }
    return cause instanceof PrematureCloseException
        || cause instanceof ConnectFailedException
        || cause instanceof TlsHandshakeException // as when it was a raw SSLException (IOException)
        || cause instanceof MalformedResponseException
        || cause instanceof IOException;
  }

  /**
   * Schedules the next attempt unless the backoff plus a minimum attempt no longer fits the budget.
   */
  private boolean scheduleRetry(long backoffNanos, String reason) {
    long remaining =
        ctx != null && ctx.hasDeadline()
            ? ctx.remainingNanos() - runtime.marginNanos
            : Long.MAX_VALUE;
    if (remaining != Long.MAX_VALUE
        && backoffNanos + policy.minAttemptTime().toNanos() > remaining) {
      return false;
    }
    if (!retryPermitted()) {
      return false;
    }
    runtime.metrics.retry(host, reason);
    current = null;
    retryTimer = group.loop.schedule(() -> startAttempt(false), backoffNanos, TimeUnit.NANOSECONDS);
    return true;
  }

  private long backoffNanos() {
    double base = policy.initialBackoff().toNanos() * Math.pow(policy.multiplier(), attempt - 1);
    double capped = Math.min(base, policy.maxBackoff().toNanos());
    return (long) (capped * (1 - policy.jitter() * ThreadLocalRandom.current().nextDouble()));
  }

  /** A success for the retry budget: the host answered, and not that it is overloaded. */
  private static boolean earnsRetries(int status) {
    return status < 500 && status != 429;
  }

  /** Parses delta-seconds; returns -1 when absent or not a number (HTTP dates are not honoured). */
  static long retryAfterNanos(String value) {
    if (value == null) {
      return -1;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? -1 : TimeUnit.SECONDS.toNanos(Math.min(seconds, 86_400));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void finish(ClientResponse response, Throwable failure, String outcome) {
    if (done) {
      return;
    }
    done = true;
    try {
      if (deadlineGuard != null) {
        deadlineGuard.cancel();
      }
      if (retryTimer != null) {
        retryTimer.cancel(false);
      }
      if (cancelRegistration != null) {
        cancelRegistration.remove();
      }
      long nanos = runtime.ticker.nanoTime() - startNanos;
      String method = request.method();
      if (response != null) {
        if (response.status() < 500) {
          policies.latencies.record(nanos);
        }
        if (earnsRetries(response.status())) {
          // once per call (a winning hedge is its request's success): a host that fails earns
          // nothing
          policies.retryBudget.deposit();
        }
        runtime.metrics.request(
            host,
            method,
            response.status(),
            ClientMetrics.outcome(response.status()),
            protocol,
            nanos);
        TimelineRecorder.done(ctx);
      } else {
        runtime.metrics.request(host, method, -1, outcome, protocol, nanos);
      }
    } finally {
      // the future is completed whatever the bookkeeping above threw: done is set, so nothing
      // else would ever complete it
      if (response != null) {
        future.complete(response);
      } else {
        future.completeExceptionally(failure);
      }
    }
  }

  /** Called by the future when the caller cancels it. */
  void cancelledByCaller() {
    try {
      group.loop.execute(
          () ->
              abort(
                  CancellationCause.of(
                      CancelReason.CANCELLED, "future cancelled by caller", null)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the loop is gone, and with it every connection: nothing left to release
    }
  }

  /** One attempt: waits in the pool, then runs an exchange; ignores callbacks once superseded. */
  private final class Attempt implements HostGroup.Member, ClientExchange.Listener {
    final int number;
    final Budget budget;
    final boolean fresh;
    final BreakerGate.Permit permit;
    final AttemptObserver observer;
    boolean waiting = true;
    boolean over;
    Abortable exchange;
    HostPool pool;
    AddressSelector<InetSocketAddress>.Lease lease;
    InetSocketAddress address; // where this attempt went, once bound

    Attempt(
        int number,
        Budget budget,
        boolean fresh,
        BreakerGate.Permit permit,
        AttemptObserver observer) {
      this.number = number;
      this.budget = budget;
      this.fresh = fresh;
      this.permit = permit;
      this.observer = observer;
    }

    @Override
    public void onSend(io.netty.handler.codec.http.HttpHeaders headers, long budgetNanos) {
      if (observer != AttemptObserver.NONE) {
        observer.onSend(budgetNanos, headers::set);
      }
    }

    @Override
    public void bind(HostPool pool, AddressSelector<InetSocketAddress>.Lease lease) {
      this.pool = pool;
      this.lease = lease;
      this.address = lease.address();
    }

    @Override
    public InetSocketAddress avoid() {
      return failedAddress;
    }

    /** Tells the address selector what this attempt showed about its address, once. */
    void settle(AddressSelector.Result result) {
      AddressSelector<InetSocketAddress>.Lease l = lease;
      if (l != null) {
        lease = null;
        l.release(result);
      }
    }

    @Override
    public Budget budget() {
      return budget;
    }

    @Override
    public PhaseObserver observer() {
      return CallExecution.this;
    }

    @Override
    public boolean requireFresh() {
      return fresh;
    }

    @Override
    public boolean onAcquired(PooledConnection connection, boolean reused) {
      if (!waiting || over || done) {
        return false;
      }
      waiting = false;
      protocol = connection.protocol();
      if (connection.session != null) {
        Http2Exchange stream =
            new Http2Exchange(
                runtime.exchangeSettings,
                pool,
                connection,
                reused,
                request,
                budget,
                number,
                CallExecution.this,
                this);
        exchange = stream;
        stream.start();
        return true;
      }
      ClientExchange http1 =
          new ClientExchange(
              runtime.exchangeSettings,
              pool,
              connection,
              reused,
              request,
              budget,
              number,
              CallExecution.this,
              this);
      exchange = http1;
      http1.start();
      return true;
    }

    @Override
    public void onAcquireFailed(Throwable cause) {
      if (!waiting || over) {
        return;
      }
      waiting = false;
      over = true;
      settle(addressResult(cause, false));
      failedAddress = address;
      observer.onEnd(-1, cause);
      CallExecution.this.onFailure(this, cause, false);
    }

    @Override
    public void onResponse(int status, HttpHeaders headers, byte[] body) {
      if (!over) {
        over = true;
        settle(
            status >= 500 ? AddressSelector.Result.SERVER_ERROR : AddressSelector.Result.SUCCESS);
        failedAddress = status >= 500 ? address : null;
        observer.onEnd(status, null);
        CallExecution.this.onResponse(this, status, headers, body);
      }
    }

    @Override
    public void onFailure(Throwable cause, boolean staleRetryable) {
      if (!over) {
        over = true;
        settle(addressResult(cause, staleRetryable));
        failedAddress = address;
        observer.onEnd(-1, cause);
        CallExecution.this.onFailure(this, cause, staleRetryable);
      }
    }

    /**
     * The call ended from outside: leave the pool queue or abort the exchange, freeing the
     * connection.
     */
    void abandon(Throwable cause, boolean upstreamSlow) {
      if (over) {
        return;
      }
      over = true;
      settle(upstreamSlow ? AddressSelector.Result.TIMEOUT : AddressSelector.Result.NEUTRAL);
      observer.onEnd(-1, cause);
      if (upstreamSlow) {
        permit.onFailure(cause);
      } else {
        permit.release();
      }
      if (waiting) {
        waiting = false;
        if (pool != null) {
          pool.cancel(this);
        } else {
          group.cancel(this);
        }
      } else if (exchange != null) {
        exchange.abort(cause);
      }
    }
  }
}
