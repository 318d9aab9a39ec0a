/**
 * OpenTelemetry traces for stability: W3C trace context extracted by the guarded server and
 * injected by the HTTP client, a server span per request and a client span per attempt, with the
 * request's deadline, budget, cancellation, breaker state and phase timeline on them. Start at
 * {@link dev.stability.opentelemetry.StabilityTracing}.
 */
package dev.stability.opentelemetry;
