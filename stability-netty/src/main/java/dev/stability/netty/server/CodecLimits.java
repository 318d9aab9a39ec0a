package dev.stability.netty.server;

import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * How large a request may be: its line, its header block, the pieces its body is handed up in and
 * the whole body; immutable, built by {@link #builder()}.
 *
 * <p>A request over a limit is answered by the server itself (414, 431 or 413) and its connection
 * closed, before any handler sees it. The defaults are Netty's codec limits and a 1 MiB body.
 */
public final class CodecLimits {
  /** Default longest request line in bytes, as Netty's codec: {@value}. */
  public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 4096;

  /** Default largest header block in bytes, as Netty's codec: {@value}. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 8192;

  /** Default largest body piece handed up at once in bytes, as Netty's codec: {@value}. */
  public static final int DEFAULT_MAX_CHUNK_SIZE = 8192;

  /** Default largest request body in bytes (1 MiB): {@value}. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 1 << 20;

  private static final CodecLimits DEFAULTS = builder().build();

  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxChunkSize;
  private final int maxContentLength;

  private CodecLimits(Builder b) {
    this.maxInitialLineLength = b.maxInitialLineLength;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxChunkSize = b.maxChunkSize;
    this.maxContentLength = b.maxContentLength;
  }

  /** Returns the default limits. @return the defaults */
  public static CodecLimits ofDefaults() {
    return DEFAULTS;
  }

  /** Returns a builder preset with the defaults. @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder preset with these limits. @return a new builder */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxInitialLineLength = maxInitialLineLength;
    b.maxHeaderSize = maxHeaderSize;
    b.maxChunkSize = maxChunkSize;
    b.maxContentLength = maxContentLength;
    return b;
  }

  /**
   * Returns a fresh Netty decoder configuration with these limits; the server uses it when it adds
   * the codec.
   *
   * @return a new decoder configuration
   */
  public HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(maxInitialLineLength)
        .setMaxHeaderSize(maxHeaderSize)
        .setMaxChunkSize(maxChunkSize);
  }

  /** Returns the longest request line in bytes; longer is answered 414. @return the limit */
  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  /** Returns the largest header block in bytes; larger is answered 431. @return the limit */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** Returns the largest piece of body handed up at once, in bytes. @return the limit */
  public int maxChunkSize() {
    return maxChunkSize;
  }

  /** Returns the largest request body in bytes; larger is answered 413. @return the limit */
  public int maxContentLength() {
    return maxContentLength;
  }

  @Override
  public String toString() {
    return "CodecLimits(line="
        + maxInitialLineLength
        + ", headers="
        + maxHeaderSize
        + ", chunk="
        + maxChunkSize
        + ", body="
        + maxContentLength
        + ')';
  }

  static int requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  /** Builds {@link CodecLimits}; every setter validates its argument at once. */
  public static final class Builder {
    private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private int maxChunkSize = DEFAULT_MAX_CHUNK_SIZE;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;

    Builder() {}

    /**
     * Sets the longest request line; longer ones are answered 414.
     *
     * @param bytes the limit, at least 64
     * @return this builder
     */
    public Builder maxInitialLineLength(int bytes) {
      this.maxInitialLineLength = requireAtLeast("maxInitialLineLength", bytes, 64);
      return this;
    }

    /**
     * Sets the largest header block; larger ones are answered 431.
     *
     * @param bytes the limit, at least 64
     * @return this builder
     */
    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = requireAtLeast("maxHeaderSize", bytes, 64);
      return this;
    }

    /**
     * Sets the largest piece of body handed up at once.
     *
     * @param bytes the limit, at least 64
     * @return this builder
     */
    public Builder maxChunkSize(int bytes) {
      this.maxChunkSize = requireAtLeast("maxChunkSize", bytes, 64);
      return this;
    }

    /**
     * Sets the largest request body; larger ones are answered 413 (in streaming mode too).
     *
     * @param bytes the limit, zero or more
     * @return this builder
     */
    public Builder maxContentLength(int bytes) {
      this.maxContentLength = requireAtLeast("maxContentLength", bytes, 0);
      return this;
    }

    /** Builds the limits. @return the immutable limits */
    public CodecLimits build() {
      return new CodecLimits(this);
    }
  }
}
