/** Circuit breaker benchmarks and the latency-jump detection check, against Resilience4j 2.4.0. */
package dev.stability.benchmarks.breaker;
