/**
 * A deadline-aware Netty HTTP/1.1 client: tuned per-host pools, per-phase timeouts, deadline
 * propagation, bounded retries and per-host circuit breakers. Start at {@link
 * dev.stability.netty.client.StabilityHttpClient}.
 */
package dev.stability.netty.client;
