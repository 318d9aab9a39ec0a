/**
 * Implementation of the circuit breaker: state machine, lock-free sliding windows, in-flight tracking and probe
 * leases. Everything here may change without notice; do not use it from outside stability.
 */
package dev.stability.breaker.internal;
