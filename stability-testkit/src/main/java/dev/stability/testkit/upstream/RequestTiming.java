package dev.stability.testkit.upstream;

import java.util.OptionalLong;

/**
 * When a request reached the upstream and when the connection that carried it closed, both as
 * {@link System#nanoTime()} readings: for a hung request, the close is the moment the client gave
 * up on it.
 *
 * @param arrivedNanos when the whole request had been read
 * @param closedNanos when its connection closed, empty while it is open
 */
public record RequestTiming(long arrivedNanos, OptionalLong closedNanos) {}
