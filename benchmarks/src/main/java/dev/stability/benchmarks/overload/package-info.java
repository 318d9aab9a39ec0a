/**
 * The overload harness: a CPU-bound server under an open-loop load of 0.5x to 4x its capacity, with
 * admission control off, ours, and Netflix's Gradient2 wired in the same place.
 */
package dev.stability.benchmarks.overload;
