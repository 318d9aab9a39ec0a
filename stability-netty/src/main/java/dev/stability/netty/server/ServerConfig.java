package dev.stability.netty.server;

import dev.stability.context.wire.InboundDeadlinePolicy;
import dev.stability.guard.Guard;
import dev.stability.time.Durations;
import dev.stability.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable settings of the server guards: codec limits, body limit, connection timeouts,
 * request deadlines and where metrics go.
 *
 * <p>Every timeout is exposed through a plain getter so that tools (the testkit's timeout-alignment
 * checks) can read them. A {@link Duration#ZERO} for {@link #maxConnectionAge()}, {@link
 * #idleTimeout()} or {@link #writeTimeout()} disables that limit; {@code 0} disables {@link
 * #maxRequestsPerConnection()}. Build it with {@link #builder()}; derive variants with {@link
 * #toBuilder()}.
 */
public final class ServerConfig {
  /** Default longest request line, as Netty's codec. */
  public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 4096;

  /** Default largest header block, as Netty's codec. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 8192;

  /** Default largest chunk handed up at once, as Netty's codec. */
  public static final int DEFAULT_MAX_CHUNK_SIZE = 8192;

  /** Default largest aggregated body: 1 MiB. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 1 << 20;

  /** Default number of pipelined requests held back while one is being answered. */
  public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;

  /** Default longest gap between two reads of a request body, in milliseconds: {@value}. */
  public static final long DEFAULT_BODY_READ_TIMEOUT_MILLIS = 5_000;

  /** Default number of open connections when the process's descriptor limit cannot be read. */
  public static final int DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT = 10_000;

  /**
   * Fewest file descriptors the derived default of {@link #maxConnections()} leaves for everything
   * else: a JVM with a few dozen jars and two event loops holds about 70 before its first
   * connection (measured under {@code ulimit -n 256} by the reliability suite's {@code
   * ConnectionFloodTest}).
   */
  public static final int MIN_DESCRIPTOR_HEADROOM = 128;

  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxChunkSize;
  private final int maxContentLength;
  private final boolean streaming;
  private final Duration headerReadTimeout;
  private final Duration idleTimeout;
  private final int maxRequestsPerConnection;
  private final Duration maxConnectionAge;
  private final Duration writeTimeout;
  private final Duration defaultRequestTimeout;
  private final RequestTimeouts requestTimeouts;
  private final InboundDeadlinePolicy inboundDeadlinePolicy;
  private final HttpResponseStatus timeoutStatus;
  private final int maxPipelinedRequests;
  private final String requestIdHeader;
  private final MeterRegistry meterRegistry;
  private final boolean devMode;
  private final Ticker ticker;
  private final Guard guard;
  private final Duration bodyReadTimeout;
  private final int maxConnections;
  private final Set<String> extensionMethods;

  ServerConfig(Builder b) {
    this.maxInitialLineLength = b.maxInitialLineLength;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxChunkSize = b.maxChunkSize;
    this.maxContentLength = b.maxContentLength;
    this.streaming = b.streaming;
    this.headerReadTimeout = b.headerReadTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxRequestsPerConnection = b.maxRequestsPerConnection;
    this.maxConnectionAge = b.maxConnectionAge;
    this.writeTimeout = b.writeTimeout;
    this.defaultRequestTimeout = b.defaultRequestTimeout;
    this.requestTimeouts = b.requestTimeouts;
    this.inboundDeadlinePolicy = b.inboundDeadlinePolicy;
    this.timeoutStatus = b.timeoutStatus;
    this.maxPipelinedRequests = b.maxPipelinedRequests;
    this.requestIdHeader = b.requestIdHeader;
    this.meterRegistry = b.meterRegistry;
    this.devMode = b.devMode;
    this.ticker = b.ticker;
    this.guard = b.guard;
    this.bodyReadTimeout = b.bodyReadTimeout;
    this.maxConnections = b.maxConnections;
    this.extensionMethods = b.extensionMethods;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the defaults: Netty's codec limits, 1 MiB bodies, 5 s header read, 60 s keep-alive
   * idle, 30 s write stall, 10 s request deadline answered by 504, client timeout headers accepted
   * up to 30 s, no metrics.
   *
   * @return the default configuration
   */
  public static ServerConfig ofDefaults() {
    return builder().build();
  }

  /**
   * Returns a builder that starts from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns a fresh Netty decoder configuration with these limits; the guards use it when they add
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

  /**
   * Returns the longest accepted request line in bytes; longer ones are answered 414. @return the
   * limit
   */
  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  /**
   * Returns the largest accepted header block in bytes; larger ones are answered 431. @return the
   * limit
   */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** Returns the largest piece of body handed up at once, in bytes. @return the limit */
  public int maxChunkSize() {
    return maxChunkSize;
  }

  /** Returns the largest request body in bytes; larger ones are answered 413. @return the limit */
  public int maxContentLength() {
    return maxContentLength;
  }

  /** Returns whether bodies are streamed to the handlers instead of aggregated. @return the mode */
  public boolean streaming() {
    return streaming;
  }

  /**
   * Returns how long a client may take from the first byte of a request head to its end. @return
   * the timeout
   */
  public Duration headerReadTimeout() {
    return headerReadTimeout;
  }

  /**
   * Returns how long a keep-alive connection may wait for its next request; zero disables. @return
   * the timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Returns how many requests one connection serves before it is closed; zero is unlimited. @return
   * the limit
   */
  public int maxRequestsPerConnection() {
    return maxRequestsPerConnection;
  }

  /**
   * Returns how long a connection lives before it is closed between requests; zero
   * disables. @return the age
   */
  public Duration maxConnectionAge() {
    return maxConnectionAge;
  }

  /**
   * Returns how long the outbound buffer may stay unwritable before the connection is
   * closed. @return it
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * Returns the deadline given to a request that carries none and has no route timeout. @return the
   * timeout
   */
  public Duration defaultRequestTimeout() {
    return defaultRequestTimeout;
  }

  /** Returns the per-route server timeouts. @return the route timeouts */
  public RequestTimeouts requestTimeouts() {
    return requestTimeouts;
  }

  /**
   * Returns how deadlines sent by clients are read, trusted and capped. A request with an accepted
   * header gets the policy's granted timeout; one without gets the route timeout or {@link
   * #defaultRequestTimeout()} (the policy's own default is not used).
   *
   * @return the inbound policy
   */
  public InboundDeadlinePolicy inboundDeadlinePolicy() {
    return inboundDeadlinePolicy;
  }

  /**
   * Returns the status answered when a request's deadline passes before its response
   * started. @return it
   */
  public HttpResponseStatus timeoutStatus() {
    return timeoutStatus;
  }

  /**
   * Returns how many pipelined requests may wait behind the one being answered. @return the limit
   */
  public int maxPipelinedRequests() {
    return maxPipelinedRequests;
  }

  /**
   * Returns the header a client may set to choose its request id. @return the header name, lower
   * case
   */
  public String requestIdHeader() {
    return requestIdHeader;
  }

  /** Returns the meter registry, or {@code null} when metrics are off. @return the registry */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * Returns whether error bodies name the exception class and message (never a stack
   * trace). @return it
   */
  public boolean devMode() {
    return devMode;
  }

  /**
   * Returns the test ticker, or {@code null} to read each channel's event loop clock. @return the
   * ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Returns the exception guard that records incidents and renders problem bodies, or {@code null}
   * for one built from {@link #meterRegistry()} and {@link #devMode()}.
   *
   * @return the guard or {@code null}
   */
  public Guard guard() {
    return guard;
  }

  /**
   * Returns the longest gap between two reads of a request body; a body stalled longer is answered
   * 408 and the connection closed. The request deadline, which starts when the head is decoded,
   * bounds the whole body too.
   *
   * @return the timeout
   */
  public Duration bodyReadTimeout() {
    return bodyReadTimeout;
  }

  /**
   * Returns how many connections may be open at once on a server whose server channel runs {@link
   * StabilityServer#serverHandler()}; beyond it new connections are closed at once and counted.
   * Zero is unlimited. The default is {@link #defaultMaxConnections()}.
   *
   * @return the limit, or zero
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Returns the request methods accepted besides the standard ones (GET, HEAD, POST, PUT, DELETE,
   * CONNECT, OPTIONS, TRACE, PATCH); any other method is answered 501. They are also the only other
   * values of the {@code method} metric tag.
   *
   * @return the extension methods, case-sensitive, immutable
   */
  public Set<String> extensionMethods() {
    return extensionMethods;
  }

  /**
   * Returns the default of {@link #maxConnections()}: the process's file descriptor limit less a
   * quarter of it (at least {@value #MIN_DESCRIPTOR_HEADROOM}) for files, upstream connections and
   * the JVM itself, or {@value #DEFAULT_MAX_CONNECTIONS_WITHOUT_DESCRIPTOR_LIMIT} where the limit
   * cannot be read. A limit of 1024 gives 768; 65536 gives 49152.
   *
   * @return the derived default, at least 1
   */
  public static int defaultMaxConnections() {
    return DescriptorLimit.defaultMaxConnections();
  }

  @Override
  public String toString() {
    return "ServerConfig(line="
        + maxInitialLineLength
        + ", headers="
        + maxHeaderSize
        + ", chunk="
        + maxChunkSize
        + ", body="
        + maxContentLength
        + (streaming ? " streaming" : " aggregated")
        + ", headerRead="
        + headerReadTimeout
        + ", idle="
        + idleTimeout
        + ", maxRequests="
        + maxRequestsPerConnection
        + ", maxAge="
        + maxConnectionAge
        + ", write="
        + writeTimeout
        + ", request="
        + defaultRequestTimeout
        + ", timeoutStatus="
        + timeoutStatus.code()
        + ", dev="
        + devMode
        + ", maxConnections="
        + maxConnections
        + (extensionMethods.isEmpty() ? "" : ", extensionMethods=" + extensionMethods)
        + ", bodyRead="
        + bodyReadTimeout
        + ')';
  }

  /** Builds a {@link ServerConfig}; every setter validates its argument at once. */
  public static final class Builder {
    private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private int maxChunkSize = DEFAULT_MAX_CHUNK_SIZE;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
    private boolean streaming;
    private Duration headerReadTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxRequestsPerConnection;
    private Duration maxConnectionAge = Duration.ZERO;
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration defaultRequestTimeout = Duration.ofSeconds(10);
    private RequestTimeouts requestTimeouts = RequestTimeouts.NONE;
    private InboundDeadlinePolicy inboundDeadlinePolicy = InboundDeadlinePolicy.ofDefaults();
    private HttpResponseStatus timeoutStatus = HttpResponseStatus.GATEWAY_TIMEOUT;
    private int maxPipelinedRequests = DEFAULT_MAX_PIPELINED_REQUESTS;
    private String requestIdHeader = "x-request-id";
    private MeterRegistry meterRegistry;
    private boolean devMode;
    private Ticker ticker;
    private Guard guard;
    private Duration bodyReadTimeout = Duration.ofMillis(DEFAULT_BODY_READ_TIMEOUT_MILLIS);
    private int maxConnections = DescriptorLimit.defaultMaxConnections();
    private Set<String> extensionMethods = Set.of();

    Builder() {}

    Builder(ServerConfig c) {
      maxInitialLineLength = c.maxInitialLineLength;
      maxHeaderSize = c.maxHeaderSize;
      maxChunkSize = c.maxChunkSize;
      maxContentLength = c.maxContentLength;
      streaming = c.streaming;
      headerReadTimeout = c.headerReadTimeout;
      idleTimeout = c.idleTimeout;
      maxRequestsPerConnection = c.maxRequestsPerConnection;
      maxConnectionAge = c.maxConnectionAge;
      writeTimeout = c.writeTimeout;
      defaultRequestTimeout = c.defaultRequestTimeout;
      requestTimeouts = c.requestTimeouts;
      inboundDeadlinePolicy = c.inboundDeadlinePolicy;
      timeoutStatus = c.timeoutStatus;
      maxPipelinedRequests = c.maxPipelinedRequests;
      requestIdHeader = c.requestIdHeader;
      meterRegistry = c.meterRegistry;
      devMode = c.devMode;
      ticker = c.ticker;
      guard = c.guard;
      bodyReadTimeout = c.bodyReadTimeout;
      maxConnections = c.maxConnections;
      extensionMethods = c.extensionMethods;
    }

    private static int requireAtLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
      }
      return value;
    }

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

    /**
     * Chooses streaming mode: handlers get the request head and its body pieces instead of one
     * {@code FullHttpRequest}. The body limit is still enforced.
     *
     * @param streaming {@code true} to stream bodies
     * @return this builder
     */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /**
     * Sets how long a client may take from the first byte of a request head to its end; bytes
     * trickling in do not extend it.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder headerReadTimeout(Duration timeout) {
      this.headerReadTimeout = Durations.requirePositive("headerReadTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a connection may wait with no request in flight; zero disables.
     *
     * @param timeout the timeout, zero or positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Durations.requireNonNegative("idleTimeout", timeout);
      return this;
    }

    /**
     * Sets how many requests a connection serves; the last response carries {@code Connection:
     * close}.
     *
     * @param max the limit, zero for unlimited
     * @return this builder
     */
    public Builder maxRequestsPerConnection(int max) {
      this.maxRequestsPerConnection = requireAtLeast("maxRequestsPerConnection", max, 0);
      return this;
    }

    /**
     * Sets how long a connection lives; once older it is closed after its current response.
     *
     * @param age the age, zero disables
     * @return this builder
     */
    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = Durations.requireNonNegative("maxConnectionAge", age);
      return this;
    }

    /**
     * Sets how long the outbound buffer may stay above its high water mark (a client not reading)
     * before the connection is closed; zero disables.
     *
     * @param timeout the timeout, zero or positive
     * @return this builder
     */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = Durations.requireNonNegative("writeTimeout", timeout);
      return this;
    }

    /**
     * Sets the deadline of requests that carry none and match no route timeout.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder defaultRequestTimeout(Duration timeout) {
      this.defaultRequestTimeout = Durations.requirePositive("defaultRequestTimeout", timeout);
      return this;
    }

    /**
     * Sets per-route server timeouts, consulted before the default.
     *
     * @param timeouts the route timeouts
     * @return this builder
     */
    public Builder requestTimeouts(RequestTimeouts timeouts) {
      this.requestTimeouts = Objects.requireNonNull(timeouts, "requestTimeouts");
      return this;
    }

    /**
     * Sets how deadlines sent by clients are read, trusted and capped; the default is {@link
     * InboundDeadlinePolicy#ofDefaults()} (accepted, capped at 30 s). A malformed header is
     * answered 400.
     *
     * @param policy the inbound policy
     * @return this builder
     */
    public Builder inboundDeadlinePolicy(InboundDeadlinePolicy policy) {
      this.inboundDeadlinePolicy = Objects.requireNonNull(policy, "inboundDeadlinePolicy");
      return this;
    }

    /**
     * Sets the status answered when the deadline passes first: 504 (default, the server gave up on
     * its own work), 503 (overload shedding) or 408 (the client was too slow).
     *
     * @param status 504, 503 or 408
     * @return this builder
     */
    public Builder timeoutStatus(HttpResponseStatus status) {
      Objects.requireNonNull(status, "timeoutStatus");
      int code = status.code();
      if (code != 504 && code != 503 && code != 408) {
        throw new IllegalArgumentException(
            "timeoutStatus: " + code + " (expected: 504, 503 or 408)");
      }
      this.timeoutStatus = status;
      return this;
    }

    /**
     * Sets how many pipelined requests may wait while one is answered; beyond it the guard stops
     * reading.
     *
     * @param max the limit, at least 1
     * @return this builder
     */
    public Builder maxPipelinedRequests(int max) {
      this.maxPipelinedRequests = requireAtLeast("maxPipelinedRequests", max, 1);
      return this;
    }

    /**
     * Sets the header a client may use to choose its request id (ids longer than 64 characters or
     * with other than {@code [A-Za-z0-9._:-]} are replaced by a generated one).
     *
     * @param header the header name
     * @return this builder
     */
    public Builder requestIdHeader(String header) {
      Objects.requireNonNull(header, "requestIdHeader");
      if (header.isBlank()) {
        throw new IllegalArgumentException(
            "requestIdHeader: \"" + header + "\" (expected: a header name)");
      }
      this.requestIdHeader = header.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /**
     * Sets where metrics go; without one no meters are registered.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Lets error bodies name the exception class and message; never enable it in production. Stack
     * traces are never sent, dev mode or not.
     *
     * @param devMode {@code true} for development
     * @return this builder
     */
    public Builder devMode(boolean devMode) {
      this.devMode = devMode;
      return this;
    }

    /**
     * Test only: reads time from {@code ticker} instead of the channel's event loop clock. Timers
     * still run on the event loop; prefer {@code EmbeddedChannel.freezeTime()}, which the default
     * already follows.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the exception guard, to share one with the rest of the application; its own dev mode
     * then decides what problem bodies show.
     *
     * @param guard the guard
     * @return this builder
     */
    public Builder guard(Guard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * Sets the longest gap between two reads of a request body (default {@value
     * ServerConfig#DEFAULT_BODY_READ_TIMEOUT_MILLIS} ms); a client that stalls longer mid-body is
     * answered 408 with {@code Connection: close}. A body that trickles faster is still bounded by
     * the request deadline.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder bodyReadTimeout(Duration timeout) {
      this.bodyReadTimeout = Durations.requirePositive("bodyReadTimeout", timeout);
      return this;
    }

    /**
     * Sets how many connections may be open at once (counted by {@link
     * StabilityServer#serverHandler()} on the server channel); a connection over it is closed at
     * once, before any byte is read, and counted in {@code stability.server.connections.rejected}.
     *
     * @param max the limit, zero for unlimited
     * @return this builder
     */
    public Builder maxConnections(int max) {
      this.maxConnections = requireAtLeast("maxConnections", max, 0);
      return this;
    }

    /**
     * Sets the request methods accepted besides the standard ones; requests with any other method
     * are answered 501 and the connection closed. Methods are case-sensitive tokens (RFC 9110
     * section 9.1).
     *
     * @param methods the methods, each a token of at most 32 characters
     * @return this builder
     */
    public Builder extensionMethods(Set<String> methods) {
      Objects.requireNonNull(methods, "extensionMethods");
      for (String m : methods) {
        if (!HttpMethods.isToken(m) || m.length() > 32) {
          throw new IllegalArgumentException(
              "extensionMethods: \"" + m + "\" (expected: a method token of 1 to 32 characters)");
        }
      }
      this.extensionMethods = Set.copyOf(methods);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     * @throws IllegalArgumentException when the header timeout is not shorter than a non-zero idle
     *     timeout
     */
    public ServerConfig build() {
      if (!idleTimeout.isZero() && headerReadTimeout.compareTo(idleTimeout) > 0) {
        throw new IllegalArgumentException(
            "headerReadTimeout: "
                + headerReadTimeout
                + " (expected: <= idleTimeout "
                + idleTimeout
                + ")");
      }
      return new ServerConfig(this);
    }
  }
}
