/** JMH benchmarks that compare stability with its anchors in the same run. Never deployed. */
package dev.stability.benchmarks;
