/**
 * Values that may change at run time (client pins, per-route timeouts, breaker thresholds): a
 * {@link dev.stability.config.ConfigSource} validates every update with the builders' own checks,
 * rejects an invalid one with their {@code "name: value (expected: ...)"} message, counts it, and
 * keeps the last good value.
 *
 * <p>{@link dev.stability.config.FileConfigSource} (a polled file) is the embedded default; the
 * optional {@code stability-etcd} module watches keys in etcd; {@link
 * dev.stability.config.ReloadableConfig} is the engine both feed, usable directly by code that
 * receives configuration by other means.
 */
package dev.stability.config;
