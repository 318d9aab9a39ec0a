/**
 * Pre-release TLS assertions: handshake a candidate client configuration against an endpoint and
 * check it.
 */
package dev.stability.testkit.tls;
