package dev.stability.netty.client;

import dev.stability.time.Ticker;

/** The shared, immutable collaborators of every call made by one client. */
final class ClientRuntime {
  final HttpClientConfig config;
  final Ticker ticker;
  final long marginNanos;
  final BreakerGate breakers;
  final ClientMetrics metrics;
  final ExchangeSettings exchangeSettings;
  final AttemptListener attempts;

  ClientRuntime(
      HttpClientConfig config,
      Ticker ticker,
      BreakerGate breakers,
      ClientMetrics metrics,
      AttemptListener attempts) {
    this.config = config;
    this.ticker = ticker;
    this.marginNanos = config.deadlineMargin().toNanos();
    this.breakers = breakers;
    this.metrics = metrics;
    this.exchangeSettings = new ExchangeSettings(config, metrics);
    this.attempts = attempts;
  }
}
