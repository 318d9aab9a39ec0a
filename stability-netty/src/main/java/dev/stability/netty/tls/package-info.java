/**
 * TLS material and checks shared by server and client: secure defaults, PEM certificates reloaded
 * without a restart, per-host SPKI pins, and a probe that reports what an endpoint negotiates.
 */
package dev.stability.netty.tls;
