/**
 * A {@link dev.stability.config.ConfigSource} that watches one key in etcd through jetcd: the
 * fleet-wide alternative to {@link dev.stability.config.FileConfigSource}, with the same validation
 * and last-good rule.
 */
package dev.stability.etcd;
