/**
 * JMH benchmarks of the no-violation path of the chain tracker, the exception guard and the phase
 * timeline, each beside a minimal hand-written anchor measured in the same run.
 */
package dev.stability.benchmarks.chain;
