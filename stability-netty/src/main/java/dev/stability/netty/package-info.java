/**
 * Netty adapter: server guard handlers and a deadline-aware HTTP client built on stability-core.
 */
package dev.stability.netty;
