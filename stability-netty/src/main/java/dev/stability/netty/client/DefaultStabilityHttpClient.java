package dev.stability.netty.client;

import dev.stability.context.ContextCarriers;
import dev.stability.context.RequestContext;
import dev.stability.context.StrictDeadlines;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client: one {@link HostPool} per host, each on one event loop of the group. */
final class DefaultStabilityHttpClient implements StabilityHttpClient {
  private static final Logger log = LoggerFactory.getLogger(DefaultStabilityHttpClient.class);

  private final HttpClientConfig config;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ClientRuntime runtime;
  private final ConnectionFactory factory;
  private final ConcurrentHashMap<HostKey, HostGroup> pools = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HostKey, HostPolicies> policies = new ConcurrentHashMap<>();
  private final SslContext customSsl;
  private volatile SslContext ssl;
  private volatile boolean closed;
  private volatile boolean closing; // close(Duration) runs: new calls are refused
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
  private volatile Runnable onIdle; // set by close(Duration): closes once the last call ended

  DefaultStabilityHttpClient(StabilityHttpClientBuilder b) {
    this.config = b.config;
    this.ownsGroup = b.group == null;
    this.group =
        ownsGroup
            ? new MultiThreadIoEventLoopGroup(
                b.ioThreads,
                new DefaultThreadFactory("stability-http-client", true),
                NioIoHandler.newFactory())
            : b.group;
    this.customSsl = b.sslContext;
    this.runtime =
        new ClientRuntime(
            config, b.ticker, b.breakers, new ClientMetrics(b.meterRegistry), b.attemptListener);
    this.factory =
        new ConnectionFactory(
            config, this::sslContext, b.nameServers, b.certificatePins::current, b.addressResolver);
    if (config.insecureTrustAllCertificates()) {
      log.warn(
          "HTTP client trusts ALL TLS certificates and skips hostname verification "
              + "(insecureTrustAllCertificates=true): for tests only, never in production");
    }
  }

  private SslContext sslContext() {
    SslContext s = ssl;
    if (s == null) {
      synchronized (this) {
        if (ssl == null) {
          ssl = customSsl != null ? customSsl : newSslContext();
        }
        s = ssl;
      }
    }
    return s;
  }

