/**
 * Scale probe (not JMH): a server's memory per idle keep-alive connection and per in-flight request
 * with a deadline, heap and direct, bare Netty against the guarded server, each in its own JVM.
 */
package dev.stability.benchmarks.scale;
