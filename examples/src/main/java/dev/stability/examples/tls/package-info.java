/**
 * {@code tls-check}: the pre-release TLS check of an endpoint (protocol, cipher, chain, expiry,
 * pins).
 */
package dev.stability.examples.tls;
