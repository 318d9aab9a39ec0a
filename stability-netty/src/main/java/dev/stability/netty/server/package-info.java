/**
 * Server guard handlers: one line ({@link dev.stability.netty.server.StabilityServer#guards}) protects a Netty
 * HTTP/1.1 pipeline against malformed and slow clients, request deadlines, exceptions and broken handler chains.
 */
package dev.stability.netty.server;
