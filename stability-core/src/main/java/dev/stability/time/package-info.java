/**
 * Monotonic time: the {@link dev.stability.time.Ticker} every component reads, {@link
 * dev.stability.time.Deadline}, and the pluggable {@link dev.stability.time.TimerScheduler} that
 * wakes contexts when they expire.
 */
package dev.stability.time;
