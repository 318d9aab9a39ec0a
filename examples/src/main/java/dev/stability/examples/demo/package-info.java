/** The default command: a three-hop chain with injected faults that checks its own invariants. */
package dev.stability.examples.demo;
