package dev.stability.netty.client;

/**
 * The per-client values every {@link ClientExchange} reads, resolved once from the configuration.
 */
final class ExchangeSettings {
  final long writeNanos;
  final long headersNanos;
  final long bodyNanos;
  final long bodyGapNanos;
  final int maxBody;
  final DeadlineHeaderWriter deadlineWriter;
  final String attemptHeader;
  final String requestIdHeader;
  final ClientMetrics metrics;

  ExchangeSettings(HttpClientConfig config, ClientMetrics metrics) {
    PhaseTimeouts t = config.phaseTimeouts();
    this.writeNanos = t.write().toNanos();
    this.headersNanos = t.responseHeaders().toNanos();
    this.bodyNanos = t.bodyTotal().toNanos();
    this.bodyGapNanos = t.bodyGap().toNanos();
    this.maxBody = config.maxResponseBodyBytes();
    this.deadlineWriter = config.propagateDeadline() ? new DeadlineHeaderWriter(config) : null;
    this.attemptHeader = config.attemptHeaderName().isEmpty() ? null : config.attemptHeaderName();
    this.requestIdHeader =
        config.requestIdHeaderName().isEmpty() ? null : config.requestIdHeaderName();
    this.metrics = metrics;
  }
}
