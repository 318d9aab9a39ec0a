package dev.stability.guard;

import dev.stability.context.CancellationCause;
import dev.stability.context.ContextExecutors;
import dev.stability.context.RequestContext;
import dev.stability.context.Scope;
import dev.stability.timeline.PhaseTimeline;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every exception thrown while serving a request, on any thread, into exactly one {@link
 * Incident} for that request: logged (with storm control), counted, published, and answerable as a
 * {@link ProblemDetails}.
 *
 * <p>Bind each request once with {@link #bind(RequestContext, String)}; the bound context then
 * collects the request's incidents, also from tasks wrapped by {@link ContextExecutors} on other
 * threads (those still rethrow, so futures fail as usual). Run request code through {@link #run},
 * {@link #call}, {@link #callAsync}, {@link #watch} or {@link #wrap}. The same throwable seen twice
 * in one request (from a wrapped task and again from its future) is one incident. {@link
 * IncidentKind#FATAL} errors are logged, counted, handed to the {@link FatalErrorHandler} and, with
 * {@link FatalErrorPolicy#RETHROW}, rethrown; an {@link InterruptedException} caught on its own
 * thread gets the interrupt flag restored. Nothing is swallowed silently. One guard serves many
 * requests concurrently; do not create one per request.
 */
public final class Guard {
  /** The route recorded for requests that were never bound. */
  public static final String UNKNOWN_ROUTE = "unknown";

  private static final Logger log = LoggerFactory.getLogger(Guard.class);

  private final GuardConfig config;
  private final Classifier classifier;
  private final IncidentReporter reporter;

  private Guard(GuardConfig config) {
    this.config = config;
    this.classifier = new Classifier(config.fatalTypes);
    this.reporter = new IncidentReporter(config);
  }

  /**
   * Returns a guard with {@code config}.
   *
   * @param config the settings
   * @return a new guard
   */
  public static Guard of(GuardConfig config) {
    return new Guard(Objects.requireNonNull(config, "config"));
  }

  /** Returns a guard with {@link GuardConfig#ofDefaults()}. @return a new guard */
  public static Guard ofDefaults() {
    return of(GuardConfig.ofDefaults());
  }

  /** Returns the settings. @return the settings */
  public GuardConfig config() {
    return config;
  }

  /**
   * Returns a child of {@code ctx} that records this request's incidents under {@code route} and
   * receives the failures of tasks wrapped by {@link ContextExecutors} under it; call once per
   * request, at its start.
   *
   * @param ctx the request's context
   * @param route the route template, e.g. {@code "GET /orders/{id}"}; never the raw path (metric
   *     cardinality)
   * @return the bound child; use it for everything the request does
   */
  public RequestContext bind(RequestContext ctx, String route) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(route, "route");
    return ContextExecutors.withFailureHandler(ctx, new RequestIncidents(this, route, null));
  }

  /**
   * Returns a child of {@code ctx} bound like {@link #bind(RequestContext, String)} that also tells
   * {@code afterRecord} about every failure of a task wrapped by {@link ContextExecutors} under it,
   * once the incident is recorded: the hook through which a server answers such a failure at once
   * instead of at the deadline. The hook runs on the failing task's thread; it must be fast and
   * thread-safe.
   *
   * @param ctx the request's context
   * @param route the route template, or {@value #UNKNOWN_ROUTE} until the router knows it
   * @param afterRecord told after the incident is recorded
   * @return the bound child
   */
  public RequestContext bind(
      RequestContext ctx, String route, ContextExecutors.TaskFailureHandler afterRecord) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(afterRecord, "afterRecord");
    return ContextExecutors.withFailureHandler(ctx, new RequestIncidents(this, route, afterRecord));
  }

  /**
   * Binds the root being built like {@link #bind(RequestContext, String,
   * ContextExecutors.TaskFailureHandler)}, on the root itself instead of a child: for servers that
   * build one root per request.
   *
   * @param root the root's builder
   * @param route the route template, or {@value #UNKNOWN_ROUTE} until the router knows it
   * @param afterRecord told after the incident is recorded
   * @return {@code root}
   */
  public RequestContext.Builder bind(
      RequestContext.Builder root, String route, ContextExecutors.TaskFailureHandler afterRecord) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(afterRecord, "afterRecord");
    return ContextExecutors.withFailureHandler(
        root, new RequestIncidents(this, route, afterRecord));
  }

  /**
   * Returns a child of {@code ctx} bound like {@link #bind(RequestContext, String)} with route
   * {@value #UNKNOWN_ROUTE}, for adapters that learn the route later: set it with {@link
   * #route(RequestContext, String)}.
   *
   * @param ctx the request's context
   * @return the bound child
   */
  public RequestContext bind(RequestContext ctx) {
    return bind(ctx, UNKNOWN_ROUTE);
  }

  /**
   * Sets the route of the request bound in {@code ctx}, once the router has matched it; incidents
   * recorded afterwards carry it.
   *
   * @param ctx a bound context (or a descendant)
   * @param route the route template
   * @return whether {@code ctx} was bound, so that the route could be set
   */
  public static boolean route(RequestContext ctx, String route) {
    Objects.requireNonNull(route, "route");
    RequestIncidents sink = sinkOf(Objects.requireNonNull(ctx, "ctx"));
    if (sink == null) {
      return false;
    }
    sink.route = route;
    return true;
  }

  /**
   * Returns the incidents recorded for the request of {@code ctx}, oldest first.
   *
   * @param ctx a context bound by {@link #bind} (or a descendant)
   * @return the incidents; empty when none or when the context was never bound
   */
  public static List<Incident> incidents(RequestContext ctx) {
    RequestIncidents sink = sinkOf(ctx);
    return sink == null ? List.of() : sink.snapshot();
  }

  /**
   * Returns the first incident of the request, the one its outcome is based on.
   *
   * @param ctx a bound context
   * @return the first incident, or empty
   */
  public static Optional<Incident> firstIncident(RequestContext ctx) {
    RequestIncidents sink = sinkOf(ctx);
    return sink == null ? Optional.empty() : Optional.ofNullable(sink.first());
  }

  /**
   * Runs {@code task} attached to {@code ctx}, turning what it throws into an incident.
   *
   * @param ctx the request's context
   * @param task the task
   * @return the incident, or empty when the task completed normally
   * @throws Error a fatal error, when the policy is {@link FatalErrorPolicy#RETHROW}
   */
  public Optional<Incident> run(RequestContext ctx, CheckedRunnable task) {
    Objects.requireNonNull(task, "task");
    try (Scope ignored = attach(ctx)) {
      task.run();
      return Optional.empty();
    } catch (Throwable t) {
      return Optional.of(report(ctx, t));
    }
  }

  /**
   * Calls {@code task} attached to {@code ctx}, returning its value or the incident its exception
   * became.
   *
   * @param ctx the request's context
   * @param task the task
   * @param <T> the value type
   * @return the outcome
   * @throws Error a fatal error, when the policy is {@link FatalErrorPolicy#RETHROW}
   */
  public <T> Outcome<T> call(RequestContext ctx, Callable<T> task) {
    Objects.requireNonNull(task, "task");
    try (Scope ignored = attach(ctx)) {
      return Outcome.success(task.call());
    } catch (Throwable t) {
      return Outcome.failure(report(ctx, t));
    }
  }

  /**
   * Starts {@code task} attached to {@code ctx} and completes with its value or with the incident
   * that its synchronous throw or its stage's failure became; the returned future never completes
   * exceptionally.
   *
   * @param ctx the request's context
   * @param task starts the asynchronous work
   * @param <T> the value type
   * @return the future outcome
   * @throws Error a fatal error thrown synchronously, when the policy is {@link
   *     FatalErrorPolicy#RETHROW}
   */
  public <T> CompletableFuture<Outcome<T>> callAsync(
      RequestContext ctx, Supplier<? extends CompletionStage<T>> task) {
    Objects.requireNonNull(task, "task");
    CompletionStage<T> stage;
    try (Scope ignored = attach(ctx)) {
      stage = Objects.requireNonNull(task.get(), "task returned a null stage");
    } catch (Throwable t) {
      return CompletableFuture.completedFuture(Outcome.failure(report(ctx, t)));
    }
    CompletableFuture<Outcome<T>> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) ->
            result.complete(
                failure == null
                    ? Outcome.success(value)
                    : Outcome.failure(record(ctx, sinkOf(ctx), failure, false))));
    return result;
  }

  /**
   * Returns a future that completes like {@code stage}, after recording its failure, if any, as an
   * incident.
   *
   * @param ctx the request's context
   * @param stage the stage to watch
   * @param <T> the value type
   * @return a future with the same outcome as {@code stage}
   */
  public <T> CompletableFuture<T> watch(RequestContext ctx, CompletionStage<T> stage) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(stage, "stage");
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            record(ctx, sinkOf(ctx), failure, false);
            result.completeExceptionally(failure);
          }
        });
    return result;
  }

  /**
   * Returns {@code task} bound to {@code ctx}: it runs attached to it, and what it throws becomes
   * the request's incident instead of reaching the executor (fatal errors are still rethrown under
   * {@link FatalErrorPolicy#RETHROW}).
   *
   * @param ctx the request's context
   * @param task the task
   * @return the guarded task
   */
  public Runnable wrap(RequestContext ctx, Runnable task) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(task, "task");
    return () -> run(ctx, task::run);
  }

  /**
   * Returns an executor that runs every task {@linkplain #wrap guarded} for {@code ctx}.
   *
   * @param ctx the request's context
   * @param delegate the executor that runs the tasks
   * @return the guarding executor
   */
  public Executor executor(RequestContext ctx, Executor delegate) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(delegate, "delegate");
    return task -> delegate.execute(wrap(ctx, task));
  }

  /**
   * Records {@code failure}, caught on the current thread, as an incident of the request of {@code
   * ctx}, then applies the fatal policy; use it where the adapter catches exceptions itself.
   *
   * @param ctx the request's context
   * @param failure what was thrown; {@code CompletionException} and {@code ExecutionException} are
   *     unwrapped
   * @return the incident (the existing one when this throwable was already recorded for this
   *     request)
   * @throws Error a fatal error, when the policy is {@link FatalErrorPolicy#RETHROW}
   */
  public Incident report(RequestContext ctx, Throwable failure) {
    Incident incident = record(ctx, sinkOf(ctx), failure, true);
    if (incident.isFatal() && config.fatalPolicy == FatalErrorPolicy.RETHROW) {
      throw Guard.<RuntimeException>sneaky(incident.throwable());
    }
    return incident;
  }

  /**
   * Returns the client-facing problem for {@code incident}, with diagnostics only in dev mode.
   *
   * @param incident the incident
   * @return the problem
   */
  public ProblemDetails problem(Incident incident) {
    return ProblemDetails.forIncident(incident, config.devMode);
  }

  private static boolean deadlinePassed(RequestContext ctx) {
    CancellationCause cause = ctx.cancellationCause();
    return cause != null && cause.isDeadlineExceeded();
  }

  Incident record(
      RequestContext ctx, RequestIncidents sink, Throwable failure, boolean onCatchingThread) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(failure, "failure");
    Throwable t = Classifier.unwrap(failure);
    IncidentKind kind = classifier.classify(t);
    if (kind == IncidentKind.INTERRUPTED && onCatchingThread) {
      Thread.currentThread().interrupt();
    }
    if (sink != null) {
      Incident existing = sink.find(t);
      if (existing != null) {
        return existing;
      }
    }
    StatusHint hint = Classifier.hintOf(t);
    int status = mappedStatus(t, hint);
    if (hint != null && hint.status() != status) {
      hint = null; // the hook decided otherwise: the hint's Retry-After no longer applies
    }
    if (status == 500 && kind != IncidentKind.FATAL && deadlinePassed(ctx)) {
      // a failure that surfaces once the request's deadline has passed is the deadline's echo,
      // typically a
      // downstream call cut short by it: the caller must see 504, whichever of the two was reported
      // first
      status = 504;
    }
    Incident incident =
        new Incident(
            ctx.requestId(),
            sink == null ? UNKNOWN_ROUTE : sink.route,
            kind,
            status,
            t.getClass().getName(),
            Classifier.sanitize(messageOf(t), config.maxMessageLength),
            StackFingerprint.of(t, config.fingerprintFrames),
            Instant.now(config.clock),
            Thread.currentThread().getName(),
            t,
            status == 504 ? timelineOf(ctx) : null,
            hint);
    if (sink != null && sink.add(incident) != incident) {
      return sink.find(t); // another thread recorded the same throwable first
    }
    reporter.report(incident);
    if (kind == IncidentKind.FATAL) {
      escalate(incident);
    }
    return incident;
  }

  private void escalate(Incident incident) {
    try {
      config.fatalHandler.onFatalError(incident);
    } catch (Throwable t) {
      incident.throwable().addSuppressed(t);
      log.error("FatalErrorHandler {} threw while handling {}", config.fatalHandler, incident, t);
    }
  }

  /** An overridden getMessage() that throws must not break the guard itself. */
  private static String messageOf(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return "(getMessage() threw " + e.getClass().getName() + ")";
    }
  }

  private static String timelineOf(RequestContext ctx) {
    PhaseTimeline timeline = PhaseTimeline.of(ctx);
    return timeline == null ? null : timeline.render();
  }

  private static RequestIncidents sinkOf(RequestContext ctx) {
    Object handler = ContextExecutors.failureHandler(ctx);
    return handler instanceof RequestIncidents ? (RequestIncidents) handler : null;
  }

  private static Scope attach(RequestContext ctx) {
    Objects.requireNonNull(ctx, "ctx");
    return RequestContext.current() == ctx ? NOOP_SCOPE : ctx.attach();
  }

  private static final Scope NOOP_SCOPE = () -> {};

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** The status: the configured hook's when it gives one in 400..599, else the hint's, else 500. */
  private int mappedStatus(Throwable t, StatusHint hint) {
    OptionalInt mapped;
    try {
      mapped = config.statusMapper.apply(t);
    } catch (RuntimeException e) {
      // a broken hook must not turn an incident into a second failure
      mapped = OptionalInt.empty();
    }
    if (mapped != null && mapped.isPresent()) {
      int s = mapped.getAsInt();
      if (s >= 400 && s <= 599) {
        return s;
      }
    }
    return hint == null ? 500 : hint.status();
  }
}
