package dev.stability.chain;

import dev.stability.context.RequestContext;
import dev.stability.internal.LogLimiter;
import dev.stability.jfr.StabilityEvents;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import dev.stability.timeline.PhaseTimeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the contract of one pipeline of named stages (every stage forwards or responds exactly
 * once, a request gets one response with a status and an end) and keeps per-stage statistics;
 * framework-neutral, driven by an adapter through one {@link TrackedRequest} per request.
 *
 * <p>Create one tracker per pipeline or service, declare its stages in order at build time (stages
 * met later are appended), and keep it for the life of the server. The no-violation path allocates
 * only the exchange and updates {@code LongAdder} counters. Each violation is logged (once per
 * stage and type per log interval, the rest counted), counted in Micrometer as {@value
 * #VIOLATIONS_METER} with tags {@code chain}, {@code stage}, {@code type}, passed to the {@link
 * ViolationListener}, and handled by the {@link ViolationPolicy} of its type ({@link
 * ViolationPolicy#REPAIR} by default). Thread-safe.
 */
public final class ChainTracker {
  /** The Micrometer counter of violations. */
  public static final String VIOLATIONS_METER = "stability.chain.violations";

  /** The most stages one tracker can hold: {@value}. */
  public static final int MAX_STAGES = 64;

  private static final Logger log = LoggerFactory.getLogger(ChainTracker.class);

  private final String name;
  private final ViolationPolicy[] policies;
  private final ViolationListener listener;
  private final MeterRegistry registry;
  private final LogLimiter limiter;
  private final ConcurrentHashMap<String, Stage> byName = new ConcurrentHashMap<>();
  private volatile Stage[] stages = new Stage[0];

  private ChainTracker(Builder b) {
    this.name = b.name;
    this.policies = b.policies.clone();
    this.listener = b.listener;
    this.registry = b.registry;
    this.limiter = new LogLimiter(b.ticker, b.logInterval.toNanos(), 1024);
    for (String stage : b.stageNames) {
      stage(stage);
    }
  }

  /**
   * Returns a builder.
   *
   * @param name the pipeline's name, e.g. {@code "orders-api"}
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns a tracker with default settings and {@code stages} declared in order.
   *
   * @param name the pipeline's name
   * @param stages the stage names, outermost first
   * @return a new tracker
   */
  public static ChainTracker of(String name, String... stages) {
    return builder(name).stages(stages).build();
  }

  /** Returns the pipeline's name. */
  public String name() {
    return name;
  }

  /**
   * Returns the stage called {@code stageName}, appending it to the chain if it is new.
   *
   * @param stageName the stage name
   * @return the stage; keep it instead of looking it up per request
   * @throws IllegalStateException when the tracker already has {@value #MAX_STAGES} stages
   */
  public Stage stage(String stageName) {
    Objects.requireNonNull(stageName, "stageName");
    Stage s = byName.get(stageName);
    return s != null ? s : register(stageName);
  }

  private synchronized Stage register(String stageName) {
    Stage s = byName.get(stageName);
    if (s != null) {
      return s;
    }
    Stage[] current = stages;
    if (current.length >= MAX_STAGES) {
      throw new IllegalStateException(
          "chain '"
              + name
              + "' has "
              + current.length
              + " stages, cannot add '"
              + stageName
              + "' (expected: at most "
              + MAX_STAGES
              + ")");
    }
    s = new Stage(this, stageName, current.length);
    Stage[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = s;
    stages = next;
    byName.put(stageName, s);
    return s;
  }

  /** Returns the stages in chain order. */
  public List<Stage> stages() {
    return List.of(stages);
  }

  Stage stageAt(int index) {
    return stages[index];
  }

  /**
   * Returns the policy for {@code type}.
   *
   * @param type the violation type
   * @return the policy
   */
  public ViolationPolicy policy(ViolationType type) {
    return policies[type.ordinal()];
  }

  /**
   * Starts tracking one request.
   *
   * @param requestId the request id, named in violations
   * @return the tracked request; report every stage action to it
   */
  public TrackedRequest track(String requestId) {
    return new TrackedRequest(this, Objects.requireNonNull(requestId, "requestId"), null);
  }

  /**
   * Starts tracking one request; violations at the deadline print the context's {@link
   * PhaseTimeline}, if any.
   *
   * @param ctx the request's context
   * @return the tracked request
   */
  public TrackedRequest track(RequestContext ctx) {
    return new TrackedRequest(this, ctx.requestId(), ctx);
  }

  /** Returns a snapshot of every stage's counters, in chain order. */
  public ChainReport report() {
    Stage[] current = stages;
    List<StageStats> stats = new ArrayList<>(current.length);
    for (Stage s : current) {
      stats.add(StageStats.of(s));
    }
    return new ChainReport(name, stats);
  }

  /** Reports a violation and returns its policy, or throws under {@link ViolationPolicy#FAIL}. */
  ViolationPolicy violation(ViolationType type, Stage stage, String requestId, String timeline) {
    ViolationPolicy policy = policies[type.ordinal()];
    stage.counters.violations[type.ordinal()].increment();
    ChainViolation v = new ChainViolation(type, name, stage.name, requestId, policy, timeline);
    long suppressed = limiter.acquire(type.name() + '/' + stage.name);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.warn(
          "{}{}{}",
          v.message(),
          suppressed == 0 ? "" : " (" + suppressed + " more since last logged)",
          timeline == null ? "" : "\n" + timeline);
    }
    try {
      Counter.builder(VIOLATIONS_METER)
          .description("Chain contract violations by chain, stage and type")
          .tag("chain", name)
          .tag("stage", stage.name)
          .tag("type", type.name())
          .register(registry)
          .increment();
    } catch (Throwable t) {
      log.warn("Could not count {}", v, t);
    }
    StabilityEvents.chainViolation(name, stage.name, type.name(), policy.name(), requestId);
    try {
      listener.onViolation(v);
    } catch (Throwable t) {
      log.warn("ViolationListener {} threw on {}", listener, v, t);
    }
    if (policy == ViolationPolicy.FAIL) {
      throw new ChainViolationException(v);
    }
    return policy;
  }

  @Override
  public String toString() {
    return "ChainTracker(" + name + ", " + stages.length + " stages)";
  }

  /** Builds a {@link ChainTracker}; every setter validates its argument at once. */
  public static final class Builder {
    private final String name;
    private final List<String> stageNames = new ArrayList<>();
    private final ViolationPolicy[] policies = new ViolationPolicy[ViolationType.values().length];
    private ViolationListener listener = ViolationListener.NONE;
    private MeterRegistry registry = Metrics.globalRegistry;
    private Duration logInterval = Duration.ofSeconds(60);
    private Ticker ticker = Ticker.system();

    Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name: \"\" (expected: a non-empty name)");
      }
      Arrays.fill(policies, ViolationPolicy.REPAIR);
    }

    /**
     * Declares stages in chain order, outermost first, after those already declared.
     *
     * @param names the stage names
     * @return this builder
     */
    public Builder stages(String... names) {
      for (String n : Objects.requireNonNull(names, "names")) {
        Objects.requireNonNull(n, "names contains null");
        if (stageNames.contains(n)) {
          throw new IllegalArgumentException(
              "stages: duplicate '" + n + "' (expected: unique stage names)");
        }
        stageNames.add(n);
      }
      if (stageNames.size() > MAX_STAGES) {
        throw new IllegalArgumentException(
            "stages: " + stageNames.size() + " (expected: <= " + MAX_STAGES + ")");
      }
      return this;
    }

    /**
     * Sets the policy of every violation type.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(ViolationPolicy policy) {
      Arrays.fill(policies, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Sets the policy of one violation type.
     *
     * @param type the type
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(ViolationType type, ViolationPolicy policy) {
      policies[Objects.requireNonNull(type, "type").ordinal()] =
          Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ViolationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the registry for the violation counter (default: Micrometer's global registry).
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Sets the interval in which one stage and violation type is logged once; zero logs every
     * violation.
     *
     * @param interval the interval, zero or positive
     * @return this builder
     */
    public Builder logInterval(Duration interval) {
      this.logInterval = Durations.requireNonNegative("logInterval", interval);
      return this;
    }

    /**
     * Sets the ticker for log storm control; only tests should pass anything but the default.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Returns the policies as configured so far, for inspection.
     *
     * @return the policy of each type
     */
    public Map<ViolationType, ViolationPolicy> policies() {
      Map<ViolationType, ViolationPolicy> m = new EnumMap<>(ViolationType.class);
      for (ViolationType t : ViolationType.values()) {
        m.put(t, policies[t.ordinal()]);
      }
      return m;
    }

    /**
     * Builds the tracker.
     *
     * @return a new tracker
     */
    public ChainTracker build() {
      return new ChainTracker(this);
    }
  }
}
