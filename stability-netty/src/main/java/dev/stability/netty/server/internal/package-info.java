/**
 * Implementation of the server guard handlers. Everything here may change without notice; use
 * {@link dev.stability.netty.server} instead.
 */
package dev.stability.netty.server.internal;