  private SslContext newSslContext() {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (config.http2().offersH2OverTls()) {
        // h2 first, http/1.1 as the fallback; RFC 9113 9.2.2's cipher suites
        b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
      }
      if (config.insecureTrustAllCertificates()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
      }
      return b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the client TLS context", e);
    }
  }

  @Override
  public CompletableFuture<ClientResponse> execute(ClientRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed || closing) {
      return CompletableFuture.failedFuture(
          new ClientClosedException(HostKey.of(request.uri()).toString(), !closed));
    }
    inFlight.incrementAndGet();
    CompletableFuture<ClientResponse> call;
    try {
      call = executeCounted(request);
    } catch (RuntimeException e) {
      callEnded();
      throw e;
    }
    call.whenComplete((r, t) -> callEnded());
    return call;
  }

  private void callEnded() {
    Runnable idle = onIdle;
    if (inFlight.decrementAndGet() == 0 && idle != null) {
      idle.run();
    }
  }

  private CompletableFuture<ClientResponse> executeCounted(ClientRequest request) {
    RequestContext ctx = request.context() != null ? request.context() : RequestContext.current();
    try {
      StrictDeadlines.check(ctx, "HTTP " + request.method() + " " + request.uri());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // the caller's tracing context, for the attempt listener on the event loop (and for hedges)
    ContextCarriers.Captured carried =
        runtime.attempts == AttemptListener.NONE
            ? ContextCarriers.Captured.NONE
            : ContextCarriers.capture();
    HostKey key = HostKey.of(request.uri());
    HostGroup pool = pools.computeIfAbsent(key, this::newPool);
    HostPolicies hp =
        policies.computeIfAbsent(
            key,
            k ->
                new HostPolicies(
                    config, runtime.ticker, runtime.metrics.registry(), k.toString(), pool.loop));
    if (hp.hedging != null && request.isIdempotent()) {
      return hedged(pool, hp, request, ctx, carried);
    }
    return start(new CallExecution(runtime, pool, hp, request, ctx, false, carried));
  }

  private CompletableFuture<ClientResponse> start(CallExecution call) {
    HostGroup pool = call.group();
    if (pool.loop.inEventLoop()) {
      call.start();
    } else {
      try {
        pool.loop.execute(call::start);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                "event loop of "
                    + pool.key
                    + " is shut down (expected: close the client before its event loop group)",
                e));
      }
    }
    return call.future();
  }

  /**
   * Runs an idempotent call under the host's hedging scheduler: every attempt is a call of its own
   * (its own deadline stamp, retries inside the retry budget); a loser is cancelled, which closes
   * its connection when it is mid-response.
   */
  private CompletableFuture<ClientResponse> hedged(
      HostGroup pool,
      HostPolicies hp,
      ClientRequest request,
      RequestContext ctx,
      ContextCarriers.Captured carried) {
    long deadline =
        ctx != null && ctx.hasDeadline()
            ? runtime.ticker.nanoTime() + ctx.remainingNanos() - runtime.marginNanos
            : HedgingScheduler.NO_DEADLINE;
    String host = pool.key.toString();
    return hp.hedging.execute(
        true,
        deadline,
        new HedgingScheduler.Attempts<ClientResponse>() {
          @Override
          public CompletableFuture<ClientResponse> start(int attempt) {
            if (attempt > 0) {
              runtime.metrics.hedge(host);
            }
            return DefaultStabilityHttpClient.this.start(
                new CallExecution(runtime, pool, hp, request, ctx, attempt > 0, carried));
          }

          @Override
          public boolean isGood(ClientResponse answer) {
            return answer.status() < 500;
          }

          @Override
          public void cancel(int attempt, CompletableFuture<ClientResponse> loser) {
            loser.cancel(false);
          }
        });
  }

  private HostGroup newPool(HostKey key) {
    HostGroup pool =
        new HostGroup(group.next(), key, config, factory, runtime.metrics, runtime.ticker);
    runtime.metrics.registerPool(key.toString(), pool);
    return pool;
  }

  @Override
  public ClientResponse executeBlocking(ClientRequest request) {
    if (onEventLoop()) {
      throw new IllegalStateException(
          "executeBlocking called on event loop thread "
              + Thread.currentThread().getName()
              + ": waiting here would deadlock (expected: use execute() and compose the future)");
    }
    try {
      return execute(request).get();
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof java.io.IOException io) {
        throw new java.io.UncheckedIOException(io.getMessage(), io);
      }
      throw new CompletionException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + request, e);
    }
  }

  private boolean onEventLoop() {
    if (ThreadExecutorMap.currentExecutor() != null) {
      return true;
    }
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  /** Returns the address selector of a host, once it was resolved; for tests. */
  AddressSelector<java.net.InetSocketAddress> selector(URI uri) {
    HostGroup g = pools.get(HostKey.of(uri));
    return g == null ? null : g.selector();
  }

  @Override
  public HttpClientConfig config() {
    return config;
  }

  @Override
  public PoolStats poolStats(URI uri) {
    HostGroup pool = pools.get(HostKey.of(Objects.requireNonNull(uri, "uri")));
    return pool == null ? PoolStats.EMPTY : pool.stats();
  }

  @Override
  public CompletableFuture<Void> close(java.time.Duration timeout) {
    long nanos =
        dev.stability.time.Durations.saturatedNanos(
            dev.stability.time.Durations.requireNonNegative("timeout", timeout));
    if (closed || closing) {
      return closedFuture.copy();
    }
    closing = true;
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable closeOnce =
        () -> {
          if (once.compareAndSet(false, true)) {
            // not on the event loop of the call that just ended: close() waits for every pool
            // there
            Thread t = new Thread(this::close, "stability-http-client-close");
            t.setDaemon(true);
            t.start();
          }
        };
    onIdle = closeOnce;
    if (inFlight.get() == 0) {
      closeOnce.run();
    } else {
      io.netty.util.concurrent.GlobalEventExecutor.INSTANCE.schedule(
          closeOnce, nanos, TimeUnit.NANOSECONDS);
    }
    return closedFuture.copy();
  }

  @Override
  public void close() {
    try {
      closeNow();
    } finally {
      closedFuture.complete(null);
    }
  }

  private void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    for (HostGroup pool : pools.values()) {
      if (pool.loop.inEventLoop()) {
        pool.close();
      } else {
        pool.loop.submit(pool::close).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
    factory.close();
    if (ownsGroup) {
      if (onEventLoop()) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      } else {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "StabilityHttpClient(" + pools.keySet() + ")";
  }
}
