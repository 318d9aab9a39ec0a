package dev.stability.netty.server;

import dev.stability.time.Durations;
import java.time.Duration;

/**
 * The HTTP/2 part of a server's limits: streams per connection and the frame floods a hostile
 * client can mount; immutable, built by {@link #builder()}. Set on {@link
 * ServerConfig.Builder#http2(Http2Limits)}, which also turns HTTP/2 on.
 *
 * <p>The connection-level timeouts are shared with HTTP/1.1 and read from {@link ConnectionLimits}:
 * {@link ConnectionLimits#idleTimeout()} (no open stream that long: {@code GOAWAY}, close), {@link
 * ConnectionLimits#maxConnectionAge()} ({@code GOAWAY}, open streams finish within {@link
 * #goAwayGracePeriod()}) and {@link ConnectionLimits#writeTimeout()} (per stream: a stream whose
 * client never opens its flow-control window is reset, the others go on). Request size limits come
 * from {@link CodecLimits}: {@link CodecLimits#maxContentLength()} per stream body. Netty's codec
 * enforces the frame limits while decoding; each one that trips ends the connection with {@code
 * GOAWAY} and counts {@code stability.server.http2.goaways} by reason.
 */
public final class Http2Limits {
  /** Default streams a client may have open at once per connection: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

  /**
   * Default largest header list (HPACK-decoded names and values, 32 bytes overhead each) of one
   * request: {@value} bytes. Above it the stream is answered 431; above 1.25 times it the header
   * block is not even buffered and the connection ends ({@code GOAWAY}).
   */
  public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 8192;

  /** Default RST_STREAM frames a client may send per window before {@code GOAWAY}: {@value}. */
  public static final int DEFAULT_MAX_RESETS_PER_WINDOW = 200;

  /** Default window of the reset budget, in seconds: {@value}. */
  public static final int DEFAULT_RESET_WINDOW_SECONDS = 30;

  /**
   * Default control frames (SETTINGS and PING acks, RST_STREAM) the server may have queued unsent
   * to a client that does not read: {@value}.
   */
  public static final int DEFAULT_MAX_QUEUED_CONTROL_FRAMES = 10_000;

  /** Default consecutive empty DATA frames without END_STREAM a stream may send: {@value}. */
  public static final int DEFAULT_MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;

  /** Default consecutive small CONTINUATION frames (under 8 KiB) of one header block: {@value}. */
  public static final int DEFAULT_MAX_SMALL_CONTINUATION_FRAMES = 16;

  /** Default time open streams get to finish after the server's {@code GOAWAY}, ms: {@value}. */
  public static final long DEFAULT_GOAWAY_GRACE_PERIOD_MILLIS = 10_000;

  private static final Http2Limits DEFAULTS = builder().build();

  private final int maxConcurrentStreams;
  private final int maxHeaderListSize;
  private final int maxResetsPerWindow;
  private final int resetWindowSeconds;
  private final int maxQueuedControlFrames;
  private final int maxConsecutiveEmptyDataFrames;
  private final int maxSmallContinuationFrames;
  private final Duration goAwayGracePeriod;

  private Http2Limits(Builder b) {
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.maxHeaderListSize = b.maxHeaderListSize;
    this.maxResetsPerWindow = b.maxResetsPerWindow;
    this.resetWindowSeconds = b.resetWindowSeconds;
    this.maxQueuedControlFrames = b.maxQueuedControlFrames;
    this.maxConsecutiveEmptyDataFrames = b.maxConsecutiveEmptyDataFrames;
    this.maxSmallContinuationFrames = b.maxSmallContinuationFrames;
    this.goAwayGracePeriod = b.goAwayGracePeriod;
  }

