package dev.stability.guard;

import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Immutable settings of a {@link Guard}: fatal classification and policy, metrics, log storm
 * control, the listener, and the dev-mode switch for problem bodies.
 *
 * <p>Metrics go to Micrometer's {@link Metrics#globalRegistry} by default: a composite that records
 * nothing until an application adds a registry to it, so a library user pays nothing for metrics
 * they do not export, and an application that exports the global registry gets the guard's counters
 * without wiring. Pass an explicit registry (for tests, a {@code SimpleMeterRegistry}) to keep them
 * separate.
 */
public final class GuardConfig {
  /**
   * Default interval during which repeats of one fingerprint are counted instead of logged:
   * {@value} s.
   */
  public static final long DEFAULT_LOG_INTERVAL_SECONDS = 60;

  /** Default number of top stack frames hashed into a fingerprint: {@value}. */
  public static final int DEFAULT_FINGERPRINT_FRAMES = 5;

  /** Default cap on the sanitized message length: {@value} characters. */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 256;

  /** The default status hook: maps nothing, so the guard's own mapping decides. */
  public static final Function<Throwable, OptionalInt> NO_STATUS_MAPPER = t -> OptionalInt.empty();

  private static final GuardConfig DEFAULTS = new Builder().build();

  final MeterRegistry meterRegistry;
  final Set<Class<? extends Throwable>> fatalTypes;
  final FatalErrorPolicy fatalPolicy;
  final FatalErrorHandler fatalHandler;
  final IncidentListener listener;
  final Duration logInterval;
  final int fingerprintFrames;
  final int maxMessageLength;
  final boolean devMode;
  final Ticker ticker;
  final Clock clock;
  final Function<Throwable, OptionalInt> statusMapper;

  private GuardConfig(Builder b) {
    this.meterRegistry = b.meterRegistry;
    this.fatalTypes = Set.copyOf(b.fatalTypes);
    this.fatalPolicy = b.fatalPolicy;
    this.fatalHandler = b.fatalHandler;
    this.listener = b.listener;
    this.logInterval = b.logInterval;
    this.fingerprintFrames = b.fingerprintFrames;
    this.maxMessageLength = b.maxMessageLength;
    this.devMode = b.devMode;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.statusMapper = b.statusMapper;
  }

