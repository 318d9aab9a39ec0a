package dev.stability.netty.tls;

import dev.stability.config.ConfigListener;
import dev.stability.config.FileWatcher;
import dev.stability.config.ReloadableConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server {@link SslContext} built from a PEM certificate chain and a PEM private key, rebuilt
 * when either file changes, without a restart.
 *
 * <p>Use {@link #get()} for every new connection ({@code ctx.get().newHandler(ch.alloc())}): a
 * connection keeps the context it started with, so open connections continue on the old certificate
 * while new ones get the new one. A rotated pair is checked before it replaces the current one:
 * both files parse, the key belongs to the leaf certificate, the leaf is valid now, and the context
 * builds with {@link TlsDefaults}. A broken pair keeps the last good context, logs one ERROR per
 * broken content, and counts {@code stability.config.updates{source=<name>, outcome=rejected}}.
 * Replace the files atomically, key first or both at once (a symlink swap, as Kubernetes does for
 * Secrets): a poll that sees a new certificate with the old key rejects that pair, and the next
 * poll applies the matching one.
 */
public final class ReloadingSslContext
    implements dev.stability.config.ConfigSource<SslContext>, Supplier<SslContext> {
  /** The default source name, used in logs and the {@code source} metric tag: {@value}. */
  public static final String DEFAULT_NAME = "tls-server";

  private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

  private final Path certificateChain;
  private final Path privateKey;
  private final UnaryOperator<SslContextBuilder> customizer;
  private final Supplier<Instant> clock;
  private final ReloadableConfig<SslContext> config;
  private final FileWatcher watcher;

  private ReloadingSslContext(Builder b) {
    this.certificateChain = b.certificateChain;
    this.privateKey = b.privateKey;
    this.customizer = b.customizer;
    this.clock = b.clock;
    SslContext initial;
    try {
      initial = load(Files.readAllBytes(certificateChain), Files.readAllBytes(privateKey));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "certificateChain: "
              + certificateChain
              + ", privateKey: "
              + privateKey
              + " (expected: readable files; "
              + e
              + ")",
          e);
    }
    ReloadableConfig.Builder<SslContext> rb =
        ReloadableConfig.builder(b.name, initial).listener(b.listener);
    if (b.meterRegistry != null) {
      rb.meterRegistry(b.meterRegistry);
    }
    this.config = rb.build();
    FileWatcher.Builder wb =
        FileWatcher.builder(
                List.of(certificateChain, privateKey),
                new FileWatcher.Handler() {
                  @Override
                  public void onChange(List<byte[]> contents) {
                    try {
                      config.offer(origin(), load(contents.get(0), contents.get(1)));
                    } catch (IllegalArgumentException e) {
                      config.reject(origin(), e.getMessage());
                    }
                  }

                  @Override
                  public void onUnreadable(String reason) {
                    config.reject(origin(), reason);
                  }
                })
            .pollInterval(b.pollInterval)
            .maxBytes(256 * 1024);
    if (b.scheduler != null) {
      wb.scheduler(b.scheduler);
    }
    this.watcher = wb.build();
    watcher.refresh(); // primes the watcher with the content just loaded: applies again only what
    // changed since
    watcher.start();
  }

  private String origin() {
    return certificateChain + " + " + privateKey;
  }

  private SslContext load(byte[] certPem, byte[] keyPem) {
    PemMaterial material = PemMaterial.parse(origin(), certPem, keyPem, clock.get());
    try {
      SslContext context =
          customizer
              .apply(
                  TlsDefaults.server(
                      material.key(),
                      material.chain().toArray(new java.security.cert.X509Certificate[0])))
              .build();
      log.info(
          "TLS certificate {} loaded: subject {}, expires {}, pin {}",
          certificateChain,
          material.chain().get(0).getSubjectX500Principal().getName(),
          material.chain().get(0).getNotAfter().toInstant(),
          CertificatePins.spkiSha256(material.chain().get(0)));
      return context;
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException(
          "certificateChain: "
              + certificateChain
              + " (expected: material an "
              + "SslContext accepts; "
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * Returns a builder for the given PEM files.
   *
   * @param certificateChain PEM certificates, leaf first
   * @param privateKey the leaf's unencrypted PKCS#8 PEM key
   * @return the builder
   */
  public static Builder builder(Path certificateChain, Path privateKey) {
    return new Builder(certificateChain, privateKey);
  }

  /** Returns the context for a new connection: the last good one. */
  @Override
  public SslContext get() {
    return config.current();
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public SslContext current() {
    return config.current();
  }

  @Override
  public Subscription subscribe(ConfigListener<? super SslContext> listener) {
    return config.subscribe(listener);
  }

  /**
   * Reads both files now instead of at the next poll.
   *
   * @return {@code true} when their content changed (and was applied or rejected)
   */
  public boolean refresh() {
    return watcher.refresh();
  }

  /** Stops watching; {@link #get()} keeps answering the last good context. */
  @Override
  public void close() {
    watcher.close();
  }

  /** Builds a {@link ReloadingSslContext}. */
  public static final class Builder {
    private final Path certificateChain;
    private final Path privateKey;
    private String name = DEFAULT_NAME;
    private UnaryOperator<SslContextBuilder> customizer = UnaryOperator.identity();
    private Duration pollInterval = Duration.ofMillis(FileWatcher.DEFAULT_POLL_INTERVAL_MILLIS);
    private ScheduledExecutorService scheduler;
    private MeterRegistry meterRegistry;
    private ConfigListener<? super SslContext> listener = ConfigListener.NONE;
    private Supplier<Instant> clock = Instant::now;

    Builder(Path certificateChain, Path privateKey) {
      this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Sets the name for logs and metrics; default {@value #DEFAULT_NAME}. */
    public Builder name(String value) {
      ReloadableConfig.builder(value, value);
      this.name = value;
      return this;
    }

    /**
     * Adjusts each context after the defaults (client authentication, a trust manager for mTLS); do
     * not weaken the protocols or suites here.
     *
     * @param value applied to every rebuild
     * @return this builder
     */
    public Builder customizer(UnaryOperator<SslContextBuilder> value) {
      this.customizer = Objects.requireNonNull(value, "customizer");
      return this;
    }

    /**
     * Sets how often the files are read; default {@value FileWatcher#DEFAULT_POLL_INTERVAL_MILLIS}
     * ms.
     *
     * @param value 10 ms to 1 hour
     * @return this builder
     */
    public Builder pollInterval(Duration value) {
      FileWatcher.builder(List.of(certificateChain), FileWatcher.Handler.NONE).pollInterval(value);
      this.pollInterval = value;
      return this;
    }

    /**
     * Polls on {@code value} instead of the shared poller thread.
     *
     * @param value the scheduler
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Counts reloads in {@code value}.
     *
     * @param value the registry
     */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Sets a listener for reloads and rejections; default none. */
    public Builder listener(ConfigListener<? super SslContext> value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    // visible for testing: the wall clock that certificate validity is checked against
    Builder clock(Supplier<Instant> value) {
      this.clock = value;
      return this;
    }

    /**
     * Loads the files and starts watching them.
     *
     * @return the reloading context
     * @throws IllegalArgumentException naming the file and what was expected, when the first pair
     *     is unusable
     */
    public ReloadingSslContext build() {
      return new ReloadingSslContext(this);
    }
  }
}
