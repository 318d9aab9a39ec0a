package dev.stability.config;

import dev.stability.time.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a small set of files and reports when their combined content changes: the file half of
 * {@link FileConfigSource} and of the TLS certificate reloader.
 *
 * <p>Polling the content, not a {@code WatchService}: watch events do not fire for the symlink swap
 * with which Kubernetes updates a mounted ConfigMap or Secret, are lost on some network file
 * systems, and modification times can be too coarse to see two writes in one second. Reading a few
 * kilobytes once per interval sees all of these. Each poll reads every file (at most {@link
 * Builder#maxBytes(int)} each); the handler is called only when the bytes differ from the last
 * poll, and an unreadable file is reported once until its reason changes. Replace files atomically
 * (write a temporary file, then rename): a half-written file is read as it is.
 */
public final class FileWatcher implements AutoCloseable {
  /** The default time between two polls: {@value} ms. */
  public static final long DEFAULT_POLL_INTERVAL_MILLIS = 1_000;

  /** The default largest file read: {@value} bytes; a larger one is reported unreadable. */
  public static final int DEFAULT_MAX_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);

  /** Receives what a poll found; called on the polling thread, never concurrently. */
  public interface Handler {
    /** Ignores everything: for a watcher read only through {@link FileWatcher#refresh()}. */
    Handler NONE =
        new Handler() {
          @Override
          public void onChange(List<byte[]> contents) {}

          @Override
          public void onUnreadable(String reason) {}
        };

    /**
     * Called with the new content of every file, in the order of the paths.
     *
     * @param contents one array per path
     */
    void onChange(List<byte[]> contents);

    /**
     * Called when a file cannot be read; called again only when the reason changes.
     *
     * @param reason {@code "name: value (expected: ...)"}, naming the path
     */
    void onUnreadable(String reason);
  }

  private final List<Path> paths;
  private final Handler handler;
  private final Duration pollInterval;
  private final int maxBytes;
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();
  private List<byte[]> last;
  private String lastError;
  private ScheduledFuture<?> task;
  private boolean closed;

  private FileWatcher(Builder b) {
    this.paths = b.paths;
    this.handler = b.handler;
    this.pollInterval = b.pollInterval;
    this.maxBytes = b.maxBytes;
    this.scheduler = b.scheduler != null ? b.scheduler : SharedPoller.INSTANCE;
  }

  /**
   * Returns a builder watching {@code paths}.
   *
   * @param paths one or more files
   * @param handler told about changes
   * @return the builder
   */
  public static Builder builder(List<Path> paths, Handler handler) {
    return new Builder(paths, handler);
  }

  /**
   * Reads the files now and calls the handler when their content changed since the last read; this
   * is what every poll does, and what to call on demand (on SIGHUP, after a deploy step, from a
   * test).
   *
   * @return {@code true} when the handler was called
   */
  public boolean refresh() {
    synchronized (lock) {
      List<byte[]> contents = new ArrayList<>(paths.size());
      for (Path p : paths) {
        String error;
        try {
          contents.add(read(p));
          continue;
        } catch (NoSuchFileException e) {
          error = "file: " + p + " (expected: an existing file)";
        } catch (IOException e) {
          error = "file: " + p + " (expected: a readable file; " + e + ")";
        } catch (IllegalArgumentException e) {
          error = e.getMessage();
        }
        if (error.equals(lastError)) {
          return false;
        }
        lastError = error;
        handler.onUnreadable(error);
        return true;
      }
      lastError = null;
      if (last != null && sameContents(last, contents)) {
        return false;
      }
      last = contents;
      handler.onChange(contents);
      return true;
    }
  }

  private byte[] read(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IllegalArgumentException(
            "file: " + p + " (expected: at most " + maxBytes + " bytes)");
      }
      return bytes;
    }
  }

  private static boolean sameContents(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Starts polling every interval on the scheduler; the first poll comes one interval from now. */
  public FileWatcher start() {
    synchronized (lock) {
      if (closed || task != null) {
        return this;
      }
      long nanos = pollInterval.toNanos();
      task = scheduler.scheduleWithFixedDelay(this::poll, nanos, nanos, TimeUnit.NANOSECONDS);
      return this;
    }
  }

  private void poll() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // a throwing handler must not end the schedule: scheduleWithFixedDelay stops after an
      // exception
      log.error("watching {} failed; polling goes on", paths, e);
    }
  }

  /** Stops polling; a running poll finishes. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (task != null) {
        task.cancel(false);
      }
    }
  }

  /** Builds a {@link FileWatcher}. */
  public static final class Builder {
    private final List<Path> paths;
    private final Handler handler;
    private Duration pollInterval = Duration.ofMillis(DEFAULT_POLL_INTERVAL_MILLIS);
    private int maxBytes = DEFAULT_MAX_BYTES;
    private ScheduledExecutorService scheduler;

    Builder(List<Path> paths, Handler handler) {
      Objects.requireNonNull(paths, "paths");
      if (paths.isEmpty() || paths.stream().anyMatch(Objects::isNull)) {
        throw new IllegalArgumentException("paths: " + paths + " (expected: one or more paths)");
      }
      this.paths = List.copyOf(paths);
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sets the time between two polls; default {@value #DEFAULT_POLL_INTERVAL_MILLIS} ms.
     *
     * @param value 10 ms to 1 hour
     * @return this builder
     */
    public Builder pollInterval(Duration value) {
      Objects.requireNonNull(value, "pollInterval");
      if (value.compareTo(Duration.ofMillis(10)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "pollInterval: "
                + Durations.format(value.toNanos())
                + " (expected: >= 10ms and <= 1h)");
      }
      this.pollInterval = value;
      return this;
    }

    /**
     * Sets the largest file read; default {@value #DEFAULT_MAX_BYTES}.
     *
     * @param value 1 byte to 64 MiB
     * @return this builder
     */
    public Builder maxBytes(int value) {
      if (value < 1 || value > 64 << 20) {
        throw new IllegalArgumentException(
            "maxBytes: " + value + " (expected: >= 1 and <= 67108864)");
      }
      this.maxBytes = value;
      return this;
    }

    /**
     * Polls on {@code value} instead of the shared daemon poller thread; the watcher never shuts it
     * down. Tests pass a scheduler they control, or none and call {@link FileWatcher#refresh()}.
     *
     * @param value the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Builds the watcher without reading or polling yet. */
    public FileWatcher build() {
      return new FileWatcher(this);
    }
  }

  /** One daemon thread polls every watcher that has no scheduler of its own; reads are small. */
  private static final class SharedPoller {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stability-config-poller");
              t.setDaemon(true);
              return t;
            });
  }
}
