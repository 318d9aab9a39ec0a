package dev.stability.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link ConfigSource} read from one UTF-8 file and re-read when its content changes: the
 * embedded default.
 *
 * <p>At {@link Builder#build()} the file is read and parsed; when that fails the build throws the
 * {@link ConfigRejectedException}, unless a {@linkplain Builder#fallback(Object) fallback} was
 * given, which is then current (and the rejection counted). After that a {@link FileWatcher} polls
 * the file; every changed content is offered to a {@link ReloadableConfig}, so an invalid edit, a
 * deleted file or an oversized one is rejected with a message naming the bad value, counted in
 * {@code stability.config.updates{outcome=rejected}}, logged once, and the last good value stays in
 * force.
 *
 * @param <T> the value type
 */
public final class FileConfigSource<T> implements ConfigSource<T> {
  private final Path path;
  private final ReloadableConfig<T> config;
  private final FileWatcher watcher;

  private FileConfigSource(Builder<T> b) {
    this.path = b.path;
    Sink sink = new Sink(path);
    FileWatcher.Builder wb =
        FileWatcher.builder(List.of(path), sink).pollInterval(b.pollInterval).maxBytes(b.maxBytes);
    if (b.scheduler != null) {
      wb.scheduler(b.scheduler);
    }
    this.watcher = wb.build();
    watcher.refresh();
    T initial = b.fallback;
    if (initial == null) {
      initial = parseFirst(b, sink);
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
    if (b.fallback != null) {
      sink.replay(config);
    }
    sink.target = config;
    watcher.start();
  }

  private static <T> T parseFirst(Builder<T> b, Sink sink) {
    String origin = b.path.toString();
    if (sink.firstError != null) {
      throw new ConfigRejectedException(
          b.name, origin, sink.firstError + "; no last good value", null);
    }
    return ReloadableConfig.parseInitial(b.name, origin, b.parser, sink.firstText);
  }

  /**
   * Remembers the first read (there is no config to offer it to yet), then offers every later one.
   */
  private static final class Sink implements FileWatcher.Handler {
    private final Path path;
    volatile ReloadableConfig<?> target;
    String firstText;
    String firstError;

    Sink(Path path) {
      this.path = path;
    }

    @Override
    public void onChange(List<byte[]> contents) {
      String text;
      try {
        text = utf8(contents.get(0), path);
      } catch (IllegalArgumentException e) {
        onUnreadable(e.getMessage());
        return;
      }
      if (target == null) {
        firstText = text;
      } else {
        target.offerText(path.toString(), text);
      }
    }

    @Override
    public void onUnreadable(String reason) {
      if (target == null) {
        firstError = reason;
      } else {
        target.reject(path.toString(), reason);
      }
    }

    void replay(ReloadableConfig<?> config) {
      if (firstError != null) {
        config.reject(path.toString(), firstError);
      } else {
        config.offerText(path.toString(), firstText);
      }
    }
  }

  static String utf8(byte[] bytes, Path path) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("file: " + path + " (expected: UTF-8 text)", e);
    }
  }

  /**
   * Returns a builder reading {@code path} with {@code parser}.
   *
   * @param name the source's name
   * @param path the file
   * @param parser turns the file's text into a value through the value's builder
   * @param <T> the value type
   * @return the builder
   */
  public static <T> Builder<T> builder(String name, Path path, ConfigParser<? extends T> parser) {
    return new Builder<>(name, path, parser);
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

  /**
   * Reads the file now instead of at the next poll.
   *
   * @return {@code true} when the content had changed (and was applied or rejected)
   */
  public boolean refresh() {
    return watcher.refresh();
  }

  @Override
  public void close() {
    watcher.close();
  }

  @Override
  public String toString() {
    return "FileConfigSource(" + config.name() + ", " + path + ")";
  }

  /**
   * Builds a {@link FileConfigSource}.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final String name;
    private final Path path;
    private final ConfigParser<? extends T> parser;
    private T fallback;
    private ConfigValidator<? super T> validator = ConfigValidator.NONE;
    private ConfigListener<? super T> listener = ConfigListener.NONE;
    private MeterRegistry meterRegistry;
    private Duration pollInterval = Duration.ofMillis(FileWatcher.DEFAULT_POLL_INTERVAL_MILLIS);
    private int maxBytes = FileWatcher.DEFAULT_MAX_BYTES;
    private ScheduledExecutorService scheduler;

    Builder(String name, Path path, ConfigParser<? extends T> parser) {
      this.name = ConfigNames.check(name);
      this.path = Objects.requireNonNull(path, "path");
      this.parser = Objects.requireNonNull(parser, "parser");
    }

    /**
     * Sets the value used when the file cannot be read or parsed at start; without it the build
     * throws.
     *
     * @param value the fallback
     * @return this builder
     */
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
     * Sets the poll interval; default {@value FileWatcher#DEFAULT_POLL_INTERVAL_MILLIS} ms.
     *
     * @param value 10 ms to 1 hour
     * @return this builder
     */
    public Builder<T> pollInterval(Duration value) {
      FileWatcher.builder(List.of(path), FileWatcher.Handler.NONE).pollInterval(value);
      this.pollInterval = value;
      return this;
    }

    /**
     * Sets the largest file accepted; default {@value FileWatcher#DEFAULT_MAX_BYTES}.
     *
     * @param value 1 byte to 64 MiB
     * @return this builder
     */
    public Builder<T> maxBytes(int value) {
      FileWatcher.builder(List.of(path), FileWatcher.Handler.NONE).maxBytes(value);
      this.maxBytes = value;
      return this;
    }

    /**
     * Polls on {@code value} instead of the shared poller thread (tests: a scheduler they control).
     *
     * @param value the scheduler, never shut down by the source
     * @return this builder
     */
    public Builder<T> scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Reads the file, builds the source and starts polling.
     *
     * @return the source
     * @throws ConfigRejectedException when the file is unusable and no fallback was given
     */
    public FileConfigSource<T> build() {
      return new FileConfigSource<>(this);
    }
  }
}