  /** Returns the default settings. @return the defaults */
  public static GuardConfig ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder with the default settings. @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised from these settings. @return a new builder */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.meterRegistry = meterRegistry;
    b.fatalTypes = new LinkedHashSet<>(fatalTypes);
    b.fatalPolicy = fatalPolicy;
    b.fatalHandler = fatalHandler;
    b.listener = listener;
    b.logInterval = logInterval;
    b.fingerprintFrames = fingerprintFrames;
    b.maxMessageLength = maxMessageLength;
    b.devMode = devMode;
    b.ticker = ticker;
    b.clock = clock;
    b.statusMapper = statusMapper;
    return b;
  }

  /** Returns the registry the counters go to. @return the registry */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** Returns the throwable types classified as fatal (subtypes included). @return the types */
  public Set<Class<? extends Throwable>> fatalTypes() {
    return fatalTypes;
  }

  /** Returns what happens after a fatal error is logged and counted. @return the policy */
  public FatalErrorPolicy fatalPolicy() {
    return fatalPolicy;
  }

  /** Returns whether problem bodies include diagnostics. @return whether dev mode is on */
  public boolean devMode() {
    return devMode;
  }

  /** Returns the escalation hook for fatal errors. @return the hook */
  public FatalErrorHandler fatalHandler() {
    return fatalHandler;
  }

  /** Returns the incident listener. @return the listener */
  public IncidentListener listener() {
    return listener;
  }

  /** Returns how many top frames are hashed into a fingerprint. @return the frame count */
  public int fingerprintFrames() {
    return fingerprintFrames;
  }

  /** Returns the cap on sanitized message length. @return the length */
  public int maxMessageLength() {
    return maxMessageLength;
  }

  /** Returns the ticker of log storm control. @return the ticker */
  public Ticker ticker() {
    return ticker;
  }

  /** Returns the clock of incident timestamps. @return the clock */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the hook asked for a failure's status before the guard's own mapping; {@link
   * #NO_STATUS_MAPPER} by default. @return the mapper
   */
  public Function<Throwable, OptionalInt> statusMapper() {
    return statusMapper;
  }

  /** Returns the log storm control interval. @return the interval */
  public Duration logInterval() {
    return logInterval;
  }

  /** Builds a {@link GuardConfig}; every setter validates its argument at once. */
  public static final class Builder {
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private Set<Class<? extends Throwable>> fatalTypes =
        new LinkedHashSet<>(
            List.of(
                OutOfMemoryError.class,
                InternalError.class,
                UnknownError.class,
                LinkageError.class));
    private FatalErrorPolicy fatalPolicy = FatalErrorPolicy.RETHROW;
    private FatalErrorHandler fatalHandler = FatalErrorHandler.NONE;
    private IncidentListener listener = IncidentListener.NONE;
    private Duration logInterval = Duration.ofSeconds(DEFAULT_LOG_INTERVAL_SECONDS);
    private int fingerprintFrames = DEFAULT_FINGERPRINT_FRAMES;
    private int maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
    private boolean devMode;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Function<Throwable, OptionalInt> statusMapper = NO_STATUS_MAPPER;

    Builder() {}

    /**
     * Sets the hook asked first for the HTTP status of a failure (the unwrapped one): a status it
     * returns (400 to 599) wins over the guard's own mapping, an empty answer leaves the guard's.
     * Failures that implement {@link UpstreamFailure} (the HTTP client's among them) need no hook:
     * the guard answers them with their {@link StatusHint}, and keeps the hint's {@code
     * Retry-After} when the hook gives the same status. The HTTP client's {@code
     * UpstreamFailureStatus::statusOf} also maps the JDK's and Netty's own I/O exceptions. A hook
     * that throws or returns a status outside 400 to 599 is ignored for that failure.
     *
     * @param mapper the hook, {@link #NO_STATUS_MAPPER} for none
     * @return this builder
     */
    public Builder statusMapper(Function<Throwable, OptionalInt> mapper) {
      this.statusMapper = Objects.requireNonNull(mapper, "statusMapper");
      return this;
    }

    /**
     * Sets the registry for the guard's counters.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Replaces the fatal types; {@link StackOverflowError} is always recoverable, whatever is
     * listed here. For example, drop {@link LinkageError} when plugins are loaded dynamically and a
     * missing class only breaks one route.
     *
     * @param types the fatal types, subtypes included
     * @return this builder
     */
    public Builder fatalTypes(Set<Class<? extends Throwable>> types) {
      Objects.requireNonNull(types, "types");
      for (Class<? extends Throwable> type : types) {
        Objects.requireNonNull(type, "types contains null");
      }
      this.fatalTypes = new LinkedHashSet<>(types);
      return this;
    }

    /**
     * Sets what happens after a fatal error is logged and counted.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder fatalPolicy(FatalErrorPolicy policy) {
      this.fatalPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the escalation hook run for every fatal error.
     *
     * @param handler the hook
     * @return this builder
     */
    public Builder fatalHandler(FatalErrorHandler handler) {
      this.fatalHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Sets the listener told about every incident.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(IncidentListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the log storm control interval: one full log line per fingerprint per interval; zero
     * logs every incident in full.
     *
     * @param interval the interval, zero or positive
     * @return this builder
     */
    public Builder logInterval(Duration interval) {
      this.logInterval = Durations.requireNonNegative("logInterval", interval);
      return this;
    }

    /**
     * Sets how many top stack frames are hashed into a fingerprint.
     *
     * @param frames from 0 to 64
     * @return this builder
     */
    public Builder fingerprintFrames(int frames) {
      if (frames < 0 || frames > 64) {
        throw new IllegalArgumentException(
            "fingerprintFrames: " + frames + " (expected: >= 0 and <= 64)");
      }
      this.fingerprintFrames = frames;
      return this;
    }

    /**
     * Sets the cap on the sanitized message length.
     *
     * @param length from 16 to 65536 characters
     * @return this builder
     */
    public Builder maxMessageLength(int length) {
      if (length < 16 || length > 65536) {
        throw new IllegalArgumentException(
            "maxMessageLength: " + length + " (expected: >= 16 and <= 65536)");
      }
      this.maxMessageLength = length;
      return this;
    }

    /**
     * Sets whether problem bodies carry the sanitized message, exception type and fingerprint. Only
     * for local development: it leaks implementation details to clients.
     *
     * @param devMode whether dev mode is on
     * @return this builder
     */
    public Builder devMode(boolean devMode) {
      this.devMode = devMode;
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
     * Sets the wall clock for incident timestamps; only tests should pass anything but the default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public GuardConfig build() {
      if (fatalPolicy == FatalErrorPolicy.ESCALATE && fatalHandler == FatalErrorHandler.NONE) {
        throw new IllegalStateException(
            "fatalPolicy: ESCALATE with fatalHandler NONE "
                + "(expected: a fatalHandler that escalates, or fatalPolicy RETHROW)");
      }
      return new GuardConfig(this);
    }
  }
}
