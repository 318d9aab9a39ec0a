package dev.stability.netty.server;

import dev.stability.guard.Guard;
import dev.stability.time.Ticker;
import dev.stability.timeline.slow.SlowRequests;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable settings of a {@link StabilityServer}, composed of three parts and a few
 * collaborators; built by {@link #builder()}, variants derived with {@link #toBuilder()}.
 *
 * <ul>
 *   <li>{@link CodecLimits}: how large a request may be (line, headers, body);
 *   <li>{@link ConnectionLimits}: how long and how much one connection may hold the server (read,
 *       idle and write timeouts, requests and age per connection, pipelining, open connections);
 *   <li>{@link RequestDeadlines}: how long a request may take and what a late one is answered;
 *   <li>what the server accepts ({@link #streaming()}, {@link #extensionMethods()}, {@link
 *       #requestIdHeader()}) and whether it speaks TLS ({@link #tls()});
 *   <li>collaborators: the {@link #meterRegistry()}, the exception {@link #guard()} (which alone
 *       decides dev mode) and a test {@link #ticker()}.
 * </ul>
 */
public final class ServerConfig {
  /** Default header a client may set to choose its request id: {@value}. */
  public static final String DEFAULT_REQUEST_ID_HEADER = "x-request-id";

  private final CodecLimits codecLimits;
  private final ConnectionLimits connectionLimits;
  private final RequestDeadlines requestDeadlines;
  private final boolean streaming;
  private final Set<String> extensionMethods;
  private final String requestIdHeader;
  private final MeterRegistry meterRegistry;
  private final Guard guard;
  private final Ticker ticker;
  private final Http2Limits http2;
  private final ServerTls tls;
  private final SlowRequests slowRequests;
  private final ServerAdmission admission;

  private ServerConfig(Builder b) {
    this.codecLimits = b.codecLimits;
    this.connectionLimits = b.connectionLimits;
    this.requestDeadlines = b.requestDeadlines;
    this.streaming = b.streaming;
    this.extensionMethods = b.extensionMethods;
    this.requestIdHeader = b.requestIdHeader;
    this.meterRegistry = b.meterRegistry;
    this.guard = b.guard;
    this.ticker = b.ticker;
    this.http2 = b.http2;
    this.slowRequests = b.slowRequests;
    this.tls = b.tls;
    this.admission = b.admission;
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
   * Returns the defaults: {@link CodecLimits#ofDefaults()}, {@link ConnectionLimits#ofDefaults()},
   * {@link RequestDeadlines#ofDefaults()}, aggregated bodies, standard methods only, no metrics.
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

  /** Returns how large a request may be. @return the codec limits */
  public CodecLimits codecLimits() {
    return codecLimits;
  }

  /** Returns how long and how much one connection may hold the server. @return the limits */
  public ConnectionLimits connectionLimits() {
    return connectionLimits;
  }

  /** Returns how long a request may take and what a late one is answered. @return the deadlines */
  public RequestDeadlines requestDeadlines() {
    return requestDeadlines;
  }

  /** Returns whether bodies are streamed to the handlers instead of aggregated. @return the mode */
  public boolean streaming() {
    return streaming;
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
   * Returns the exception guard that records incidents and renders problem bodies, or {@code null}
   * for one built from {@link #meterRegistry()} with dev mode off.
   *
   * @return the guard or {@code null}
   */
  public Guard guard() {
    return guard;
  }

  /**
   * Returns the test ticker, or {@code null} to read each channel's event loop clock. @return the
   * ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * Returns the HTTP/2 limits, or {@code null} when the server speaks HTTP/1.1 only (the default).
   *
   * @return the limits or {@code null}
   */
  public Http2Limits http2() {
    return http2;
  }

  /** The slow-request reporter, or {@code null} when slow requests are not reported (default). */
  public SlowRequests slowRequests() {
    return slowRequests;
  }

  /** Returns the admission control settings (on by default). */
  public ServerAdmission admission() {
    return admission;
  }

  /** Returns the TLS settings, or {@code null} for plain HTTP (the default). @return the TLS */
  public ServerTls tls() {
    return tls;
  }

  @Override
  public String toString() {
    return "ServerConfig("
        + codecLimits
        + ", "
        + connectionLimits
        + ", "
        + requestDeadlines
        + ", "
        + admission
        + (streaming ? ", streaming" : ", aggregated")
        + (extensionMethods.isEmpty() ? "" : ", extensionMethods=" + extensionMethods)
        + ", requestIdHeader="
        + requestIdHeader
        + ", metrics="
        + (meterRegistry != null)
        + (http2 == null ? "" : ", " + http2)
        + (tls == null ? "" : ", " + tls)
        + ')';
  }

  /** Builds a {@link ServerConfig}; every setter validates its argument at once. */
  public static final class Builder {
    private CodecLimits codecLimits = CodecLimits.ofDefaults();
    private ConnectionLimits connectionLimits = ConnectionLimits.ofDefaults();
    private RequestDeadlines requestDeadlines = RequestDeadlines.ofDefaults();
    private boolean streaming;
    private Set<String> extensionMethods = Set.of();
    private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
    private MeterRegistry meterRegistry;
    private Guard guard;
    private Ticker ticker;
    private Http2Limits http2;
    private ServerTls tls;
    private SlowRequests slowRequests;
    private ServerAdmission admission = ServerAdmission.ofDefaults();

    Builder() {}

    /**
     * Reports every request that took {@code slowRequests}' threshold or longer, from its head to
     * its last response byte, with its timeline: a JFR event, a rate-limited WARN line per route,
     * and its listener (default: none, nothing is measured).
     *
     * @param slowRequests the slow-request reporter, e.g. {@link SlowRequests#ofDefaults()} (1 s)
     * @return this builder
     */
    public Builder slowRequests(SlowRequests slowRequests) {
      this.slowRequests = Objects.requireNonNull(slowRequests, "slowRequests");
      return this;
    }

    Builder(ServerConfig c) {
      codecLimits = c.codecLimits;
      connectionLimits = c.connectionLimits;
      requestDeadlines = c.requestDeadlines;
      streaming = c.streaming;
      extensionMethods = c.extensionMethods;
      requestIdHeader = c.requestIdHeader;
      meterRegistry = c.meterRegistry;
      guard = c.guard;
      ticker = c.ticker;
      http2 = c.http2;
      tls = c.tls;
      slowRequests = c.slowRequests;
      admission = c.admission;
    }

    /**
     * Sets how large a request may be (default {@link CodecLimits#ofDefaults()}).
     *
     * @param limits the codec limits
     * @return this builder
     */
    public Builder codecLimits(CodecLimits limits) {
      this.codecLimits = Objects.requireNonNull(limits, "codecLimits");
      return this;
    }

    /**
     * Sets how long and how much one connection may hold the server (default {@link
     * ConnectionLimits#ofDefaults()}).
     *
     * @param limits the connection limits
     * @return this builder
     */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.connectionLimits = Objects.requireNonNull(limits, "connectionLimits");
      return this;
    }

    /**
     * Sets how long a request may take and what a late one is answered (default {@link
     * RequestDeadlines#ofDefaults()}).
     *
     * @param deadlines the request deadlines
     * @return this builder
     */
    public Builder requestDeadlines(RequestDeadlines deadlines) {
      this.requestDeadlines = Objects.requireNonNull(deadlines, "requestDeadlines");
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
     * Sets the header a client may use to choose its request id (default {@value
     * ServerConfig#DEFAULT_REQUEST_ID_HEADER}; ids longer than 64 characters or with other than
     * {@code [A-Za-z0-9._:-]} are replaced by a generated one).
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
      this.requestIdHeader = header.toLowerCase(Locale.ROOT);
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
     * Sets the exception guard, to share one with the rest of the application. Its configuration
     * alone decides dev mode (whether problem bodies name the exception class and message; stack
     * traces are never sent); without one the server builds a guard on {@link #meterRegistry} with
     * dev mode off.
     *
     * @param guard the guard
     * @return this builder
     */
    public Builder guard(Guard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
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
     * Turns HTTP/2 on with {@code limits}: a connection whose first bytes are the HTTP/2 connection
     * preface (h2c with prior knowledge) is served as HTTP/2, every other one as HTTP/1.1 (default:
     * off, HTTP/1.1 only). Needs the server's {@link StabilityServer#initializer} or {@link
     * StabilityServer#bootstrap}: each stream's pipeline gets the application's handlers from it.
     *
     * @param limits the HTTP/2 limits, e.g. {@link Http2Limits#ofDefaults()}
     * @return this builder
     */
    public Builder http2(Http2Limits limits) {
      this.http2 = Objects.requireNonNull(limits, "http2");
      return this;
    }

    /**
     * Serves HTTPS: every connection starts with a TLS handshake (see {@link ServerTls}); without
     * it (the default) the server speaks plain HTTP.
     *
     * @param tls the TLS settings
     * @return this builder
     */
    public Builder tls(ServerTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Sets admission control: the concurrency limits that shed load before any work (default {@link
     * ServerAdmission#ofDefaults()}: on; {@link ServerAdmission#disabled()} turns it off).
     *
     * @param admission the admission settings
     * @return this builder
     */
    public Builder admission(ServerAdmission admission) {
      this.admission = Objects.requireNonNull(admission, "admission");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     */
    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
