/**
 * The guarded Netty HTTP/1.1 server: one entry type ({@link
 * dev.stability.netty.server.StabilityServer#create}) protects a pipeline against malformed and
 * slow clients, request deadlines, exceptions and broken handler chains.
 */
package dev.stability.netty.server;
