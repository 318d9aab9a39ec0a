/**
 * Incident snapshots: a bounded JFR ring recording dumped to a file when incidents, deadline misses
 * or breaker openings pass a rate, so that the seconds before a failure can be read afterwards.
 * Apart from {@code dev.stability.jfr} because it listens to the breaker, which itself emits JFR
 * events.
 */
package dev.stability.jfr.snapshot;
