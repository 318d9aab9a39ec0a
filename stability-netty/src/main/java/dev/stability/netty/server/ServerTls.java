package dev.stability.netty.server;

import dev.stability.config.FileWatcher;
import dev.stability.time.Durations;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * TLS on a guarded server: where the certificate comes from, how long a handshake may take, and
 * whether clients must authenticate; immutable, built by {@link #builder(Path, Path)} or {@link
 * #builder(Supplier)} and set with {@link ServerConfig.Builder#tls(ServerTls)}.
 *
 * <p>With PEM files the server builds its context from {@link dev.stability.netty.tls.TlsDefaults}
 * (JDK provider, TLS 1.3 and 1.2 only, AEAD suites with forward secrecy, ALPN {@code h2, http/1.1}
 * with {@link ServerConfig#http2()} set, else {@code http/1.1}) and reloads the files while it
 * runs, as {@link dev.stability.netty.tls.ReloadingSslContext} does: new connections get the new
 * pair, open ones keep theirs, a broken pair keeps the last good one. With a {@code
 * Supplier<SslContext>} (a {@code ReloadingSslContext} you own, or a fixed context) the supplier is
 * asked once per connection and everything else is the context's: configure client authentication
 * on it, and ALPN ({@code h2} first, with suites RFC 9113 §9.2.2 allows) for HTTP/2; a context
 * without ALPN serves HTTP/1.1.
 *
 * <p>Each connection gets an {@code SslHandler} first in its pipeline, before the sniffer, and the
 * HTTP timers start only once its handshake succeeded: a client that opens TCP and never finishes
 * the handshake is closed at {@link #handshakeTimeout()} and counted in {@code
 * stability.server.tls.handshake.failures{reason=timeout}}.
 */
public final class ServerTls {
  /** Default longest handshake, in milliseconds: {@value} (Netty's {@code SslHandler} default). */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  /** Default time between two reads of the PEM files, in milliseconds: {@value}. */
  public static final long DEFAULT_RELOAD_INTERVAL_MILLIS =
      FileWatcher.DEFAULT_POLL_INTERVAL_MILLIS;

  private final Path certificateChain;
  private final Path privateKey;
  private final Supplier<SslContext> contexts;
  private final Duration handshakeTimeout;
  private final ClientAuth clientAuth;
  private final Path trustedClientCertificates;
  private final Duration reloadInterval;

  private ServerTls(Builder b) {
    this.certificateChain = b.certificateChain;
    this.privateKey = b.privateKey;
    this.contexts = b.contexts;
    this.handshakeTimeout = b.handshakeTimeout;
    this.clientAuth = b.clientAuth;
    this.trustedClientCertificates = b.trustedClientCertificates;
    this.reloadInterval = b.reloadInterval;
  }

  /**
   * Returns a builder for a certificate chain and key read from PEM files and reloaded when they
   * change.
   *
   * @param certificateChain PEM certificates, leaf first
   * @param privateKey the leaf's unencrypted PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----})
   * @return a new builder
   */
  public static Builder builder(Path certificateChain, Path privateKey) {
    Builder b = new Builder();
    b.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
    b.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    return b;
  }

  /**
   * Returns a builder for server contexts of your own, asked once per new connection (a {@link
   * dev.stability.netty.tls.ReloadingSslContext} is such a supplier).
   *
   * @param contexts supplies a server {@code SslContext}
   * @return a new builder
   */
  public static Builder builder(Supplier<SslContext> contexts) {
    Builder b = new Builder();
    b.contexts = Objects.requireNonNull(contexts, "contexts");
    return b;
  }

  /** Returns the PEM certificate chain, or {@code null} with own contexts. @return the path */
  public Path certificateChain() {
    return certificateChain;
  }

  /** Returns the PEM private key, or {@code null} with own contexts. @return the path */
  public Path privateKey() {
    return privateKey;
  }

  /** Returns the own contexts, or {@code null} with PEM files. @return the supplier */
  public Supplier<SslContext> contexts() {
    return contexts;
  }

  /** Returns how long a handshake may take before the connection is closed. @return the timeout */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** Returns whether clients must present a certificate (PEM files only). @return the mode */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /**
   * Returns the PEM CA certificates client certificates must chain to, or {@code null}. @return the
   * path
   */
  public Path trustedClientCertificates() {
    return trustedClientCertificates;
  }

  /** Returns how often the PEM files are read. @return the interval */
  public Duration reloadInterval() {
    return reloadInterval;
  }

  @Override
  public String toString() {
    return "ServerTls("
        + (contexts != null ? "contexts=" + contexts : "cert=" + certificateChain)
        + ", handshakeTimeout="
        + handshakeTimeout
        + ", clientAuth="
        + clientAuth
        + ')';
  }

  /** Builds {@link ServerTls}; every setter validates its argument at once. */
  public static final class Builder {
    private Path certificateChain;
    private Path privateKey;
    private Supplier<SslContext> contexts;
    private Duration handshakeTimeout = Duration.ofMillis(DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    private ClientAuth clientAuth = ClientAuth.NONE;
    private Path trustedClientCertificates;
    private Duration reloadInterval = Duration.ofMillis(DEFAULT_RELOAD_INTERVAL_MILLIS);

    Builder() {}

    /**
     * Sets how long a handshake may take (default {@value
     * ServerTls#DEFAULT_HANDSHAKE_TIMEOUT_MILLIS} ms); a client that stalls it is closed.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Durations.requirePositive("handshakeTimeout", timeout);
      return this;
    }

    /**
     * Sets whether clients must present a certificate that chains to {@link
     * #trustedClientCertificates(Path)}: {@code NONE} (the default), {@code OPTIONAL} (verified
     * when sent) or {@code REQUIRE}. PEM files only.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder clientAuth(ClientAuth mode) {
      this.clientAuth = Objects.requireNonNull(mode, "clientAuth");
      return this;
    }

    /**
     * Sets the PEM CA certificates a client certificate must chain to (read again with every reload
     * of the pair). PEM files only.
     *
     * @param caCertificates the PEM file
     * @return this builder
     */
    public Builder trustedClientCertificates(Path caCertificates) {
      this.trustedClientCertificates =
          Objects.requireNonNull(caCertificates, "trustedClientCertificates");
      return this;
    }

    /**
     * Sets how often the PEM files are read (default {@value
     * ServerTls#DEFAULT_RELOAD_INTERVAL_MILLIS} ms). PEM files only.
     *
     * @param interval 10 ms to 1 hour
     * @return this builder
     */
    public Builder reloadInterval(Duration interval) {
      Durations.requirePositive("reloadInterval", interval);
      if (interval.compareTo(Duration.ofMillis(10)) < 0
          || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "reloadInterval: " + interval + " (expected: >= 10 ms and <= 1 hour)");
      }
      this.reloadInterval = interval;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     * @throws IllegalArgumentException when client authentication lacks its CA file, or is set for
     *     own contexts
     */
    public ServerTls build() {
      if (contexts != null
          && (clientAuth != ClientAuth.NONE || trustedClientCertificates != null)) {
        throw new IllegalArgumentException(
            "clientAuth: "
                + clientAuth
                + " (expected: NONE with your own SslContext supplier; configure client "
                + "authentication on its contexts)");
      }
      if (clientAuth != ClientAuth.NONE && trustedClientCertificates == null) {
        throw new IllegalArgumentException(
            "trustedClientCertificates: none (expected: a PEM CA file when clientAuth is "
                + clientAuth
                + ")");
      }
      return new ServerTls(this);
    }
  }
}
