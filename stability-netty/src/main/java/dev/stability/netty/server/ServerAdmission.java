package dev.stability.netty.server;

import dev.stability.admission.AdmissionConfig;
import dev.stability.admission.Priority;
import dev.stability.context.wire.TrustPolicy;
import dev.stability.internal.LogText;
import java.util.Objects;

/**
 * Whether and how a server admits requests before any work (overload protection): the concurrency
 * limits and wait queue of {@link AdmissionConfig}, how a request's route is named, and how far the
 * {@value Priority#HEADER} header is believed. Immutable, built by {@link #builder()}; set on
 * {@link ServerConfig.Builder#admission(ServerAdmission)}. On by default ({@link #ofDefaults()}).
 *
 * <p>A request is judged when its turn comes (after the head was validated, before the body is
 * given to a handler): admitted, queued for a moment, or answered {@code 503} with {@code
 * Retry-After} at once. See docs/server.md, "Overload".
 */
public final class ServerAdmission {
  /**
   * Default trust in the {@value Priority#HEADER} header: {@code ACCEPT_CAPPED}, honoured up to
   * {@link #DEFAULT_MAX_PRIORITY}: any caller may lower its own priority, none may claim {@code
   * critical} unless the server allows it.
   */
  public static final TrustPolicy DEFAULT_PRIORITY_TRUST = TrustPolicy.ACCEPT_CAPPED;

  /**
   * Default name of the server in logs and in the {@code server} tag of the admission meters:
   * {@value}.
   */
  public static final String DEFAULT_NAME = "server";

  /** Default highest priority a caller may claim: {@code default}. */
  public static final Priority DEFAULT_MAX_PRIORITY = Priority.DEFAULT;

  private static final ServerAdmission DEFAULTS = builder().build();
  private static final ServerAdmission DISABLED = builder().enabled(false).build();

  private final boolean enabled;
  private final String name;
  private final AdmissionConfig limits;
  private final RequestRoutes routes;
  private final TrustPolicy priorityTrust;
  private final Priority maxPriority;

  private ServerAdmission(Builder b) {
    this.enabled = b.enabled;
    this.name = b.name;
    this.limits = b.limits;
    this.routes = b.routes;
    this.priorityTrust = b.priorityTrust;
    this.maxPriority = b.maxPriority;
  }

  /**
   * Returns the defaults: on, {@link AdmissionConfig#ofDefaults()} (an adaptive limit per route, a
   * short queue, deadline shedding), no route names, priorities honoured up to {@code default}.
   *
   * @return the default admission
   */
  public static ServerAdmission ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns admission control turned off: every request is given to the handlers at once.
   *
   * @return admission off
   */
  public static ServerAdmission disabled() {
    return DISABLED;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether requests are judged at all. */
  public boolean enabled() {
    return enabled;
  }

  /** The server's name in logs and meters. */
  public String name() {
    return name;
  }

  /** The limits, queue and shedding rules. */
  public AdmissionConfig limits() {
    return limits;
  }

  /** How a request's route is named from its head. */
  public RequestRoutes routes() {
    return routes;
  }

  /** How far the priority header is believed. */
  public TrustPolicy priorityTrust() {
    return priorityTrust;
  }

  /** The highest priority a caller may claim with {@code ACCEPT_CAPPED}. */
  public Priority maxPriority() {
    return maxPriority;
  }

  @Override
  public String toString() {
    return enabled
        ? "ServerAdmission("
            + name
            + ", "
            + limits
            + ", priority "
            + priorityTrust
            + " up to "
            + maxPriority
            + ")"
        : "ServerAdmission(disabled)";
  }

  /** Builds a {@link ServerAdmission}; every setting has a default. */
  public static final class Builder {
    private boolean enabled = true;
    private String name = DEFAULT_NAME;
    private AdmissionConfig limits = AdmissionConfig.ofDefaults();
    private RequestRoutes routes = RequestRoutes.NONE;
    private TrustPolicy priorityTrust = DEFAULT_PRIORITY_TRUST;
    private Priority maxPriority = DEFAULT_MAX_PRIORITY;

    Builder() {}

    /**
     * Turns admission control on (the default) or off.
     *
     * @param enabled whether requests are judged
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Names the server in admission logs and in the {@code server} tag of its meters (default
     * {@value ServerAdmission#DEFAULT_NAME}). Give each server of one process its own name: a
     * registry keeps the first meter of a name and tags, so a second server of the same name is not
     * published.
     *
     * @param name 1 to 64 characters: letters, digits, {@code .}, {@code _}, {@code -}
     * @return this builder
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "name: "
                + LogText.quote(name, 64)
                + " (expected: 1-64 letters, digits, '.', '_' or '-')");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the limits, queue and shedding rules; per-route limits and routes left out of admission
     * ({@link AdmissionConfig.Builder#disableRoute}) are named by {@link #routes}.
     *
     * @param limits the admission settings
     * @return this builder
     */
    public Builder limits(AdmissionConfig limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Names each request's route from its head (default {@link RequestRoutes#NONE}: one limit for
     * the whole server).
     *
     * @param routes the route function
     * @return this builder
     */
    public Builder routes(RequestRoutes routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /**
     * Sets how far the {@value Priority#HEADER} header is believed: {@code ACCEPT_CAPPED} honours
     * it up to {@code max} (a higher claim counts as {@code max}; a malformed value is answered
     * 400), {@code IGNORE} treats every request as {@code default}, {@code STRIP} also removes the
     * header. Give {@code max} {@code CRITICAL} only when every caller is trusted.
     *
     * @param trust the policy (default {@code ACCEPT_CAPPED})
     * @param max the highest priority a caller may claim (default {@code DEFAULT})
     * @return this builder
     */
    public Builder priorityHeader(TrustPolicy trust, Priority max) {
      this.priorityTrust = Objects.requireNonNull(trust, "trust");
      this.maxPriority = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public ServerAdmission build() {
      return new ServerAdmission(this);
    }
  }
}