  /** Returns the default limits. @return the defaults */
  public static Http2Limits ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these limits. @return a new builder */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConcurrentStreams = maxConcurrentStreams;
    b.maxHeaderListSize = maxHeaderListSize;
    b.maxResetsPerWindow = maxResetsPerWindow;
    b.resetWindowSeconds = resetWindowSeconds;
    b.maxQueuedControlFrames = maxQueuedControlFrames;
    b.maxConsecutiveEmptyDataFrames = maxConsecutiveEmptyDataFrames;
    b.maxSmallContinuationFrames = maxSmallContinuationFrames;
    b.goAwayGracePeriod = goAwayGracePeriod;
    return b;
  }

  /**
   * Returns the streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). @return
   * the value
   */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /**
   * Returns the largest header list of a request (SETTINGS_MAX_HEADER_LIST_SIZE), in bytes. @return
   * the value
   */
  public int maxHeaderListSize() {
    return maxHeaderListSize;
  }

  /**
   * Returns the RST_STREAM frames a client may send per {@link #resetWindowSeconds()}. @return the
   * value
   */
  public int maxResetsPerWindow() {
    return maxResetsPerWindow;
  }

  /** Returns the window of the reset budget, in seconds. @return the window */
  public int resetWindowSeconds() {
    return resetWindowSeconds;
  }

  /**
   * Returns the control frames that may wait unsent before the connection ends. @return the value
   */
  public int maxQueuedControlFrames() {
    return maxQueuedControlFrames;
  }

  /** Returns the consecutive empty DATA frames a stream may send. @return the limit */
  public int maxConsecutiveEmptyDataFrames() {
    return maxConsecutiveEmptyDataFrames;
  }

  /** Returns the consecutive small CONTINUATION frames of one header block. @return the limit */
  public int maxSmallContinuationFrames() {
    return maxSmallContinuationFrames;
  }

  /** Returns how long open streams may run after the server's {@code GOAWAY}. @return the grace */
  public Duration goAwayGracePeriod() {
    return goAwayGracePeriod;
  }

  @Override
  public String toString() {
    return "Http2Limits(maxConcurrentStreams="
        + maxConcurrentStreams
        + ", maxHeaderListSize="
        + maxHeaderListSize
        + ", resets="
        + maxResetsPerWindow
        + '/'
        + resetWindowSeconds
        + "s, maxQueuedControlFrames="
        + maxQueuedControlFrames
        + ", maxConsecutiveEmptyDataFrames="
        + maxConsecutiveEmptyDataFrames
        + ", maxSmallContinuationFrames="
        + maxSmallContinuationFrames
        + ", goAwayGracePeriod="
        + goAwayGracePeriod
        + ')';
  }

  /** Builds {@link Http2Limits}; every setter validates its argument at once. */
  public static final class Builder {
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private int maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE;
    private int maxResetsPerWindow = DEFAULT_MAX_RESETS_PER_WINDOW;
    private int resetWindowSeconds = DEFAULT_RESET_WINDOW_SECONDS;
    private int maxQueuedControlFrames = DEFAULT_MAX_QUEUED_CONTROL_FRAMES;
    private int maxConsecutiveEmptyDataFrames = DEFAULT_MAX_CONSECUTIVE_EMPTY_DATA_FRAMES;
    private int maxSmallContinuationFrames = DEFAULT_MAX_SMALL_CONTINUATION_FRAMES;
    private Duration goAwayGracePeriod = Duration.ofMillis(DEFAULT_GOAWAY_GRACE_PERIOD_MILLIS);

    Builder() {}

    /**
     * Sets the streams a client may have open at once (default {@value
     * Http2Limits#DEFAULT_MAX_CONCURRENT_STREAMS}); a stream beyond is refused with {@code
     * RST_STREAM(REFUSED_STREAM)}, which a client may retry.
     *
     * @param streams 1 or more
     * @return this builder
     */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = range("maxConcurrentStreams", streams, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets the largest header list of a request (default {@value
     * Http2Limits#DEFAULT_MAX_HEADER_LIST_SIZE} bytes).
     *
     * @param bytes 1024 to 16 MiB
     * @return this builder
     */
    public Builder maxHeaderListSize(int bytes) {
      this.maxHeaderListSize = range("maxHeaderListSize", bytes, 1024, 16 << 20);
      return this;
    }

    /**
     * Sets the rapid-reset budget (CVE-2023-44487): {@code resets} RST_STREAM frames per {@code
     * windowSeconds}, then {@code GOAWAY(ENHANCE_YOUR_CALM)} (default {@value
     * Http2Limits#DEFAULT_MAX_RESETS_PER_WINDOW} per {@value
     * Http2Limits#DEFAULT_RESET_WINDOW_SECONDS} s). There is no way to turn it off.
     *
     * @param resets 1 or more
     * @param windowSeconds 1 to 3600
     * @return this builder
     */
    public Builder resetBudget(int resets, int windowSeconds) {
      this.maxResetsPerWindow = range("maxResetsPerWindow", resets, 1, Integer.MAX_VALUE);
      this.resetWindowSeconds = range("resetWindowSeconds", windowSeconds, 1, 3600);
      return this;
    }

    /**
     * Sets how many control frames may wait unsent (default {@value
     * Http2Limits#DEFAULT_MAX_QUEUED_CONTROL_FRAMES}): a client that floods SETTINGS or PING and
     * never reads the acks ends its connection here.
     *
     * @param frames 1 or more
     * @return this builder
     */
    public Builder maxQueuedControlFrames(int frames) {
      this.maxQueuedControlFrames = range("maxQueuedControlFrames", frames, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how many empty DATA frames without END_STREAM may follow each other (default {@value
     * Http2Limits#DEFAULT_MAX_CONSECUTIVE_EMPTY_DATA_FRAMES}).
     *
     * @param frames 1 or more
     * @return this builder
     */
    public Builder maxConsecutiveEmptyDataFrames(int frames) {
      this.maxConsecutiveEmptyDataFrames =
          range("maxConsecutiveEmptyDataFrames", frames, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how many small CONTINUATION frames one header block may have (default {@value
     * Http2Limits#DEFAULT_MAX_SMALL_CONTINUATION_FRAMES}); the block's size is bounded anyway by
     * {@link #maxHeaderListSize}, while it is read.
     *
     * @param frames 1 or more
     * @return this builder
     */
    public Builder maxSmallContinuationFrames(int frames) {
      this.maxSmallContinuationFrames =
          range("maxSmallContinuationFrames", frames, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how long open streams may run after the server's {@code GOAWAY} (idle, max age) before
     * the connection is closed under them (default {@value
     * Http2Limits#DEFAULT_GOAWAY_GRACE_PERIOD_MILLIS} ms).
     *
     * @param grace positive
     * @return this builder
     */
    public Builder goAwayGracePeriod(Duration grace) {
      this.goAwayGracePeriod = Durations.requirePositive("goAwayGracePeriod", grace);
      return this;
    }

    /** Builds the limits. @return the immutable limits */
    public Http2Limits build() {
      return new Http2Limits(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + ": " + value + " (expected: >= " + min + " and <= " + max + ")");
      }
      return value;
    }
  }
}
