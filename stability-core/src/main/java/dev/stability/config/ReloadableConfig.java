package dev.stability.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of every {@link ConfigSource}: takes offered updates, validates them, and either makes
 * them current or rejects them with the builder's message, counting both.
 *
 * <p>Feed it from anywhere: {@link FileConfigSource} and the etcd module do, and so can an admin
 * endpoint. An offer is parsed (for text) with the {@link ConfigParser}, which runs the value's own
 * builder checks, then checked by the {@link ConfigValidator} against the current value; only then
 * does it replace the current value, under a lock so two concurrent offers cannot both validate
 * against the same predecessor. A rejection logs one ERROR, increments {@code
 * stability.config.updates{source, outcome=rejected}}, and tells listeners; the last good value
 * stays.
 *
 * @param <T> the value type; {@code equals} decides {@link UpdateOutcome#UNCHANGED}
 */
public final class ReloadableConfig<T> implements ConfigSource<T> {
  private static final Logger log = LoggerFactory.getLogger(ReloadableConfig.class);

  private final String name;
  private final ConfigParser<? extends T> parser;
  private final ConfigValidator<? super T> validator;
  private final CopyOnWriteArrayList<ConfigListener<? super T>> listeners =
      new CopyOnWriteArrayList<>();
  private final Counter applied;
  private final Counter rejected;
  private final Object lock = new Object();
  private volatile T current;

  private ReloadableConfig(Builder<T> b) {
    this.name = b.name;
    this.current = b.initial;
    this.parser = b.parser;
    this.validator = b.validator;
    if (b.listener != ConfigListener.NONE) {
      listeners.add(b.listener);
    }
    this.applied = b.meterRegistry == null ? null : counter(b.meterRegistry, "applied");
    this.rejected = b.meterRegistry == null ? null : counter(b.meterRegistry, "rejected");
  }

  private Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("stability.config.updates")
        .tag("source", name)
        .tag("outcome", outcome)
        .description("Configuration updates offered to a source, by outcome")
        .register(registry);
  }

  /**
   * Returns a builder for a source named {@code name} whose value starts as {@code initial}.
   *
   * @param name the name, used in logs, metrics and messages
   * @param initial the value in force until the first accepted update
   * @param <T> the value type
   * @return the builder
   */
  public static <T> Builder<T> builder(String name, T initial) {
    return new Builder<>(name, initial);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public T current() {
    return current;
  }

  /**
   * Parses {@code text} with the builder's {@link Builder#parser(ConfigParser) parser} and offers
   * the result.
   *
   * @param origin where the text came from, for messages (a path, a key and revision)
   * @param text the whole text of the update
   * @return what happened to the update
   * @throws IllegalStateException when no parser was configured
   */
  public UpdateOutcome offerText(String origin, String text) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(text, "text");
    if (parser == null) {
      throw new IllegalStateException(
          "config '" + name + "' has no parser: offer parsed values instead");
    }
    T candidate;
    try {
      candidate = parse(parser, text);
    } catch (RuntimeException e) {
      return reject(origin, reasonOf(e), e);
    }
    return offer(origin, candidate);
  }

  /**
   * Parses the first text a feeding source read when it has no fallback to start from: the same
   * parse as {@link #offerText}, but as there is no last good value to keep, a failure throws.
   *
   * @param name the source's name
   * @param origin where the text came from, for messages
   * @param parser the source's parser
   * @param text the whole text of the first read
   * @param <T> the value type
   * @return the parsed value, to pass as the initial value of {@link #builder(String, Object)}
   * @throws ConfigRejectedException with the parser's message, then {@code "; no last good value"}
   */
  public static <T> T parseInitial(
      String name, String origin, ConfigParser<? extends T> parser, String text) {
    try {
      return parse(parser, text);
    } catch (RuntimeException e) {
      throw new ConfigRejectedException(name, origin, reasonOf(e) + "; no last good value", e);
    }
  }

  private static <T> T parse(ConfigParser<? extends T> parser, String text) {
    return Objects.requireNonNull(parser.parse(text), "parser returned null");
  }

  /**
   * Validates {@code candidate} against the current value and makes it current, or rejects it.
   *
   * @param origin where the value came from, for messages
   * @param candidate the new value, already built (so its builder checks ran)
   * @return what happened to the update
   */
  public UpdateOutcome offer(String origin, T candidate) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(candidate, "candidate");
    synchronized (lock) {
      T previous = current;
      if (previous.equals(candidate)) {
        return UpdateOutcome.UNCHANGED;
      }
      try {
        validator.validate(previous, candidate);
      } catch (RuntimeException e) {
        return reject(origin, reasonOf(e), e);
      }
      current = candidate;
      if (applied != null) {
        applied.increment();
      }
      log.info("config '{}' updated from {}", name, origin);
      for (ConfigListener<? super T> l : listeners) {
        try {
          l.onApplied(name, previous, candidate);
        } catch (RuntimeException e) {
          log.error(
              "config '{}' listener {} threw on an update; the update stays applied", name, l, e);
        }
      }
      return UpdateOutcome.APPLIED;
    }
  }

  /**
   * Rejects an update that could not even be read (a missing file, an unreachable key) the same way
   * as an invalid one: counted, logged once, reported to listeners; the current value stays.
   *
   * @param origin where the update should have come from
   * @param reason why it is rejected, {@code "name: value (expected: ...)"}
   * @return {@link UpdateOutcome#REJECTED}
   */
  public UpdateOutcome reject(String origin, String reason) {
    return reject(
        Objects.requireNonNull(origin, "origin"), Objects.requireNonNull(reason, "reason"), null);
  }

  private UpdateOutcome reject(String origin, String reason, Throwable cause) {
    ConfigRejectedException e = new ConfigRejectedException(name, origin, reason, cause);
    if (rejected != null) {
      rejected.increment();
    }
    log.error(e.getMessage());
    for (ConfigListener<? super T> l : listeners) {
      try {
        l.onRejected(e);
      } catch (RuntimeException thrown) {
        log.error("config '{}' listener {} threw on a rejection", name, l, thrown);
      }
    }
    return UpdateOutcome.REJECTED;
  }

  /**
   * The builders' message as it is; anything else (a NumberFormatException too) with its class
   * name.
   */
  private static String reasonOf(RuntimeException e) {
    return e.getClass() == IllegalArgumentException.class && e.getMessage() != null
        ? e.getMessage()
        : e.toString();
  }

  @Override
  public Subscription subscribe(ConfigListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Does nothing: this source has nothing to stop; feeding sources close their own watches. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "ReloadableConfig(" + name + ")";
  }

  /**
   * Builds a {@link ReloadableConfig}.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final String name;
    private final T initial;
    private ConfigParser<? extends T> parser;
    private ConfigValidator<? super T> validator = ConfigValidator.NONE;
    private ConfigListener<? super T> listener = ConfigListener.NONE;
    private MeterRegistry meterRegistry;

    Builder(String name, T initial) {
      this.name = ConfigNames.check(name);
      this.initial = Objects.requireNonNull(initial, "initial");
    }

    /** Sets the parser used by {@link #offerText}. */
    public Builder<T> parser(ConfigParser<? extends T> value) {
      this.parser = Objects.requireNonNull(value, "parser");
      return this;
    }

    /** Sets the cross-value check; default {@link ConfigValidator#NONE}. */
    public Builder<T> validator(ConfigValidator<? super T> value) {
      this.validator = Objects.requireNonNull(value, "validator");
      return this;
    }

    /** Sets a first listener; default {@link ConfigListener#NONE}. */
    public Builder<T> listener(ConfigListener<? super T> value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Counts updates in {@code value}; without it nothing is counted.
     *
     * @param value the registry
     */
    public Builder<T> meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Builds the source. */
    public ReloadableConfig<T> build() {
      return new ReloadableConfig<>(this);
    }
  }
}
