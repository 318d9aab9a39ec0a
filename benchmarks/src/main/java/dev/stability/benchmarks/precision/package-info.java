/**
 * Loopback measurements that are not JMH: deadline precision of the server guards at high
 * concurrency, and a keep-alive load generator for the guard-overhead script on machines without
 * wrk.
 */
package dev.stability.benchmarks.precision;
