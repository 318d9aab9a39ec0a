package dev.stability.etcd;

import dev.stability.config.ConfigListener;
import dev.stability.config.ConfigParser;
import dev.stability.config.ConfigRejectedException;
import dev.stability.config.ConfigSource;
import dev.stability.config.ConfigValidator;
import dev.stability.config.ReloadableConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConfigSource} whose value is the UTF-8 text of one etcd key, parsed by the value's
 * builder and re-parsed on every change the watch delivers.
 *
 * <p>At {@link Builder#build()} the key is read (bounded by {@link
 * Builder#startTimeout(Duration)}); a missing, unreachable or invalid key fails the build unless a
 * {@linkplain Builder#fallback(Object) fallback} was given. The watch then starts at the revision
 * after that read, so no change between the read and the watch is lost. A put is offered to a
 * {@link ReloadableConfig}: an invalid value is rejected with the builder's {@code "name: value
 * (expected: ...)"} message, counted in {@code stability.config.updates}, and the last good value
 * stays. A delete is rejected the same way (a missing key is never "no config").
 *
 * <p>Connection loss: jetcd re-opens a watch after some stream errors by itself, but a stopped etcd
 * (measured with jetcd 0.8.5 against a restarted etcd 3.4) ends the watch with "Network closed for
 * unknown reason". So whenever jetcd ends a watch, this source waits {@link
 * Builder#retryDelay(Duration)}, reads the key again (applying what changed meanwhile) and watches
 * from the revision after that read, repeating until etcd answers or the source is closed. The
 * {@link Client} belongs to the caller: closing this source cancels its watch but never closes the
 * client.
 *
 * @param <T> the value type
 */
public final class EtcdConfigSource<T> implements ConfigSource<T> {
  /** The default bound on the first read of the key: {@value} ms. */
  public static final long DEFAULT_START_TIMEOUT_MILLIS = 5_000;

  /** The default wait before watching again after jetcd gave up on a watch: {@value} ms. */
  public static final long DEFAULT_RETRY_DELAY_MILLIS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(EtcdConfigSource.class);

  private final String name;
  private final Client client;
  private final ByteSequence key;
  private final String keyText;
  private final Duration startTimeout;
  private final Duration retryDelay;
  private final ReloadableConfig<T> config;
  private final ScheduledExecutorService retries;
  private final Object lock = new Object();
  private Watch.Watcher watcher;
  private boolean closed;

  private EtcdConfigSource(Builder<T> b) {
    this.name = b.name;
    this.client = b.client;
    this.keyText = b.key;
    this.key = ByteSequence.from(b.key, StandardCharsets.UTF_8);
    this.startTimeout = b.startTimeout;
    this.retryDelay = b.retryDelay;
    GetResponse first;
    String firstError = null;
    T initial = b.fallback;
    try {
      first = read();
    } catch (ConfigRejectedException e) {
      if (initial == null) {
        throw e;
      }
      first = null;
      firstError = e.reason();
    }
    if (initial == null) {
      initial = parseFirst(b, first);
    }
    ReloadableConfig.Builder<T> rb =
        ReloadableConfig.<T>builder(b.name, initial)
            .parser(b.parser)
            .validator(b.validator)
            .listener(b.listener);
    if (b.meterRegistry != null) {
      rb.meterRegistry(b.meterRegistry);
    }
    this.config = rb.build();
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stability-etcd-" + b.name);
              t.setDaemon(true);
              return t;
            });
    if (b.fallback != null) {
      if (firstError != null) {
        config.reject(origin(0), firstError);
      } else {
        apply(first);
      }
    }
    watchFrom(first == null ? 0 : first.getHeader().getRevision() + 1);
  }

  private T parseFirst(Builder<T> b, GetResponse first) {
    if (first.getKvs().isEmpty()) {
      throw new ConfigRejectedException(
          b.name,
          origin(first.getHeader().getRevision()),
          "key: " + keyText + " (expected: present in etcd); no last good value",
          null);
    }
    KeyValue kv = first.getKvs().get(0);
    return ReloadableConfig.parseInitial(b.name, origin(kv.getModRevision()), b.parser, text(kv));
  }

  private GetResponse read() {
    try {
      return client.getKVClient().get(key).get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(e);
    } catch (ExecutionException | TimeoutException e) {
      throw unreachable(e);
    }
  }

  private ConfigRejectedException unreachable(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new ConfigRejectedException(
        name,
        origin(0),
        "key: "
            + keyText
            + " (expected: readable within "
            + startTimeout.toMillis()
            + " ms; "
            + cause
            + ")",
        cause);
  }

  private void apply(GetResponse response) {
    if (response.getKvs().isEmpty()) {
      config.reject(
          origin(response.getHeader().getRevision()),
          "key: " + keyText + " (expected: present in etcd)");
    } else {
      offer(response.getKvs().get(0));
    }
  }

  private void offer(KeyValue kv) {
    config.offerText(origin(kv.getModRevision()), text(kv));
  }

  private static String text(KeyValue kv) {
    return kv.getValue().toString(StandardCharsets.UTF_8);
  }

  private String origin(long revision) {
    return "etcd key " + keyText + (revision > 0 ? " at revision " + revision : "");
  }

  private void watchFrom(long revision) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (watcher != null) {
        watcher.close();
      }
      WatchOption option =
          revision > 0 ? WatchOption.builder().withRevision(revision).build() : WatchOption.DEFAULT;
      watcher =
          client
              .getWatchClient()
              .watch(
                  key,
                  option,
                  Watch.listener(
                      this::onResponse,
                      this::onWatchError,
                      () ->
                          onWatchError(
                              new IllegalStateException("watch completed by the server"))));
    }
  }

  private void onResponse(WatchResponse response) {
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        offer(kv);
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        config.reject(
            origin(kv.getModRevision()),
            "key: " + keyText + " (expected: present; it was deleted)");
      }
    }
  }

  private void onWatchError(Throwable error) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      log.warn(
          "etcd watch of {} for config '{}' ended ({}); reading the key again in {} ms",
          keyText,
          config.name(),
          error.toString(),
          retryDelay.toMillis());
      retries.schedule(this::rewatch, retryDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void rewatch() {
    GetResponse response;
    try {
      response = read();
    } catch (ConfigRejectedException e) {
      log.warn(
          "config '{}': {}; trying again in {} ms",
          config.name(),
          e.reason(),
          retryDelay.toMillis());
      synchronized (lock) {
        if (!closed) {
          retries.schedule(this::rewatch, retryDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      return;
    }
    apply(response);
    watchFrom(response.getHeader().getRevision() + 1);
  }

  /**
   * Returns a builder for a source named {@code name} watching {@code key} through {@code client}.
   *
   * @param name the source's name
   * @param client a jetcd client the caller owns and closes
   * @param key the key, UTF-8
   * @param parser turns the key's text into a value through the value's builder
   * @param <T> the value type
   * @return the builder
   */
  public static <T> Builder<T> builder(
      String name, Client client, String key, ConfigParser<? extends T> parser) {
    return new Builder<>(name, client, key, parser);
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public T current() {
    return config.current();
  }

  @Override
  public Subscription subscribe(ConfigListener<? super T> listener) {
    return config.subscribe(listener);
  }

  /** Cancels the watch; the client stays open. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (watcher != null) {
        watcher.close();
      }
      retries.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "EtcdConfigSource(" + config.name() + ", " + keyText + ")";
  }

  /**
   * Builds an {@link EtcdConfigSource}.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final String name;
    private final Client client;
    private final String key;
    private final ConfigParser<? extends T> parser;
    private T fallback;
    private ConfigValidator<? super T> validator = ConfigValidator.NONE;
    private ConfigListener<? super T> listener = ConfigListener.NONE;
    private MeterRegistry meterRegistry;
    private Duration startTimeout = Duration.ofMillis(DEFAULT_START_TIMEOUT_MILLIS);
    private Duration retryDelay = Duration.ofMillis(DEFAULT_RETRY_DELAY_MILLIS);

    Builder(String name, Client client, String key, ConfigParser<? extends T> parser) {
      this.name = Objects.requireNonNull(name, "name");
      ReloadableConfig.builder(name, name);
      this.client = Objects.requireNonNull(client, "client");
      Objects.requireNonNull(key, "key");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key: '' (expected: a non-empty etcd key)");
      }
      this.key = key;
      this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** Sets the value used while the key is missing, unreachable or invalid at start. */
    public Builder<T> fallback(T value) {
      this.fallback = Objects.requireNonNull(value, "fallback");
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
     * Counts updates in {@code value}.
     *
     * @param value the registry
     */
    public Builder<T> meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Bounds each read of the key; default {@value #DEFAULT_START_TIMEOUT_MILLIS} ms.
     *
     * @param value 1 ms to 10 minutes
     * @return this builder
     */
    public Builder<T> startTimeout(Duration value) {
      this.startTimeout = requireRange("startTimeout", value);
      return this;
    }

    /**
     * Sets the wait before watching again after jetcd gave up; default {@value
     * #DEFAULT_RETRY_DELAY_MILLIS} ms.
     *
     * @param value 1 ms to 10 minutes
     * @return this builder
     */
    public Builder<T> retryDelay(Duration value) {
      this.retryDelay = requireRange("retryDelay", value);
      return this;
    }

    private static Duration requireRange(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(Duration.ofMillis(1)) < 0
          || value.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1ms and <= 10m)");
      }
      return value;
    }

    /**
     * Reads the key, builds the source and starts watching.
     *
     * @return the source
     * @throws ConfigRejectedException when the key is unusable and no fallback was given
     */
    public EtcdConfigSource<T> build() {
      return new EtcdConfigSource<>(this);
    }
  }
}
