/** Overhead of the Netty server guards against a bare Netty hello-world pipeline. */
package dev.stability.benchmarks.server;
