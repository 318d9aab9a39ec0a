/** The request timeline's marks: first marks and repeats. */
package dev.stability.benchmarks.timeline;
