/**
 * Java Flight Recorder events for stability's incidents, and snapshots of a continuous recording on
 * incident.
 *
 * <p>{@link dev.stability.jfr.StabilityEvents} emits the events (all named {@code dev.stability.*},
 * category "Stability"); when no recording asks for them each emit is a check of one flag, nothing
 * is allocated or rendered. {@link dev.stability.jfr.snapshot.IncidentSnapshots} keeps a bounded
 * ring recording and dumps it to a file when a breaker opens, deadlines are exceeded too often or
 * an event loop is blocked. The JDK's {@code jdk.jfr} is the only dependency. See
 * docs/observability.md and docs/postmortem.md.
 */
package dev.stability.jfr;
