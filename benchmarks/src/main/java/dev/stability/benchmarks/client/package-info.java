/**
 * JMH benchmarks of the HTTP client against reactor-netty's {@code HttpClient} on a shared loopback
 * upstream.
 */
package dev.stability.benchmarks.client;
