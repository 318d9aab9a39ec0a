/**
 * JMH benchmarks of stability's JFR events when no recording takes them (the cost every request
 * pays), and with a recording that does, beside an empty anchor measured in the same run.
 */
package dev.stability.benchmarks.jfr;
